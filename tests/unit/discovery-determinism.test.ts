import { fixture, generateWithScript, runPipeline } from './discovery-helpers';

test.each(['cmdb.csv', 'inventory.json', 'rvtools-vinfo.csv'])('the pipeline is deterministic on %s', (name) => {
  const content = fixture(name);
  expect(runPipeline(content, name)).toEqual(runPipeline(content, name));
});

test('the generator is deterministic per seed and writes the committed fixtures', () => {
  const again = generateWithScript({ seed: 42, servers: 240, applications: 48 });
  expect(again.cmdbCsv).toBe(fixture('cmdb.csv'));
  expect(again.jsonInventory).toBe(fixture('inventory.json'));
  expect(again.rvtoolsCsv).toBe(fixture('rvtools-vinfo.csv'));
  expect(again.truth).toEqual(JSON.parse(fixture('truth.json')));
  const other = generateWithScript({ seed: 43, servers: 240, applications: 48 });
  expect(other.cmdbCsv).not.toBe(again.cmdbCsv);
});

test('10,000 servers: generation finishes and the whole pipeline agrees with the ground truth', () => {
  let started = Date.now();
  const generated = generateWithScript({ seed: 7, servers: 10_000, applications: 400 });
  const generation = Date.now() - started;
  started = Date.now();
  const result = runPipeline(generated.cmdbCsv, 'cmdb.csv');
  const pipeline = Date.now() - started;
  console.log(`10,000 servers: generation (incl. tsx start-up) ${generation} ms, pipeline ${pipeline} ms over ${result.parsed.rows.length} rows`);

  const { truth } = generated;
  expect(result.cleansing.assets).toHaveLength(truth.hostnames.length);
  expect(result.cleansing.duplicatesMerged.reduce((sum, group) => sum + group.rowNumbers.length - 1, 0)).toBe(truth.duplicateRowCount);
  expect(result.inventory.dependencies).toHaveLength(truth.dependencyCount);
  expect(result.inventory.applications).toHaveLength(truth.applications.length);
  expect(result.graph.cycles).toEqual([truth.cycle]);
  expect(result.graph.orphans).toEqual(truth.orphans);
});
