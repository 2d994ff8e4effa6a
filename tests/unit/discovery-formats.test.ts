import { ImportParseError, MAX_IMPORT_ROWS, parseImport } from '../../activities/analysis/discovery/formats';
import { fixture, fixtureTruth } from './discovery-helpers';

function parseError(content: string, filename?: string): ImportParseError {
  try {
    parseImport(content, filename);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportParseError);
    return error as ImportParseError;
  }
  throw new Error('expected an ImportParseError');
}

describe('format detection', () => {
  const truth = fixtureTruth();
  // Every server once, the planted duplicates, and one row that identifies nothing.
  const cmdbRows = truth.hostnames.length + truth.duplicateRowCount + truth.rejectedRowCount;

  test('generic CMDB export', () => {
    const parsed = parseImport(fixture('cmdb.csv'), 'cmdb.csv');
    expect(parsed.format).toBe('cmdb_csv');
    expect(parsed.rows).toHaveLength(cmdbRows);
    expect(parsed.columns).toContain('RAM (GB)');
    expect(parsed.rows[0].rowNumber).toBe(1);
  });

  test('RVTools vInfo export', () => {
    const parsed = parseImport(fixture('rvtools-vinfo.csv'), 'rvtools-vinfo.csv');
    expect(parsed.format).toBe('rvtools_vinfo');
    expect(parsed.rows).toHaveLength(truth.rvtoolsVmCount);
  });

  test('JSON inventory: nested objects flattened, scalar lists joined, JSON types kept', () => {
    const parsed = parseImport(fixture('inventory.json'), 'inventory.json');
    expect(parsed.format).toBe('json_inventory');
    expect(parsed.rows).toHaveLength(cmdbRows);
    expect(parsed.columns).toEqual(expect.arrayContaining(['network.ip', 'os.name', 'os.version', 'utilisation.cpuPct', 'dependsOn']));
    const withDependencies = parsed.rows.find((row) => typeof row.data.dependsOn === 'string' && row.data.dependsOn.includes(';'));
    expect(withDependencies).toBeDefined();
    expect(typeof parsed.rows[0].data.cpu === 'number' || parsed.rows[0].data.cpu === null).toBe(true);
  });

  test('semicolon and tab delimiters, BOM, untouched values', () => {
    const semicolon = parseImport('\uFEFFName;IP Address;Operating System\n web01 ;10.0.0.1;RHEL 7\n');
    expect(semicolon.columns).toEqual(['Name', 'IP Address', 'Operating System']);
    expect(semicolon.rows[0].data.Name).toBe(' web01 ');
    expect(semicolon.format).toBe('cmdb_csv');
    const tab = parseImport('host\tcolour\nweb01\tblue\n');
    expect(tab.columns).toEqual(['host', 'colour']);
    expect(tab.format).toBe('generic_csv');
  });

  test('a bare array of objects is a JSON inventory too', () => {
    const parsed = parseImport('[{"hostname":"a","tags":["x","y"],"on":true},{"hostname":"b","extra":1}]');
    expect(parsed.columns).toEqual(['hostname', 'tags', 'on', 'extra']);
    expect(parsed.rows[0].data).toEqual({ hostname: 'a', tags: 'x;y', on: true, extra: null });
  });
});

describe('malformed input names the line', () => {
  test.each([
    ['unclosed quote (fixture)', fixture('malformed.csv'), 4],
    ['ragged row', 'a,b\n1,2\n3,4,5\n', 3],
    ['unclosed quote', 'a,b\n1,2\n3,"4\n5,6\n', 3],
    ['invalid closing quote', 'a,b\n1,2\n"x"y,3\n', 3],
    ['empty file', '', 1],
    ['whitespace only', '  \n\n', 1],
    ['header only', 'Name,IP Address\n', 1],
    ['duplicate header names', 'Name,IP,Name\n1,2,3\n', 1],
    ['invalid JSON', '[\n  {"a": 1},\n  {"a": 2,}\n]', 3],
    ['JSON that is not an array of objects', '{"servers": 3}', 1],
    ['empty JSON array', '[]', 1],
  ])('%s', (_name, content, line) => {
    const error = parseError(content);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^line ${line}: `));
  });

  test('a JSON element that is not an object is named by position', () => {
    const error = parseError('[{"a":1}, 42]');
    expect(error.message).toMatch(/asset #2/);
  });

  test(`more than ${MAX_IMPORT_ROWS} rows is refused`, () => {
    const error = parseError(`a\n${'1\n'.repeat(MAX_IMPORT_ROWS + 1)}`);
    expect(error.message).toMatch(/more than 200000/);
    expect(error.line).toBe(MAX_IMPORT_ROWS + 2);
  });
});

test('encoding problems are reported per cell and are not fatal', () => {
  const parsed = parseImport('Name,Owner,Notes\nweb01,Jos\u00c3\u00a9 Garc\u00c3\u00ada,ok\nweb02,J\uFFFDrg,bell\u0007\nweb03,Ana,fine\n');
  expect(parsed.rows).toHaveLength(3);
  expect(parsed.encodingIssues).toEqual([
    { rowNumber: 1, column: 'Owner', problem: expect.stringMatching(/mojibake/) },
    { rowNumber: 2, column: 'Owner', problem: expect.stringMatching(/U\+FFFD/) },
    { rowNumber: 2, column: 'Notes', problem: expect.stringMatching(/control/) },
  ]);
  expect(parsed.rows[0].data.Owner).toBe('Jos\u00c3\u00a9 Garc\u00c3\u00ada');
});

test('trailing rows of bare delimiters are skipped with a warning', () => {
  const parsed = parseImport('Name,IP\nweb01,10.0.0.1\n,\n,\n');
  expect(parsed.rows).toHaveLength(1);
  expect(parsed.warnings).toContain('2 rows with only empty cells were skipped');
});
