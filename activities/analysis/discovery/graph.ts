/**
 * `dependency_analysis`: the dependency graph's structure (connected components as candidate move groups,
 * cycles that force assets into the same wave, hubs, orphans) and the offline agent that names and describes
 * the groups from it.
 */
import type { CanonicalApplication, CanonicalAsset, Environment } from '../model';
import { compareText } from './patterns';

export interface GraphAnalysis {
  /** Weakly connected components, keys sorted, largest first (ties by first key). */
  components: string[][];
  /** Strongly connected components with more than one node, keys sorted, largest first. */
  cycles: string[][];
  /** Nodes whose degree (fan-in + fan-out) is at least max(5, 95th percentile of all degrees). */
  hubs: { key: string; fanIn: number; fanOut: number }[];
  /** Nodes without any edge, sorted. */
  orphans: string[];
}

export interface Edge {
  from: string;
  to: string;
}

const MIN_HUB_DEGREE = 5;

/**
 * Edge endpoints missing from `nodes` are added as nodes; duplicate edges count once; self-loops are ignored
 * (a host depending on itself says nothing about what must move together).
 */
export function analyseDependencyGraph(nodes: string[], edges: Edge[]): GraphAnalysis {
  const keys = [...new Set([...nodes, ...edges.flatMap((edge) => [edge.from, edge.to])])];
  const indexOf = new Map(keys.map((key, index) => [key, index]));
  const successors: number[][] = keys.map(() => []);
  const fanIn = new Int32Array(keys.length);
  const fanOut = new Int32Array(keys.length);
  const seen = new Set<string>();
  for (const { from, to } of edges) {
    const id = `${from}\u0000${to}`;
    if (from === to || seen.has(id)) continue;
    seen.add(id);
    const [a, b] = [indexOf.get(from)!, indexOf.get(to)!];
    successors[a].push(b);
    fanOut[a] += 1;
    fanIn[b] += 1;
  }

  const bySizeThenKey = (a: string[], b: string[]) => b.length - a.length || compareText(a[0], b[0]);
  const components = weakComponents(keys, successors).sort(bySizeThenKey);
  const cycles = stronglyConnected(successors)
    .filter((component) => component.length > 1)
    .map((component) => component.map((index) => keys[index]).sort(compareText))
    .sort(bySizeThenKey);

  const degrees = keys.map((_, index) => fanIn[index] + fanOut[index]);
  const threshold = Math.max(MIN_HUB_DEGREE, percentile(degrees, 0.95));
  const hubs = keys
    .map((key, index) => ({ key, fanIn: fanIn[index], fanOut: fanOut[index] }))
    .filter((_, index) => degrees[index] >= threshold)
    .sort((a, b) => b.fanIn + b.fanOut - (a.fanIn + a.fanOut) || compareText(a.key, b.key));
  const orphans = keys.filter((_, index) => degrees[index] === 0).sort(compareText);
  return { components, cycles, hubs, orphans };
}

function weakComponents(keys: string[], successors: number[][]): string[][] {
  const parent = keys.map((_, index) => index);
  const find = (node: number): number => {
    let root = node;
    while (parent[root] !== root) root = parent[root];
    while (parent[node] !== root) [node, parent[node]] = [parent[node], root];
    return root;
  };
  successors.forEach((targets, from) => {
    for (const to of targets) parent[find(from)] = find(to);
  });
  const groups = new Map<number, string[]>();
  keys.forEach((key, index) => {
    const root = find(index);
    const group = groups.get(root);
    if (group) group.push(key);
    else groups.set(root, [key]);
  });
  return [...groups.values()].map((group) => group.sort(compareText));
}

/** Tarjan's algorithm with an explicit call stack, so a 10,000-node chain cannot overflow the JS stack. */
function stronglyConnected(successors: number[][]): number[][] {
  const count = successors.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const result: number[][] = [];
  let next = 0;

  for (let start = 0; start < count; start++) {
    if (index[start] !== -1) continue;
    const frames: { node: number; edge: number }[] = [{ node: start, edge: 0 }];
    index[start] = low[start] = next++;
    stack.push(start);
    onStack[start] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const { node } = frame;
      if (frame.edge < successors[node].length) {
        const target = successors[node][frame.edge++];
        if (index[target] === -1) {
          index[target] = low[target] = next++;
          stack.push(target);
          onStack[target] = 1;
          frames.push({ node: target, edge: 0 });
        } else if (onStack[target]) {
          low[node] = Math.min(low[node], index[target]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low[parent] = Math.min(low[parent], low[node]);
      }
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        result.push(component);
      }
    }
  }
  return result;
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

// -------------------------------------------------------------------------------------- move groups

export interface MoveGroup {
  groupId: string;
  name: string;
  description: string;
  assetKeys: string[];
  applicationKeys: string[];
  rationale: string;
  confidence: number;
  evidence: string[];
}

/** Evidence is for a reviewer to follow, not a dump of a 5,000-asset group. */
const MAX_EVIDENCE = 200;

/**
 * The offline agent: one group per connected component (named after its dominant applications and
 * environment, described with its size, cycles, hubs and any application it splits), plus one "standalone"
 * group for all orphans. `edges` is optional; with it, evidence cites the dependency edges of cycles and hubs.
 */
export function describeMoveGroups(
  analysis: GraphAnalysis,
  assets: CanonicalAsset[],
  applications: CanonicalApplication[],
  edges: Edge[] = [],
): MoveGroup[] {
  const assetByKey = new Map(assets.map((asset) => [asset.key, asset]));
  const connected = analysis.components.filter((component) => component.length > 1);
  const usedNames = new Map<string, number>();
  const uniqueName = (name: string) => {
    const seen = (usedNames.get(name) ?? 0) + 1;
    usedNames.set(name, seen);
    return seen === 1 ? name : `${name} #${seen}`;
  };

  const groups = connected.map((component, index): MoveGroup => {
    const members = new Set(component);
    const apps = applicationsIn(members, applications);
    const environment = dominantEnvironment(component, assetByKey);
    const cycles = analysis.cycles.filter((cycle) => members.has(cycle[0]));
    const hubs = analysis.hubs.filter((hub) => members.has(hub.key));
    const split = apps.filter(({ app }) => app.assetKeys.some((key) => !members.has(key)));
    const internal = edges.filter((edge) => members.has(edge.from) && members.has(edge.to) && edge.from !== edge.to);

    const name = uniqueName(`${groupLabel(apps.map(({ app }) => app.name), hubs[0]?.key ?? component[0])}${environment.label}`);
    const sentences = [
      `${component.length} assets across ${apps.length} application${apps.length === 1 ? '' : 's'}${apps.length ? ` (${apps.slice(0, 5).map(({ app, count }) => `${app.name} ${count}`).join(', ')}${apps.length > 5 ? ', …' : ''})` : ''}, ${environment.description}${internal.length ? `, linked by ${internal.length} declared dependencies` : ''}.`,
    ];
    if (cycles.length) {
      sentences.push(`${cycles.length} dependency cycle${cycles.length === 1 ? '' : 's'} (${cycles.slice(0, 3).map((cycle) => cycle.slice(0, 6).join(' ↔ ')).join('; ')}) must move in one wave.`);
    }
    if (hubs.length) {
      sentences.push(`Hub${hubs.length === 1 ? '' : 's'}: ${hubs.slice(0, 3).map((hub) => `${hub.key} (fan-in ${hub.fanIn}, fan-out ${hub.fanOut})`).join(', ')}; plan ${hubs.length === 1 ? 'its' : 'their'} cut-over first or keep connectivity back to the source.`);
    }
    if (split.length) {
      sentences.push(`${split.map(({ app }) => app.name).slice(0, 5).join(', ')} also ${split.length === 1 ? 'has' : 'have'} assets outside this group.`);
    }

    const cycleMembers = new Set(cycles.flat());
    const hubKeys = new Set(hubs.map((hub) => hub.key));
    const evidence = [
      ...apps.map(({ app }) => `app:${app.key}`),
      ...internal.filter((edge) => (cycleMembers.has(edge.from) && cycleMembers.has(edge.to)) || hubKeys.has(edge.from) || hubKeys.has(edge.to)).map((edge) => `dep:${edge.from}->${edge.to}`),
      ...[...cycleMembers, ...hubKeys, ...component].map((key) => `asset:${key}`),
    ];
    return {
      groupId: groupId(index),
      name,
      description: sentences.join(' '),
      assetKeys: component,
      applicationKeys: apps.map(({ app }) => app.key).sort(compareText),
      rationale: `Offline rules engine: these ${component.length} assets form one connected component of the declared dependency graph, so moving them in different waves would cut live connections${split.length ? `; confidence is lowered because ${split.length} application${split.length === 1 ? ' spans' : 's span'} other groups` : ''}.`,
      confidence: Math.max(0.5, Math.round((0.9 - 0.1 * Math.min(3, split.length)) * 100) / 100),
      evidence: [...new Set(evidence)].slice(0, MAX_EVIDENCE),
    };
  });

  if (analysis.orphans.length > 0) {
    const members = new Set(analysis.orphans);
    const apps = applicationsIn(members, applications);
    groups.push({
      groupId: groupId(groups.length),
      name: uniqueName('Standalone assets'),
      description: `${analysis.orphans.length} assets with no declared dependency in either direction, ${dominantEnvironment(analysis.orphans, assetByKey).description}${apps.length ? `; they belong to ${apps.length} application${apps.length === 1 ? '' : 's'} (${apps.slice(0, 5).map(({ app, count }) => `${app.name} ${count}`).join(', ')}${apps.length > 5 ? ', …' : ''})` : ''}.`,
      assetKeys: analysis.orphans,
      applicationKeys: apps.map(({ app }) => app.key).sort(compareText),
      rationale: 'Offline rules engine: nothing declares a dependency on these assets and they declare none, so each can be scheduled in any wave; they are listed together rather than as one group each. Confirm with the owners that no undeclared dependency exists.',
      confidence: 0.6,
      evidence: [...apps.map(({ app }) => `app:${app.key}`), ...analysis.orphans.map((key) => `asset:${key}`)].slice(0, MAX_EVIDENCE),
    });
  }
  return groups;
}

function groupId(index: number): string {
  return `mg-${String(index + 1).padStart(3, '0')}`;
}

/** Applications with assets among `members`, most members first. */
function applicationsIn(members: Set<string>, applications: CanonicalApplication[]): { app: CanonicalApplication; count: number }[] {
  return applications
    .map((app) => ({ app, count: app.assetKeys.filter((key) => members.has(key)).length }))
    .filter(({ count }) => count > 0)
    .sort((a, b) => b.count - a.count || compareText(a.app.key, b.app.key));
}

function groupLabel(appNames: string[], anchor: string): string {
  if (appNames.length === 0) return `Unassigned hosts around ${anchor}`;
  if (appNames.length <= 2) return appNames.join(' + ');
  return `${appNames.slice(0, 2).join(', ')} +${appNames.length - 2} more`;
}

function dominantEnvironment(keys: string[], assetByKey: Map<string, CanonicalAsset>): { label: string; description: string } {
  const counts = new Map<Environment, number>();
  for (const key of keys) {
    const environment = assetByKey.get(key)?.environment ?? 'unknown';
    counts.set(environment, (counts.get(environment) ?? 0) + 1);
  }
  const known = [...counts].filter(([environment]) => environment !== 'unknown').sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  if (known.length === 0) return { label: '', description: 'environment unknown' };
  const [environment, count] = known[0];
  if (count === keys.length) return { label: ` (${environment})`, description: `all ${environment}` };
  return { label: ` (mostly ${environment})`, description: `${count} of ${keys.length} in ${environment}` };
}
