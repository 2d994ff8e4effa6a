/**
 * Writes the seeded fixture inventories (and their ground truth) to disk:
 *   npx tsx scripts/generate-fixtures.ts [--seed N] [--servers N] [--applications N] [--out dir]
 * Defaults: seed 42, 240 servers, 48 applications, tests/fixtures/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateInventory } from '../tests/fixtures/generate';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    servers: { type: 'string', default: '240' },
    applications: { type: 'string', default: '48' },
    out: { type: 'string', default: join(__dirname, '..', 'tests', 'fixtures') },
  },
});

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got '${text}'`);
  return value;
}

const options = {
  seed: positiveInteger('seed', values.seed),
  servers: positiveInteger('servers', values.servers),
  applications: positiveInteger('applications', values.applications),
};
const out = resolve(values.out);
const started = Date.now();
const inventory = generateInventory(options);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'cmdb.csv'), inventory.cmdbCsv);
writeFileSync(join(out, 'inventory.json'), inventory.jsonInventory);
writeFileSync(join(out, 'rvtools-vinfo.csv'), inventory.rvtoolsCsv);
writeFileSync(join(out, 'truth.json'), `${JSON.stringify(inventory.truth, null, 2)}\n`);
console.log(`wrote cmdb.csv, inventory.json, rvtools-vinfo.csv, truth.json to ${out} in ${Date.now() - started} ms (seed ${options.seed}, ${options.servers} servers, ${options.applications} applications)`);
