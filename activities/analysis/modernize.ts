/**
 * Modernize: opportunities (containerise, managed database, serverless, decomposition) from stack, size and
 * dependency fan-in; a target architecture per application; and a backlog of epics with story points.
 */
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency, Criticality, Explained } from './model';
import { assetsByApp, deriveAppDependencies, fanCounts } from './app-graph';
import { appRef, assetRef, byString, clamp01, depRef, ruleRef, uniqueSorted } from './evidence';
import { MANAGED_DB } from './rules/seven-rs';
import { detectDbEngine, matchStack, type DbEngine, type StackMatch } from './rules/stack';

export type OpportunityKind = 'containerise' | 'managed_database' | 'serverless' | 'decomposition';
export type Effort = 'S' | 'M' | 'L' | 'XL';

export interface ModernizationOpportunity extends Explained {
  id: string;
  applicationKey: string;
  kind: OpportunityKind;
  ruleId: string;
  targetService: string;
  benefit: string;
  effort: Effort;
  assetKeys: string[];
}

interface RuleContext {
  app: CanonicalApplication;
  members: CanonicalAsset[];
  servers: CanonicalAsset[];
  stack: StackMatch[];
  fanIn: string[];
}

interface Detection {
  detail: string;
  assetKeys: string[];
  effort: Effort;
  /** How directly the data supports the opportunity. */
  confidence: number;
  /** Replaces the rule's generic target service when the data pins it down (e.g. the database engine). */
  targetService?: string;
}

interface ModernizationRule {
  id: string;
  kind: OpportunityKind;
  targetService: string;
  benefit: string;
  detect: (c: RuleContext) => Detection | null;
}

const effortByCount = (n: number): Effort => (n <= 2 ? 'S' : n <= 5 ? 'M' : n <= 10 ? 'L' : 'XL');
const effortByStorageGb = (gb: number): Effort => (gb < 500 ? 'S' : gb < 2048 ? 'M' : gb < 10_240 ? 'L' : 'XL');
const EFFORT_ORDER: readonly Effort[] = ['S', 'M', 'L', 'XL'];
const atLeast = (e: Effort, min: Effort): Effort => (EFFORT_ORDER.indexOf(e) < EFFORT_ORDER.indexOf(min) ? min : e);
const entries = (c: RuleContext, pred: (m: StackMatch) => boolean): string[] => uniqueSorted(c.stack.filter(pred).map((m) => m.entry));

export const MODERNIZATION_RULES: readonly ModernizationRule[] = [
  {
    id: 'mod-containerise',
    kind: 'containerise',
    targetService: 'Amazon EKS / Azure Kubernetes Service',
    benefit: 'denser packing, repeatable deployments and independent scaling',
    detect: (c) => {
      const friendly = entries(c, (m) => m.trait.category === 'runtime' && m.trait.containerFriendly);
      const blocking = entries(c, (m) => (m.trait.category === 'runtime' || m.trait.category === 'middleware') && !m.trait.containerFriendly);
      if (friendly.length === 0 || blocking.length > 0 || c.servers.length === 0) return null;
      return {
        detail: `container-friendly runtime (${friendly.join(', ')}) on ${c.servers.length} servers`,
        assetKeys: c.servers.map((a) => a.key),
        effort: effortByCount(c.servers.length),
        confidence: 0.75,
      };
    },
  },
  {
    id: 'mod-containerise-windows',
    kind: 'containerise',
    targetService: 'Windows node pools on EKS/AKS, or a port to .NET 8 on Linux containers',
    benefit: 'removes per-VM Windows management; a .NET 8 port also drops the Windows licence',
    detect: (c) => {
      const framework = entries(c, (m) => m.trait.id === 'stack-dotnet-framework');
      if (framework.length === 0 || c.servers.length === 0) return null;
      return {
        detail: `${framework.join(', ')} on ${c.servers.length} servers needs Windows containers or a port`,
        assetKeys: c.servers.map((a) => a.key),
        effort: atLeast(effortByCount(c.servers.length), 'L'),
        confidence: 0.6,
      };
    },
  },
  {
    id: 'mod-managed-db',
    kind: 'managed_database',
    targetService: 'Amazon RDS/Aurora / Azure SQL or Azure Database',
    benefit: 'patching, backups and high availability handled by the provider',
    detect: (c) => {
      const dbAssets = c.members.filter((a) => a.assetType === 'database');
      const engines = uniqueSorted([
        ...dbAssets.map((a) => detectDbEngine(`${a.os ?? ''} ${a.osVersion ?? ''}`)).filter((e): e is DbEngine => e !== null),
        ...c.stack.flatMap((m) => (m.trait.dbEngine ? [m.trait.dbEngine] : [])),
      ]) as DbEngine[];
      if (engines.length === 0 && dbAssets.length === 0) return null;
      const storage = dbAssets.reduce((s, a) => s + (a.storageGb ?? 0), 0);
      // Oracle and SQL Server features (packages, CLR, agent jobs) make even small moves at least medium work.
      const commercial = engines.includes('oracle') || engines.includes('sqlserver');
      return {
        detail: `${dbAssets.length} database assets, engines ${engines.join(', ') || 'unknown'}, ${storage} GB`,
        assetKeys: dbAssets.map((a) => a.key),
        effort: commercial ? atLeast(effortByStorageGb(storage), 'M') : effortByStorageGb(storage),
        confidence: engines.length > 0 ? 0.8 : 0.55,
        targetService: engines.length > 0 ? engines.map((e) => MANAGED_DB[e]).join(' + ') : undefined,
      };
    },
  },
  {
    id: 'mod-serverless-batch',
    kind: 'serverless',
    targetService: 'AWS Lambda + Step Functions / Azure Functions + Logic Apps',
    benefit: 'pay per run instead of an always-on server for scheduled work',
    detect: (c) => {
      const batch = entries(c, (m) => m.trait.category === 'batch');
      if (batch.length === 0) return null;
      return { detail: `batch/ETL workload (${batch.join(', ')})`, assetKeys: c.servers.map((a) => a.key), effort: 'M', confidence: 0.65 };
    },
  },
  {
    id: 'mod-serverless-idle',
    kind: 'serverless',
    targetService: 'AWS Lambda / Azure Functions (or scale-to-zero containers)',
    benefit: 'an almost idle service stops paying for idle capacity',
    detect: (c) => {
      const friendly = entries(c, (m) => m.trait.category === 'runtime' && m.trait.containerFriendly);
      const idle = c.servers.filter((a) => a.cpu !== null && a.cpu <= 2 && a.cpuUtilPct !== null && a.cpuUtilPct < 10);
      if (friendly.length === 0 || idle.length === 0 || idle.length !== c.servers.length) return null;
      return {
        detail: `all ${idle.length} servers have ≤2 vCPU at under 10% CPU (${idle.map((a) => `${a.hostname} ${a.cpuUtilPct}%`).join(', ')})`,
        assetKeys: idle.map((a) => a.key),
        effort: effortByCount(idle.length),
        confidence: 0.55,
      };
    },
  },
  {
    id: 'mod-decompose',
    kind: 'decomposition',
    targetService: 'services behind an API gateway (Amazon API Gateway / Azure API Management) on EKS/AKS',
    benefit: 'dependents stop sharing one release train and one failure domain',
    detect: (c) => {
      const biggest = c.servers.reduce((m, a) => Math.max(m, a.cpu ?? 0), 0);
      if (c.fanIn.length < 3 || (biggest < 16 && c.app.techStack.length < 5)) return null;
      return {
        detail: `${c.fanIn.length} dependent applications (${c.fanIn.join(', ')}) on a ${biggest >= 16 ? `${biggest}-vCPU host` : `${c.app.techStack.length}-technology stack`}`,
        assetKeys: c.servers.map((a) => a.key),
        effort: 'XL',
        confidence: 0.5,
      };
    },
  },
];

export function identifyModernizationOpportunities(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
): ModernizationOpportunity[] {
  const members = assetsByApp(apps, assets);
  const { fanIn } = fanCounts(deriveAppDependencies(apps, assets, deps));
  const result: ModernizationOpportunity[] = [];
  for (const app of [...apps].sort((a, b) => byString(a.key, b.key))) {
    const m = members.get(app.key) ?? [];
    const ctx: RuleContext = {
      app,
      members: m,
      servers: m.filter((a) => a.assetType === 'server'),
      stack: matchStack(app.techStack),
      fanIn: fanIn.get(app.key) ?? [],
    };
    for (const rule of MODERNIZATION_RULES) {
      const d = rule.detect(ctx);
      if (!d) continue;
      const targetService = d.targetService ?? rule.targetService;
      result.push({
        id: `${rule.id}:${app.key}`,
        applicationKey: app.key,
        kind: rule.kind,
        ruleId: rule.id,
        targetService,
        benefit: rule.benefit,
        effort: d.effort,
        assetKeys: d.assetKeys,
        rationale: `${app.name}: ${d.detail} → ${rule.kind.replace('_', ' ')} on ${targetService} (${rule.id}); effort ${d.effort}`,
        confidence: clamp01(d.confidence),
        evidence: uniqueSorted([appRef(app.key), ruleRef(rule.id), ...d.assetKeys.map(assetRef), ...ctx.fanIn.map(appRef)]),
      });
    }
  }
  return result;
}

// ───────────────────────────── target architecture ─────────────────────────────

export interface ArchitectureComponent {
  name: string;
  role: 'edge' | 'compute' | 'database' | 'storage' | 'messaging' | 'observability';
  service: string;
  sourceAssetKeys: string[];
}

export interface ArchitectureConnection {
  from: string;
  to: string;
  evidence: string[];
}

export interface TargetArchitecture extends Explained {
  applicationKey: string;
  components: ArchitectureComponent[];
  connections: ArchitectureConnection[];
  patterns: string[];
}

const HA_CRITICALITY: readonly Criticality[] = ['critical', 'high'];

export function designTargetArchitecture(
  app: CanonicalApplication,
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  opportunities: readonly ModernizationOpportunity[],
): TargetArchitecture {
  const members = assetsByApp([app], assets).get(app.key) ?? [];
  const ops = opportunities.filter((o) => o.applicationKey === app.key);
  const componentOf = new Map<string, string>();
  const components: ArchitectureComponent[] = [];
  const addComponent = (c: ArchitectureComponent): void => {
    const free = c.sourceAssetKeys.filter((k) => !componentOf.has(k));
    if (c.sourceAssetKeys.length > 0 && free.length === 0) return;
    free.forEach((k) => componentOf.set(k, c.name));
    components.push({ ...c, sourceAssetKeys: free });
  };
  // Opportunities claim assets first (decomposition before containerisation: it is the bigger change).
  const order: OpportunityKind[] = ['decomposition', 'containerise', 'serverless', 'managed_database'];
  for (const kind of order) {
    for (const o of ops.filter((x) => x.kind === kind)) {
      const role = kind === 'managed_database' ? 'database' : 'compute';
      addComponent({ name: `${app.key}-${kind.replace('_', '-')}`, role, service: o.targetService, sourceAssetKeys: o.assetKeys });
    }
  }
  for (const a of members.filter((x) => !componentOf.has(x.key))) {
    const role = a.assetType === 'database' ? 'database' : a.assetType === 'storage' ? 'storage' : 'compute';
    const service =
      role === 'storage' ? 'Amazon S3 / EFS or Azure Blob / Files' : role === 'database' ? 'database on Amazon EC2 / Azure VM' : 'Amazon EC2 / Azure Virtual Machines';
    addComponent({ name: `${a.key}-${role}`, role, service, sourceAssetKeys: [a.key] });
  }
  const compute = components.filter((c) => c.role === 'compute');
  if (compute.length > 0) {
    components.unshift({ name: `${app.key}-edge`, role: 'edge', service: 'Application Load Balancer / Azure Application Gateway with WAF', sourceAssetKeys: [] });
  }
  if (matchStack(app.techStack).some((m) => m.trait.id === 'stack-queue')) {
    components.push({ name: `${app.key}-messaging`, role: 'messaging', service: 'Amazon MQ / SQS or Azure Service Bus', sourceAssetKeys: [] });
  }
  components.push({ name: `${app.key}-observability`, role: 'observability', service: 'Prometheus-compatible metrics, central logs, alerting', sourceAssetKeys: [] });

  const connections = new Map<string, ArchitectureConnection>();
  for (const c of compute) connections.set(`${app.key}-edge>${c.name}`, { from: `${app.key}-edge`, to: c.name, evidence: [] });
  for (const d of deps) {
    const from = componentOf.get(d.fromKey);
    const to = componentOf.get(d.toKey);
    if (!from || !to || from === to) continue;
    const id = `${from}>${to}`;
    const existing = connections.get(id) ?? { from, to, evidence: [] };
    existing.evidence = uniqueSorted([...existing.evidence, depRef(d.fromKey, d.toKey)]);
    connections.set(id, existing);
  }

  const patterns: string[] = [];
  if (HA_CRITICALITY.includes(app.criticality)) patterns.push(`multi-AZ deployment (${app.criticality} criticality)`);
  if (ops.some((o) => o.kind === 'decomposition')) patterns.push('strangler fig: route by path at the gateway, extract services one at a time');
  if (ops.some((o) => o.kind === 'containerise')) patterns.push('blue/green deployment through the load balancer');
  if (ops.some((o) => o.kind === 'managed_database')) patterns.push('change data capture for the database move');
  if (ops.some((o) => o.kind === 'serverless')) patterns.push('event/schedule-triggered functions with dead-letter queues');

  return {
    applicationKey: app.key,
    components,
    connections: [...connections.values()].sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to)),
    patterns,
    rationale:
      `${app.name}: ${components.length} components from ${ops.length} opportunities (${ops.map((o) => o.ruleId).join(', ') || 'none'}) and ` +
      `${members.filter((a) => !ops.some((o) => o.assetKeys.includes(a.key))).length} assets kept as-is; ${patterns.length > 0 ? patterns.join('; ') : 'no extra patterns'}`,
    confidence: clamp01(ops.length === 0 ? 0.5 : ops.reduce((s, o) => s + o.confidence, 0) / ops.length),
    evidence: uniqueSorted([appRef(app.key), ...members.map((a) => assetRef(a.key)), ...ops.map((o) => ruleRef(o.ruleId)), ...[...connections.values()].flatMap((c) => c.evidence)]),
  };
}

// ───────────────────────────── backlog ─────────────────────────────

export interface Story {
  id: string;
  title: string;
  points: number;
  acceptance: string;
}

export interface Epic {
  id: string;
  applicationKey: string;
  opportunityId: string;
  title: string;
  stories: Story[];
  points: number;
}

export interface Backlog extends Explained {
  epics: Epic[];
  totalPoints: number;
  sprints: number;
}

/** Story templates per opportunity kind with base points for an effort-M opportunity. */
export const STORY_TEMPLATES: Record<OpportunityKind, readonly { title: string; points: number; acceptance: string }[]> = {
  containerise: [
    { title: 'Dockerfile and image build pipeline', points: 3, acceptance: 'image builds in CI and passes a vulnerability scan' },
    { title: 'Externalise configuration and secrets', points: 3, acceptance: 'no environment-specific values in the image' },
    { title: 'Deployment manifests / Helm chart', points: 5, acceptance: 'deploys to a non-production namespace from the pipeline' },
    { title: 'Health probes and graceful shutdown', points: 2, acceptance: 'rolling restart causes no failed requests' },
    { title: 'Load test in the cluster', points: 5, acceptance: 'p95 latency within the SLO at baseline peak load' },
    { title: 'Blue/green production cutover', points: 3, acceptance: 'traffic switched with a tested switch-back' },
  ],
  managed_database: [
    { title: 'Engine compatibility assessment', points: 3, acceptance: 'incompatible objects listed with a fix for each' },
    { title: 'Provision the managed instance as code', points: 3, acceptance: 'instance, parameters and backups defined in IaC' },
    { title: 'Full load + change data capture', points: 5, acceptance: 'CDC lag under 60 s for a week' },
    { title: 'Rewrite incompatible objects', points: 8, acceptance: 'all application tests pass against the managed instance' },
    { title: 'Performance comparison', points: 3, acceptance: 'top queries no slower than on the source' },
    { title: 'Cutover and source retirement', points: 3, acceptance: 'source read-only, then archived' },
  ],
  serverless: [
    { title: 'Inventory triggers and schedules', points: 2, acceptance: 'every job mapped to an event or schedule' },
    { title: 'Port jobs to functions', points: 5, acceptance: 'each job runs as a function in test' },
    { title: 'State and checkpoint handling', points: 5, acceptance: 'a killed run resumes without duplicate output' },
    { title: 'Alarms and dead-letter handling', points: 2, acceptance: 'failed runs alert and land in a dead-letter queue' },
    { title: 'Parallel run against the old scheduler', points: 3, acceptance: 'outputs identical for two cycles' },
  ],
  decomposition: [
    { title: 'Map domain boundaries', points: 5, acceptance: 'bounded contexts agreed with the owners of dependent apps' },
    { title: 'Gateway facade in front of the monolith', points: 8, acceptance: 'all traffic flows through the gateway unchanged' },
    { title: 'Extract the first service', points: 13, acceptance: 'one bounded context served by its own deployable' },
    { title: 'Split data ownership', points: 13, acceptance: 'the extracted service owns its tables; no shared writes' },
    { title: 'Consumer contract tests for dependents', points: 5, acceptance: 'every dependent application has a passing contract test' },
  ],
};

const EFFORT_SCALE: Record<Effort, number> = { S: 0.5, M: 1, L: 1.5, XL: 2 };
const FIBONACCI = [1, 2, 3, 5, 8, 13, 21];
const toFibonacci = (x: number): number => FIBONACCI.reduce((best, f) => (Math.abs(f - x) < Math.abs(best - x) ? f : best), FIBONACCI[0]);

export function planModernizationBacklog(
  opportunities: readonly ModernizationOpportunity[],
  velocityPerSprint = 30,
): Backlog {
  const epics: Epic[] = [...opportunities]
    .sort((a, b) => byString(a.id, b.id))
    .map((o) => {
      const stories = STORY_TEMPLATES[o.kind].map((t, i) => ({
        id: `${o.id}#${i + 1}`,
        title: `${t.title} (${o.applicationKey})`,
        points: toFibonacci(t.points * EFFORT_SCALE[o.effort]),
        acceptance: t.acceptance,
      }));
      return {
        id: `epic-${o.id}`,
        applicationKey: o.applicationKey,
        opportunityId: o.id,
        title: `${o.applicationKey}: ${o.kind.replace('_', ' ')} → ${o.targetService}`,
        stories,
        points: stories.reduce((s, x) => s + x.points, 0),
      };
    });
  const totalPoints = epics.reduce((s, e) => s + e.points, 0);
  const sprints = Math.ceil(totalPoints / Math.max(1, velocityPerSprint));
  return {
    epics,
    totalPoints,
    sprints,
    rationale:
      `${epics.length} epics, ${totalPoints} points at ${velocityPerSprint} points/sprint → ${sprints} sprints; ` +
      (epics.length > 0 ? `largest: ${[...epics].sort((a, b) => b.points - a.points || byString(a.id, b.id))[0].title} (${Math.max(...epics.map((e) => e.points))} points)` : 'nothing to build'),
    // Template estimates before refinement: useful for sizing, not for commitments.
    confidence: clamp01(epics.length === 0 ? 0.9 : 0.5),
    evidence: uniqueSorted(opportunities.flatMap((o) => [appRef(o.applicationKey), ruleRef(o.ruleId)])),
  };
}
