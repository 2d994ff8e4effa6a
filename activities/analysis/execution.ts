/**
 * Execution: the go/no-go checklist before a wave, the per-application runbook (replicate → test → cut over →
 * validate, each step with its rollback), the compensation sequence after a failure, and post-migration checks
 * against the utilisation baseline.
 */
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency, Environment, Explained } from './model';
import type { AssetReadiness } from './assessment';
import type { Strategy } from './rules/seven-rs';
import { assetsByApp } from './app-graph';
import { daysBetween } from './dates';
import { appRef, assetRef, byString, clamp01, depRef, round, ruleRef, uniqueSorted } from './evidence';
import { detectDbEngine } from './rules/stack';

// ───────────────────────────── pre-migration checklist ─────────────────────────────

export interface PreMigrationContext {
  asOf: string;
  /** Change ticket id by application key. */
  changeTickets: Record<string, string>;
  /** Date of the last verified backup, by asset key. */
  lastBackups: Record<string, string>;
  /** Environments whose target landing zone is provisioned. */
  landingZones: Environment[];
  /** A backup older than this does not count (default 7 days). */
  maxBackupAgeDays?: number;
}

export interface ChecklistItem {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'warning' | 'not_applicable';
  /** A failed blocking item makes the decision no-go. */
  blocking: boolean;
  detail: string;
  evidence: string[];
}

export interface PreMigrationChecklist extends Explained {
  applicationKey: string;
  decision: 'go' | 'no_go';
  items: ChecklistItem[];
}

function item(id: string, title: string, status: ChecklistItem['status'], blocking: boolean, detail: string, evidence: string[]): ChecklistItem {
  return { id, title, status, blocking: blocking && status === 'fail', detail, evidence: uniqueSorted([...evidence, ruleRef(id)]) };
}

function checklistFor(
  app: CanonicalApplication,
  members: readonly CanonicalAsset[],
  readiness: ReadonlyMap<string, AssetReadiness>,
  ctx: PreMigrationContext,
): PreMigrationChecklist {
  const maxAge = ctx.maxBackupAgeDays ?? 7;
  const high = app.criticality === 'critical' || app.criticality === 'high';
  const production = members.some((a) => a.environment === 'production');
  const items: ChecklistItem[] = [];

  items.push(
    app.owner
      ? item('chk-owner', 'Accountable owner named', 'pass', true, `owner: ${app.owner}`, [appRef(app.key)])
      : item('chk-owner', 'Accountable owner named', 'fail', true, 'no owner to approve the cutover', [appRef(app.key)]),
  );
  const unowned = members.filter((a) => a.owner === null);
  items.push(
    item(
      'chk-asset-owners',
      'Every asset has an owner',
      unowned.length === 0 ? 'pass' : high ? 'fail' : 'warning',
      true,
      unowned.length === 0 ? `${members.length} assets, all owned` : `no owner: ${unowned.map((a) => a.hostname).join(', ')}`,
      unowned.map((a) => assetRef(a.key)),
    ),
  );

  // Backups matter where data lives; network devices carry configuration only and are rebuilt, not restored.
  const backedUp = members.filter((a) => a.assetType !== 'network_device');
  const stale = backedUp.filter((a) => {
    const last = ctx.lastBackups[a.key];
    return last === undefined || daysBetween(last, ctx.asOf) > maxAge;
  });
  items.push(
    item(
      'chk-backup',
      `Verified backup within ${maxAge} days`,
      stale.length === 0 ? 'pass' : 'fail',
      production || high,
      stale.length === 0
        ? `${backedUp.length} assets backed up within ${maxAge} days`
        : stale
            .map((a) => (ctx.lastBackups[a.key] ? `${a.hostname} last backup ${ctx.lastBackups[a.key]} (${daysBetween(ctx.lastBackups[a.key], ctx.asOf)} days)` : `${a.hostname} no backup recorded`))
            .join('; '),
      stale.map((a) => assetRef(a.key)),
    ),
  );

  const ticket = ctx.changeTickets[app.key];
  items.push(
    !production
      ? item('chk-change-ticket', 'Approved change ticket', 'not_applicable', false, 'no production assets: no change ticket required', [appRef(app.key)])
      : item('chk-change-ticket', 'Approved change ticket', ticket ? 'pass' : 'fail', true, ticket ? `change ${ticket}` : 'production cutover without a change ticket', [appRef(app.key)]),
  );

  const envs = uniqueSorted(members.map((a) => a.environment)) as Environment[];
  const missingZones = envs.filter((e) => !ctx.landingZones.includes(e));
  items.push(
    item(
      'chk-landing-zone',
      'Target landing zone provisioned',
      missingZones.length === 0 ? 'pass' : 'fail',
      true,
      missingZones.length === 0 ? `landing zones ready for ${envs.join(', ') || 'no environments'}` : `no landing zone for ${missingZones.join(', ')}`,
      members.filter((a) => missingZones.includes(a.environment)).map((a) => assetRef(a.key)),
    ),
  );

  const blockers = members.filter((a) => ['not_ready', 'unknown'].includes(readiness.get(a.key)?.status ?? 'unknown'));
  const conditional = members.filter((a) => readiness.get(a.key)?.status === 'conditionally_ready');
  items.push(
    item(
      'chk-readiness',
      'All assets assessed ready',
      blockers.length > 0 ? 'fail' : conditional.length > 0 ? 'warning' : 'pass',
      true,
      blockers.length > 0
        ? `not ready or unknown: ${blockers.map((a) => `${a.hostname} (${readiness.get(a.key)?.status ?? 'not assessed'})`).join(', ')}`
        : conditional.length > 0
          ? `conditions to clear: ${conditional.map((a) => a.hostname).join(', ')}`
          : `${members.length} assets ready`,
      [...blockers, ...conditional].map((a) => assetRef(a.key)),
    ),
  );

  const failed = items.filter((i) => i.blocking);
  const decision = failed.length === 0 ? 'go' : 'no_go';
  return {
    applicationKey: app.key,
    decision,
    items,
    rationale:
      decision === 'go'
        ? `go: ${items.filter((i) => i.status === 'pass').length} checks passed` +
          (items.some((i) => i.status === 'warning') ? `; warnings: ${items.filter((i) => i.status === 'warning').map((i) => `${i.id} (${i.detail})`).join('; ')}` : '')
        : `no-go: ${failed.map((i) => `${i.id} (${i.detail})`).join('; ')}`,
    // Every item is computed from recorded facts; only missing readiness data lowers confidence.
    confidence: clamp01(0.95 - 0.1 * members.filter((a) => !readiness.has(a.key)).length),
    evidence: uniqueSorted([appRef(app.key), ...items.flatMap((i) => i.evidence)]),
  };
}

export function buildPreMigrationChecklists(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  readiness: readonly AssetReadiness[],
  context: PreMigrationContext,
): PreMigrationChecklist[] {
  const members = assetsByApp(apps, assets);
  const readinessByAsset = new Map(readiness.map((r) => [r.assetKey, r]));
  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => checklistFor(app, members.get(app.key) ?? [], readinessByAsset, context));
}

// ───────────────────────────── runbook ─────────────────────────────

export interface RunbookStep {
  id: string;
  order: number;
  phase: 'replicate' | 'test' | 'cutover' | 'validate';
  title: string;
  assetKeys: string[];
  action: string;
  verification: string;
  /** What undoes this step; run in reverse order during compensation. */
  rollback: string;
  /** The manual driver pauses for an operator before these steps (service-affecting or sign-off). */
  requiresConfirmation: boolean;
  estimatedMinutes: number;
}

export interface Runbook extends Explained {
  applicationKey: string;
  strategy: Strategy;
  steps: RunbookStep[];
}

/** Sustained replication throughput assumed for initial sync estimates (GB per hour). */
export const REPLICATION_GB_PER_HOUR = 400;

/** Member assets with dependencies first (depth-first post-order; cycles are broken at the first revisit). */
function dependencyOrder(members: readonly CanonicalAsset[], deps: readonly CanonicalDependency[]): CanonicalAsset[] {
  const byKey = new Map(members.map((a) => [a.key, a]));
  const out = new Map<string, string[]>();
  for (const d of deps) {
    if (byKey.has(d.fromKey) && byKey.has(d.toKey) && d.fromKey !== d.toKey) out.set(d.fromKey, [...(out.get(d.fromKey) ?? []), d.toKey]);
  }
  const visited = new Set<string>();
  const order: CanonicalAsset[] = [];
  const visit = (key: string): void => {
    if (visited.has(key)) return;
    visited.add(key);
    for (const next of [...(out.get(key) ?? [])].sort(byString)) visit(next);
    order.push(byKey.get(key)!);
  };
  // Data stores first among roots, so databases replicate before the servers that use them.
  const roots = [...members].sort((a, b) => Number(isDataStore(b)) - Number(isDataStore(a)) || byString(a.key, b.key));
  for (const a of roots) visit(a.key);
  return order;
}

export function isDataStore(a: CanonicalAsset): boolean {
  return a.assetType === 'database' || a.assetType === 'storage';
}

function replicateStep(a: CanonicalAsset, strategy: Strategy): Pick<RunbookStep, 'title' | 'action' | 'verification' | 'rollback'> {
  const engine = detectDbEngine(`${a.os ?? ''} ${a.osVersion ?? ''}`);
  if (strategy === 'replatform' && a.assetType === 'database') {
    return {
      title: `Provision managed ${engine ?? 'database'} and start full load + change data capture from ${a.hostname}`,
      action: `create the managed instance, then a migration task (full load + CDC) from ${a.hostname}`,
      verification: 'full load complete, CDC latency under 60 s, row counts match on every table',
      rollback: 'stop the migration task and delete the managed instance; the source database is untouched',
    };
  }
  if (strategy === 'refactor' && !isDataStore(a)) {
    return {
      title: `Build container images for the workloads on ${a.hostname} and deploy them to the cluster`,
      action: 'build images in CI, push to the registry, deploy manifests to a non-production namespace',
      verification: 'pods ready, readiness probes passing',
      rollback: 'delete the namespace and images; the source server is untouched',
    };
  }
  if (strategy === 'repurchase') {
    return {
      title: `Export data from ${a.hostname} and load it into the SaaS tenant`,
      action: 'run the vendor export, transform to the import format, import into the SaaS tenant',
      verification: 'record counts and a sample of records match',
      rollback: 'purge the imported records from the SaaS tenant; the source is untouched',
    };
  }
  if (strategy === 'replatform') {
    return {
      title: `Build ${a.hostname} on a current OS release and deploy the application`,
      action: 'provision the target from the landing-zone image, install and configure the application, copy data',
      verification: 'application starts; configuration diff against the source reviewed',
      rollback: 'terminate the new instance; the source server is untouched',
    };
  }
  return {
    title: `Start block-level replication of ${a.hostname}`,
    action: `install the replication agent on ${a.hostname} and start continuous replication of ${a.storageGb ?? '?'} GB`,
    verification: 'initial sync complete and replication lag under 5 minutes',
    rollback: 'stop replication and uninstall the agent; the source server is untouched',
  };
}

export function generateRunbook(
  app: CanonicalApplication,
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  strategy: Strategy,
): Runbook {
  const members = assetsByApp([app], assets).get(app.key) ?? [];
  if (strategy === 'retire' || strategy === 'retain') {
    return {
      applicationKey: app.key,
      strategy,
      steps: [],
      rationale: `${strategy}: nothing is moved, so there is no migration runbook${strategy === 'retire' ? ' (shutdown is handled by the Decommission flow)' : ''}`,
      confidence: 0.9,
      evidence: [appRef(app.key)],
    };
  }
  const ordered = dependencyOrder(members, deps);
  const keys = ordered.map((a) => a.key);
  const steps: Omit<RunbookStep, 'order'>[] = [];
  for (const a of ordered) {
    const s = replicateStep(a, strategy);
    steps.push({
      id: `replicate-${a.key}`,
      phase: 'replicate',
      assetKeys: [a.key],
      ...s,
      requiresConfirmation: false,
      estimatedMinutes: Math.ceil(30 + ((a.storageGb ?? 100) / REPLICATION_GB_PER_HOUR) * 60),
    });
  }
  steps.push(
    {
      id: 'test-launch',
      phase: 'test',
      title: 'Launch test copies in an isolated subnet',
      assetKeys: keys,
      action: 'start test instances from the replicated state without production network access',
      verification: 'every test instance boots and its services start',
      rollback: 'terminate the test instances',
      requiresConfirmation: false,
      estimatedMinutes: 60,
    },
    {
      id: 'test-smoke',
      phase: 'test',
      title: 'Run smoke and integration tests against the test copies',
      assetKeys: keys,
      action: 'run the application smoke suite and check connectivity to every dependency',
      verification: 'all smoke checks pass; dependencies reachable',
      rollback: 'none needed (read-only tests); record the failures',
      requiresConfirmation: true,
      estimatedMinutes: 120,
    },
    {
      id: 'cutover-freeze',
      phase: 'cutover',
      title: 'Freeze changes and stop application services on the source (dependents first)',
      assetKeys: [...keys].reverse(),
      action: `stop services in order ${[...ordered].reverse().map((a) => a.hostname).join(' → ')}`,
      verification: 'no open connections or write activity on the source',
      rollback: `restart source services in order ${ordered.map((a) => a.hostname).join(' → ')}`,
      requiresConfirmation: true,
      estimatedMinutes: 30,
    },
    {
      id: 'cutover-final-sync',
      phase: 'cutover',
      title: 'Final synchronisation',
      assetKeys: keys,
      action: 'wait for replication / CDC to drain, then stop it',
      verification: 'replication lag zero; checksums or row counts match',
      rollback: 'discard the target state; the source remains authoritative',
      requiresConfirmation: false,
      estimatedMinutes: 30,
    },
    {
      id: 'cutover-start-target',
      phase: 'cutover',
      title: 'Start services on the target (dependencies first)',
      assetKeys: keys,
      action: `start in order ${ordered.map((a) => a.hostname).join(' → ')}`,
      verification: 'health checks green on every target',
      rollback: 'stop the target services',
      requiresConfirmation: false,
      estimatedMinutes: 30,
    },
    {
      id: 'cutover-switch-traffic',
      phase: 'cutover',
      title: 'Switch DNS / load balancer to the target',
      assetKeys: keys,
      action: 'update DNS records (TTL lowered beforehand) and load-balancer targets',
      verification: 'traffic observed on the target; none on the source',
      rollback: 'restore the previous DNS records and load-balancer targets',
      requiresConfirmation: true,
      estimatedMinutes: 20,
    },
    {
      id: 'validate-signoff',
      phase: 'validate',
      title: 'Post-migration validation and owner sign-off',
      assetKeys: keys,
      action: `run post-migration checks and obtain sign-off from ${app.owner ?? 'the application owner'}`,
      verification: 'smoke and performance checks pass',
      rollback: 'fail back: switch traffic to the source and restart it (steps above in reverse)',
      requiresConfirmation: true,
      estimatedMinutes: 60,
    },
  );
  const numbered = steps.map((s, i) => ({ ...s, order: i + 1 }));
  const intraDeps = deps.filter((d) => keys.includes(d.fromKey) && keys.includes(d.toKey) && d.fromKey !== d.toKey);
  return {
    applicationKey: app.key,
    strategy,
    steps: numbered,
    rationale:
      `${strategy} runbook for ${app.name}: ${ordered.length} assets in dependency order ${ordered.map((a) => a.hostname).join(' → ') || '(none)'}` +
      `, ${numbered.length} steps, about ${round(numbered.reduce((s, x) => s + x.estimatedMinutes, 0) / 60, 1)} h of work`,
    confidence: clamp01(members.length === 0 ? 0.3 : 0.85 - 0.2 * (members.filter((a) => a.storageGb === null).length / members.length)),
    evidence: uniqueSorted([appRef(app.key), ...keys.map(assetRef), ...intraDeps.map((d) => depRef(d.fromKey, d.toKey)), ruleRef(`runbook-${strategy}`)]),
  };
}

/** Rollback actions for the completed steps of a failed run, most recent first: the application's compensation. */
export function compensationPlan(runbook: Runbook, completedStepIds: readonly string[]): { stepId: string; rollback: string }[] {
  const done = new Set(completedStepIds);
  return runbook.steps
    .filter((s) => done.has(s.id))
    .sort((a, b) => b.order - a.order)
    .map((s) => ({ stepId: s.id, rollback: s.rollback }));
}

// ───────────────────────────── post-migration validation ─────────────────────────────

export interface PostMigrationObservation {
  assetKey: string;
  reachable: boolean;
  healthChecksPassed: boolean | null;
  cpuUtilPct: number | null;
  memoryUtilPct: number | null;
  targetVcpu: number | null;
  targetMemoryGb: number | null;
}

export interface ValidationCheck {
  id: string;
  kind: 'smoke' | 'performance';
  assetKey: string;
  status: 'pass' | 'fail' | 'missing_data';
  detail: string;
  evidence: string[];
}

export interface PostMigrationValidation extends Explained {
  applicationKey: string;
  checks: ValidationCheck[];
  signOffReady: boolean;
}

/** Utilisation above this on the target is saturation regardless of the baseline. */
export const SATURATION_PCT = 90;

function capacityCheck(
  a: CanonicalAsset,
  resource: 'cpu' | 'memory',
  baselineUnits: number | null,
  baselinePct: number | null,
  targetUnits: number | null,
  targetPct: number | null,
  tolerance: number,
): ValidationCheck {
  const id = `perf-${resource}-${a.key}`;
  const unit = resource === 'cpu' ? 'vCPU' : 'GB';
  const evidence = [assetRef(a.key), ruleRef(`post-perf-${resource}`)];
  if (baselineUnits === null || baselinePct === null || targetUnits === null || targetPct === null) {
    return { id, kind: 'performance', assetKey: a.key, status: 'missing_data', detail: `${resource} baseline or observation missing`, evidence };
  }
  const before = round((baselineUnits * baselinePct) / 100, 2);
  const after = round((targetUnits * targetPct) / 100, 2);
  const limit = round(before * (1 + tolerance), 2);
  const saturated = targetPct > SATURATION_PCT;
  const regressed = after > limit;
  return {
    id,
    kind: 'performance',
    assetKey: a.key,
    status: saturated || regressed ? 'fail' : 'pass',
    detail:
      `${resource} in use ${after} ${unit} (${targetPct}% of ${targetUnits}) vs baseline ${before} ${unit} (${baselinePct}% of ${baselineUnits}); limit ${limit}` +
      (saturated ? `; above ${SATURATION_PCT}% saturation` : ''),
    evidence,
  };
}

export function validatePostMigration(
  app: CanonicalApplication,
  assets: readonly CanonicalAsset[],
  observations: readonly PostMigrationObservation[],
  tolerance = 0.2,
): PostMigrationValidation {
  const members = assetsByApp([app], assets).get(app.key) ?? [];
  const obs = new Map(observations.map((o) => [o.assetKey, o]));
  const checks: ValidationCheck[] = [];
  for (const a of members) {
    const o = obs.get(a.key);
    const smokeEvidence = [assetRef(a.key), ruleRef('post-smoke')];
    if (!o) {
      checks.push({ id: `smoke-${a.key}`, kind: 'smoke', assetKey: a.key, status: 'missing_data', detail: 'no observation of the target', evidence: smokeEvidence });
      continue;
    }
    const smokeOk = o.reachable && o.healthChecksPassed !== false;
    checks.push({
      id: `smoke-${a.key}`,
      kind: 'smoke',
      assetKey: a.key,
      status: smokeOk ? 'pass' : 'fail',
      detail: !o.reachable ? 'target unreachable' : o.healthChecksPassed === false ? 'health checks failing' : `reachable${o.healthChecksPassed ? ', health checks passing' : ''}`,
      evidence: smokeEvidence,
    });
    checks.push(capacityCheck(a, 'cpu', a.cpu, a.cpuUtilPct, o.targetVcpu, o.cpuUtilPct, tolerance));
    checks.push(capacityCheck(a, 'memory', a.memoryGb, a.memoryUtilPct, o.targetMemoryGb, o.memoryUtilPct, tolerance));
  }
  const failed = checks.filter((c) => c.status === 'fail');
  const missing = checks.filter((c) => c.status === 'missing_data');
  const smokeMissing = missing.filter((c) => c.kind === 'smoke');
  // Missing performance data does not block sign-off (many sources lack a baseline); failures and unobserved targets do.
  const signOffReady = members.length > 0 && failed.length === 0 && smokeMissing.length === 0;
  return {
    applicationKey: app.key,
    checks,
    signOffReady,
    rationale:
      `${checks.length - failed.length - missing.length} passed, ${failed.length} failed, ${missing.length} without data` +
      (failed.length > 0 ? `: ${failed.map((c) => `${c.id} (${c.detail})`).join('; ')}` : '') +
      ` → ${signOffReady ? 'ready for sign-off' : 'not ready for sign-off'}`,
    confidence: clamp01(checks.length === 0 ? 0.2 : 0.9 - 0.5 * (missing.length / checks.length)),
    evidence: uniqueSorted([appRef(app.key), ...checks.flatMap((c) => c.evidence)]),
  };
}
