import fc from 'fast-check';
import { analyseDependencyGraph, describeMoveGroups } from '../../activities/analysis/discovery/graph';
import { fixture, fixtureTruth, runPipeline } from './discovery-helpers';

const truth = fixtureTruth();

test('components, cycles, hubs and orphans of a small graph', () => {
  const edges = [
    { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'a', to: 'b' },
    { from: 'd', to: 'e' }, { from: 'x', to: 'x' },
    ...['h1', 'h2', 'h3', 'h4', 'h5'].map((from) => ({ from, to: 'hub' })),
  ];
  const analysis = analyseDependencyGraph(['a', 'b', 'c', 'd', 'e', 'x', 'lonely', 'hub', 'h1', 'h2', 'h3', 'h4', 'h5'], edges);
  expect(analysis.components).toEqual([['h1', 'h2', 'h3', 'h4', 'h5', 'hub'], ['a', 'b', 'c'], ['d', 'e'], ['lonely'], ['x']]);
  expect(analysis.cycles).toEqual([['a', 'b', 'c']]);
  expect(analysis.hubs).toEqual([{ key: 'hub', fanIn: 5, fanOut: 0 }]);
  expect(analysis.orphans).toEqual(['lonely', 'x']);
});

test('the fixture graph: the planted cycle, the hub, the orphans', () => {
  const { graph, moveGroups, cleansing } = runPipeline(fixture('cmdb.csv'), 'cmdb.csv');
  expect(graph.cycles).toEqual([truth.cycle]);
  expect(graph.hubs.map((hub) => hub.key)).toContain(truth.hub);
  expect(graph.orphans).toEqual(truth.orphans);
  expect(graph.components.flat().sort()).toEqual(truth.hostnames);

  const connected = graph.components.filter((component) => component.length > 1);
  expect(moveGroups).toHaveLength(connected.length + 1);
  const withCycle = moveGroups.find((group) => truth.cycle.every((key) => group.assetKeys.includes(key)))!;
  expect(withCycle.description).toMatch(/1 dependency cycle .* must move in one wave/);
  expect(withCycle.evidence).toEqual(expect.arrayContaining([`dep:${truth.cycle[0]}->${truth.cycle[1]}`, `asset:${truth.cycle[0]}`]));
  const hubGroup = moveGroups.find((group) => group.assetKeys.includes(truth.hub))!;
  expect(hubGroup.description).toContain(`${truth.hub} (fan-in`);
  const standalone = moveGroups.at(-1)!;
  expect(standalone).toMatchObject({ name: 'Standalone assets', assetKeys: truth.orphans, confidence: 0.6 });
  expect(new Set(moveGroups.map((group) => group.name)).size).toBe(moveGroups.length);
  for (const group of moveGroups) {
    expect(group.groupId).toMatch(/^mg-\d{3}$/);
    expect(group.confidence).toBeGreaterThanOrEqual(0.5);
    expect(group.confidence).toBeLessThanOrEqual(1);
    expect(group.rationale).toMatch(/^Offline rules engine/);
    for (const id of group.evidence) expect(id).toMatch(/^(asset|app):[^:]+$|^dep:.+->.+$/);
  }
  // Group names come from the applications that dominate them.
  const biggest = moveGroups[0];
  const apps = new Map(runPipeline(fixture('cmdb.csv')).inventory.applications.map((app) => [app.key, app.name]));
  expect(biggest.name.startsWith(apps.get(biggest.applicationKeys[0]) ?? '') || biggest.applicationKeys.some((key) => biggest.name.includes(apps.get(key)!))).toBe(true);
  expect(cleansing.assets.length).toBe(truth.hostnames.length);
});

test('10,000-node chain and ring do not overflow the stack', () => {
  const nodes = Array.from({ length: 10_000 }, (_, index) => `n${String(index).padStart(5, '0')}`);
  const chain = nodes.slice(1).map((to, index) => ({ from: nodes[index], to }));
  expect(analyseDependencyGraph(nodes, chain)).toMatchObject({ cycles: [], orphans: [] });
  const ring = analyseDependencyGraph(nodes, [...chain, { from: nodes[nodes.length - 1], to: nodes[0] }]);
  expect(ring.cycles).toHaveLength(1);
  expect(ring.cycles[0]).toHaveLength(10_000);
  expect(ring.components).toHaveLength(1);
});

/** Reachability by breadth-first search, independent of the implementation under test. */
function reachable(from: string, edges: { from: string; to: string }[]): Set<string> {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const node = queue.shift()!;
    for (const edge of edges) if (edge.from === node && !seen.has(edge.to)) {
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

test('property: every node in exactly one component; every cycle is strongly connected; orphans have no edges', () => {
  const graph = fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 })
    .chain((nodes) => fc.tuple(fc.constant(nodes), fc.array(fc.record({ from: fc.constantFrom(...nodes), to: fc.constantFrom(...nodes) }), { maxLength: 60 })));
  fc.assert(
    fc.property(graph, ([nodes, edges]) => {
      const analysis = analyseDependencyGraph(nodes, edges);
      const placed = analysis.components.flat();
      expect(placed.sort()).toEqual([...nodes].sort());
      for (const cycle of analysis.cycles) {
        expect(cycle.length).toBeGreaterThan(1);
        for (const node of cycle) {
          const fromNode = reachable(node, edges);
          for (const other of cycle) expect(fromNode.has(other)).toBe(true);
        }
      }
      const cycleNodes = analysis.cycles.flat();
      expect(new Set(cycleNodes).size).toBe(cycleNodes.length);
      for (const orphan of analysis.orphans) expect(edges.some((edge) => edge.from !== edge.to && (edge.from === orphan || edge.to === orphan))).toBe(false);
      // Maximality: two nodes on a common cycle are in the same strongly connected component.
      for (const edge of edges) {
        if (edge.from !== edge.to && reachable(edge.to, edges).has(edge.from)) {
          expect(analysis.cycles.some((cycle) => cycle.includes(edge.from) && cycle.includes(edge.to))).toBe(true);
        }
      }
    }),
    { numRuns: 200, seed: 42 },
  );
});

test('move groups of an empty graph are empty', () => {
  expect(describeMoveGroups(analyseDependencyGraph([], []), [], [])).toEqual([]);
});
