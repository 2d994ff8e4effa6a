/**
 * `data_import`: turn an uploaded file into staged raw rows, untouched. Detects the layout (generic CMDB
 * export, RVTools vInfo, JSON inventory, anything else tabular), rejects malformed files with the line at
 * fault, and reports encoding damage per cell without failing the import (a broken "é" in an owner name must
 * not block a migration; it must be visible).
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { RawRow } from '../model';
import { normaliseHeader } from './patterns';

export type ImportFormat = 'cmdb_csv' | 'rvtools_vinfo' | 'json_inventory' | 'generic_csv';

export interface EncodingIssue {
  rowNumber: number;
  column: string;
  problem: string;
}

export interface ParsedImport {
  format: ImportFormat;
  columns: string[];
  rows: RawRow[];
  encodingIssues: EncodingIssue[];
  warnings: string[];
}

/** Malformed input. `line` is the 1-based line in the file, or null when the fault has no single line. */
export class ImportParseError extends Error {
  constructor(
    message: string,
    public readonly line: number | null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
    this.name = 'ImportParseError';
  }
}

/** Above this, staging and profiling in one activity would exceed sensible payload and memory limits. */
export const MAX_IMPORT_ROWS = 200_000;

/** Beyond this many, encoding issues are counted in a warning instead of listed: the list is for humans. */
const MAX_LISTED_ENCODING_ISSUES = 1000;

export function parseImport(content: string, filename?: string): ParsedImport {
  const text = content.replace(/^\uFEFF/, '');
  if (text.trim().length === 0) throw new ImportParseError('the file is empty', 1);
  const looksJson = /^\s*[[{]/.test(text) || /\.json$/i.test(filename ?? '');
  const staged = looksJson ? parseJson(text) : parseCsv(text);
  const encoding = findEncodingIssues(staged.rows, staged.columns);
  return { ...staged, encodingIssues: encoding.encodingIssues, warnings: [...staged.warnings, ...encoding.warnings] };
}

type Staged = Omit<ParsedImport, 'encodingIssues'>;

// ---------------------------------------------------------------------------------------------- JSON

function parseJson(text: string): Staged {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ImportParseError(`invalid JSON: ${(error as Error).message}`, jsonErrorLine(text, error as Error));
  }
  const items = isPlainObject(document) && Array.isArray(document.assets) ? document.assets : document;
  if (!Array.isArray(items)) {
    throw new ImportParseError('JSON must be an array of objects or an object with an "assets" array', 1);
  }
  if (items.length === 0) throw new ImportParseError('the JSON inventory holds no assets', 1);
  if (items.length > MAX_IMPORT_ROWS) {
    throw new ImportParseError(`more than ${MAX_IMPORT_ROWS} assets; split the file`, null);
  }

  const warnings = new Set<string>();
  const flattened = items.map((item, index) => {
    // JSON.parse keeps no positions, so an element's line is unknown; its index is named instead.
    if (!isPlainObject(item)) throw new ImportParseError(`asset #${index + 1} is not an object`, null);
    const flat: RawRow['data'] = {};
    flatten(item, '', flat, warnings);
    return flat;
  });

  const columns: string[] = [];
  const seen = new Set<string>();
  for (const flat of flattened) {
    for (const key of Object.keys(flat)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  // Every staged row carries every column so later phases never need to tell "absent" from "null".
  const rows = flattened.map((flat, index) => ({
    rowNumber: index + 1,
    data: Object.fromEntries(columns.map((column) => [column, flat[column] ?? null])),
  }));
  return { format: 'json_inventory', columns, rows, warnings: [...warnings] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested objects become dotted keys; arrays of scalars are joined with ';' (the list separator cleansing reads). */
function flatten(value: Record<string, unknown>, prefix: string, out: RawRow['data'], warnings: Set<string>): void {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix + key;
    if (isPlainObject(child)) {
      flatten(child, `${path}.`, out, warnings);
    } else if (Array.isArray(child)) {
      if (child.every((element) => !isPlainObject(element) && !Array.isArray(element))) {
        out[path] = child.map((element) => String(element ?? '')).join(';');
      } else {
        out[path] = JSON.stringify(child);
        warnings.add(`"${path}" holds nested objects; it is staged as JSON text`);
      }
    } else if (child === null || typeof child === 'string' || typeof child === 'number' || typeof child === 'boolean') {
      out[path] = child;
    }
  }
}

/** V8 reports either "position N" or "line L column C" depending on version; end of input means the last line. */
function jsonErrorLine(text: string, error: Error): number {
  const line = /line (\d+)/.exec(error.message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(error.message);
  const offset = position ? Number(position[1]) : text.length;
  return text.slice(0, offset).split('\n').length;
}

// ---------------------------------------------------------------------------------------------- CSV

const DELIMITERS = [',', ';', '\t'] as const;

function parseCsv(text: string): Staged {
  const delimiter = detectDelimiter(text);
  let lastRecordLine = 0;
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      skip_empty_lines: true,
      // One record more than allowed (plus the header) is enough to know the limit is exceeded.
      to: MAX_IMPORT_ROWS + 2,
      on_record: (record: string[], context) => {
        lastRecordLine = context.lines;
        return record;
      },
    });
  } catch (error) {
    throw csvError(error, lastRecordLine);
  }
  if (records.length > MAX_IMPORT_ROWS + 1) {
    throw new ImportParseError(`more than ${MAX_IMPORT_ROWS} data rows; split the file`, lastRecordLine);
  }

  const warnings: string[] = [];
  const columns = headerNames(records[0], warnings);
  if (records.length === 1) throw new ImportParseError('the file has a header but no data rows', 1);

  const rows: RawRow[] = [];
  let blankRecords = 0;
  for (const record of records.slice(1)) {
    // Spreadsheet exports often end in rows of bare delimiters; they are not assets.
    if (record.every((cell) => cell.trim() === '')) {
      blankRecords += 1;
      continue;
    }
    rows.push({
      rowNumber: rows.length + 1,
      data: Object.fromEntries(columns.map((column, index) => [column, record[index]])),
    });
  }
  if (blankRecords > 0) warnings.push(`${blankRecords} rows with only empty cells were skipped`);
  if (rows.length === 0) throw new ImportParseError('the file has a header but no data rows', 1);
  if (delimiter !== ',') warnings.push(`delimiter detected: ${delimiter === '\t' ? 'tab' : delimiter}`);
  return { format: detectTabularFormat(columns), columns, rows, warnings };
}

/** The delimiter that splits the header line into the most fields (ties go to the comma). */
function detectDelimiter(text: string): string {
  let best: string = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    try {
      const [header] = parse(text, { delimiter, to_line: 1, relax_quotes: true, relax_column_count: true });
      if (header && header.length > bestCount) {
        best = delimiter;
        bestCount = header.length;
      }
    } catch {
      // A header that does not even parse with this delimiter simply does not win; the real parse reports it.
    }
  }
  return best;
}

function csvError(error: unknown, lastRecordLine: number): ImportParseError {
  if (!(error instanceof CsvError)) return new ImportParseError(`unreadable CSV: ${String(error)}`, null);
  const lines = typeof error.lines === 'number' ? error.lines : null;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // csv-parse reports where the file ended; the culprit is the record that started after the last good one.
      return new ImportParseError('a quoted value is never closed', lastRecordLine + 1);
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return new ImportParseError(`inconsistent number of columns (${error.message})`, lines);
    default:
      return new ImportParseError(error.message, lines);
  }
}

function headerNames(header: string[], warnings: string[]): string[] {
  const names = header.map((cell, index) => {
    const name = cell.trim();
    if (name !== '') return name;
    warnings.push(`column ${index + 1} has no header; it is named column_${index + 1}`);
    return `column_${index + 1}`;
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ImportParseError(`duplicate column name "${name}"`, 1);
    seen.add(name);
  }
  return names;
}

// ----------------------------------------------------------------------------------- format detection

/** Headers only RVTools' vInfo tab writes (normalised). "VM" plus three of these is unmistakable. */
const RVTOOLS_HEADERS = [
  'powerstate',
  'cpus',
  'memory',
  'provisioned mib',
  'in use mib',
  'os according to the configuration file',
  'os according to the vmware tools',
  'primary ip address',
  'dns name',
  'vm uuid',
  'vm id',
  'template',
];

const CMDB_HOST_HEADERS = ['name', 'hostname', 'host name', 'server name', 'ci name', 'computer name', 'device name', 'asset name', 'fqdn'];
const CMDB_OTHER_HEADERS = [
  /\bip\b/,
  /\boperating system\b|^os\b/,
  /\benvironment\b|^env$/,
  /\bcriticality\b/,
  /\bowner\b|\bmanaged by\b|\bsupport group\b/,
  /\blocation\b|\bsite\b/,
  /\bserial\b/,
  /\bcpu\b|\bcores\b/,
  /\bram\b|\bmemory\b/,
  /\bapplication\b|\bbusiness service\b/,
  /\bclass\b|\btype\b/,
];

function detectTabularFormat(columns: string[]): ImportFormat {
  const headers = columns.map(normaliseHeader);
  const has = (name: string) => headers.includes(name);
  if (has('vm') && RVTOOLS_HEADERS.filter(has).length >= 3) return 'rvtools_vinfo';
  const hostHeader = headers.some((header) => CMDB_HOST_HEADERS.includes(header));
  const otherHeaders = CMDB_OTHER_HEADERS.filter((pattern) => headers.some((header) => pattern.test(header))).length;
  return hostHeader && otherHeaders >= 2 ? 'cmdb_csv' : 'generic_csv';
}

// ---------------------------------------------------------------------------------------- encoding

const REPLACEMENT_CHARACTER = /\uFFFD/;
// Tab, CR and LF are legitimate inside quoted cells; every other C0 control (and DEL) is damage.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// UTF-8 read as Windows-1252: a lead byte (Ã, Â, â€) followed by a continuation byte as CP1252 renders it.
const MOJIBAKE =
  /[ÃÂ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]|â€/;

function findEncodingIssues(rows: RawRow[], columns: string[]): Pick<ParsedImport, 'encodingIssues' | 'warnings'> {
  const encodingIssues: EncodingIssue[] = [];
  let total = 0;
  for (const row of rows) {
    for (const column of columns) {
      const value = row.data[column];
      if (typeof value !== 'string') continue;
      const problem = encodingProblem(value);
      if (problem === null) continue;
      total += 1;
      if (encodingIssues.length < MAX_LISTED_ENCODING_ISSUES) encodingIssues.push({ rowNumber: row.rowNumber, column, problem });
    }
  }
  const warnings =
    total > encodingIssues.length ? [`${total} cells have encoding problems; the first ${encodingIssues.length} are listed`] : [];
  return { encodingIssues, warnings };
}

function encodingProblem(value: string): string | null {
  if (REPLACEMENT_CHARACTER.test(value)) return 'contains U+FFFD replacement characters (bytes lost in a bad decode)';
  if (CONTROL_CHARACTER.test(value)) return 'contains control characters';
  if (MOJIBAKE.test(value)) return 'looks like UTF-8 decoded as Windows-1252 (mojibake such as "Ã©")';
  return null;
}
