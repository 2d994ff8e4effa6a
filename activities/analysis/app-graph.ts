/**
 * Application-level dependency graph. Asset dependencies are lifted to applications through membership
 * (an asset belongs to the applications it lists and to every application that lists it), then condensed
 * into strongly connected components: applications in a cycle cannot move independently of each other.
 */
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency } from './model';
import { byString, depRef, uniqueSorted } from './evidence';

/** `fromApp` depends on `toApp`: toApp must move in the same wave as fromApp or earlier. */
export interface AppEdge {
  fromApp: string;
  toApp: string;
  /** The asset dependencies this edge was derived from, as `dep:<from>-><to>` ids. */
  evidence: string[];
  /** Strongest confidence among the underlying asset dependencies. */
  confidence: number;
}

/** Asset key → application keys, from both sides of the membership relation, restricted to known apps. */
export function membershipIndex(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
): Map<string, string[]> {
  const known = new Set(apps.map((a) => a.key));
  const sets = new Map<string, Set<string>>();
  const add = (assetKey: string, appKey: string): void => {
    if (!known.has(appKey)) return;
    const set = sets.get(assetKey) ?? new Set<string>();
    set.add(appKey);
    sets.set(assetKey, set);
  };
  for (const app of apps) for (const assetKey of app.assetKeys) add(assetKey, app.key);
  for (const asset of assets) for (const appKey of asset.applications) add(asset.key, appKey);
  return new Map([...sets].map(([k, v]) => [k, uniqueSorted(v)]));
}

/** Application key → its member assets (only assets present in `assets`), sorted by key. */
export function assetsByApp(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
): Map<string, CanonicalAsset[]> {
  const index = membershipIndex(apps, assets);
  const result = new Map<string, CanonicalAsset[]>(apps.map((a) => [a.key, []]));
  const sorted = [...assets].sort((a, b) => byString(a.key, b.key));
  for (const asset of sorted) {
    for (const appKey of index.get(asset.key) ?? []) result.get(appKey)?.push(asset);
  }
  return result;
}

/** Lift asset dependencies to application edges; dependencies inside one application are dropped. */
export function deriveAppDependencies(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
): AppEdge[] {
  const index = membershipIndex(apps, assets);
  const edges = new Map<string, { fromApp: string; toApp: string; evidence: Set<string>; confidence: number }>();
  for (const dep of deps) {
    for (const fromApp of index.get(dep.fromKey) ?? []) {
      for (const toApp of index.get(dep.toKey) ?? []) {
        if (fromApp === toApp) continue;
        const id = `${fromApp}\u0000${toApp}`;
        const edge = edges.get(id) ?? { fromApp, toApp, evidence: new Set<string>(), confidence: 0 };
        edge.evidence.add(depRef(dep.fromKey, dep.toKey));
        edge.confidence = Math.max(edge.confidence, dep.confidence);
        edges.set(id, edge);
      }
    }
  }
  return [...edges.values()]
    .map((e) => ({ fromApp: e.fromApp, toApp: e.toApp, evidence: uniqueSorted(e.evidence), confidence: e.confidence }))
    .sort((a, b) => byString(a.fromApp, b.fromApp) || byString(a.toApp, b.toApp));
}

/**
 * Tarjan's strongly connected components, iterative so that long dependency chains in large inventories
 * cannot overflow the call stack. Components are returned with sorted members, ordered by first member.
 */
export function stronglyConnectedComponents(
  nodes: readonly string[],
  edges: readonly { fromApp: string; toApp: string }[],
): string[][] {
  const nodeList = uniqueSorted(nodes);
  const adjacency = new Map<string, string[]>(nodeList.map((n) => [n, []]));
  for (const e of edges) {
    if (adjacency.has(e.fromApp) && adjacency.has(e.toApp)) adjacency.get(e.fromApp)!.push(e.toApp);
  }
  for (const list of adjacency.values()) list.sort(byString);

  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];

  for (const root of nodeList) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const neighbours = adjacency.get(frame.node)!;
      if (frame.next < neighbours.length) {
        const w = neighbours[frame.next++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.sort(byString));
      }
    }
  }
  return components.sort((a, b) => byString(a[0], b[0]));
}

/** Distinct applications each application depends on (fan-out) and is depended on by (fan-in). */
export function fanCounts(edges: readonly AppEdge[]): { fanIn: Map<string, string[]>; fanOut: Map<string, string[]> } {
  const fanIn = new Map<string, string[]>();
  const fanOut = new Map<string, string[]>();
  const append = (map: Map<string, string[]>, key: string, value: string): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const e of edges) {
    append(fanOut, e.fromApp, e.toApp);
    append(fanIn, e.toApp, e.fromApp);
  }
  return { fanIn, fanOut };
}
