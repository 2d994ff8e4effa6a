/**
 * Minimal YAML emitter for plain data (objects, arrays, strings, numbers, booleans, null). Every string is
 * emitted as a JSON double-quoted scalar, which YAML 1.2 parses identically, so no value can be misread as
 * another type or break the structure (colons, '#', quotes and newlines are all escaped).
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

function scalar(v: string | number | boolean | null): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const isScalar = (v: YamlValue): v is string | number | boolean | null => v === null || typeof v !== 'object';
const keyText = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k));

function emit(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(value)) return [pad + scalar(value)];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (isScalar(item)) return [`${pad}- ${scalar(item)}`];
      const [first, ...rest] = emit(item, indent + 2);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return [`${pad}{}`];
  return entries.flatMap(([k, v]) => {
    if (isScalar(v)) return [`${pad}${keyText(k)}: ${scalar(v)}`];
    if (Array.isArray(v) && v.length === 0) return [`${pad}${keyText(k)}: []`];
    if (!Array.isArray(v) && Object.keys(v).length === 0) return [`${pad}${keyText(k)}: {}`];
    return [`${pad}${keyText(k)}:`, ...emit(v, indent + 2)];
  });
}

export function toYaml(value: YamlValue): string {
  return `${emit(value, 0).join('\n')}\n`;
}
