/**
 * The rule registry must know every rule id an engine can emit. Dynamically: every engine runs over the retail
 * fixture estate, over the inventory the Discovery pipeline builds from tests/fixtures/cmdb.csv, and over a small
 * edge-case estate; every "rule:<id>" evidence entry, `ruleId` field and 7R `matchedCriteria` entry found in the
 * outputs must resolve. Statically: every rule-id literal (or template) in the engines' source must resolve too,
 * so an inline id on a branch the fixtures do not reach is caught as well.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deriveAppDependencies } from '../../activities/analysis/app-graph';
import {
  analyseComplexity,
  assessReadiness,
  assessRisk,
  assessTechDebt,
  checkCompliance,
  recommendStrategies,
  STRATEGIES,
} from '../../activities/analysis/assessment';
import { buildShutdownRunbook, checkDecommissionSafety, planDataRetention } from '../../activities/analysis/decommission';
import { cleanseRows } from '../../activities/analysis/discovery/cleansing';
import { parseImport } from '../../activities/analysis/discovery/formats';
import { buildInventory } from '../../activities/analysis/discovery/inventory';
import { resolveAmbiguous, suggestMapping } from '../../activities/analysis/discovery/mapping';
import {
  buildPreMigrationChecklists,
  compensationPlan,
  generateRunbook,
  isDataStore,
  validatePostMigration,
} from '../../activities/analysis/execution';
import { analyseCosts, forecastBudget, identifyOptimisations } from '../../activities/analysis/finops';
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency } from '../../activities/analysis/model';
import { designTargetArchitecture, identifyModernizationOpportunities, planModernizationBacklog } from '../../activities/analysis/modernize';
import { buildAlertRules, defineSlos, planLogging } from '../../activities/analysis/observability';
import { allocateResources, estimateCosts, generateTimeline, planWaves, type WavePlanOptions } from '../../activities/analysis/planning';
import { DEFAULT_PRICING, rightsize } from '../../activities/analysis/pricing';
import { allRules, describeRule, registryProblems } from '../../activities/analysis/rules/registry';
import { AS_OF, app, asset, dep, retailEstate } from './helpers/canonical-fixtures';

const ROOT = join(__dirname, '..', '..');
const ANALYSIS = join(ROOT, 'activities', 'analysis');

interface Estate {
  apps: CanonicalApplication[];
  assets: CanonicalAsset[];
  deps: CanonicalDependency[];
}

// ───────────────────────────── collecting rule ids from outputs ─────────────────────────────

/** Every rule id cited anywhere in a result: "rule:" strings (evidence), `ruleId` fields and 7R matchedCriteria. */
function collectRuleIds(value: unknown, out = new Set<string>(), seen = new WeakSet<object>()): Set<string> {
  if (typeof value === 'string') {
    if (value.startsWith('rule:')) out.add(value.slice('rule:'.length));
    return out;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) collectRuleIds(v, out, seen);
    return out;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key === 'ruleId' && typeof v === 'string') out.add(v);
    if (key === 'matchedCriteria' && Array.isArray(v)) v.filter((x): x is string => typeof x === 'string').forEach((x) => out.add(x));
    collectRuleIds(v, out, seen);
  }
  return out;
}

const unresolved = (ids: Iterable<string>): string[] => [...ids].filter((id) => describeRule(id) === null).sort();

// ───────────────────────────── running every engine ─────────────────────────────

const WAVES: WavePlanOptions = {
  maxAppsPerWave: 3,
  maxAssetsPerWave: 6,
  startDate: '2025-07-07',
  waveLengthDays: 14,
  blackoutWindows: [{ start: '2025-07-20', end: '2025-07-31', reason: 'summer freeze' }],
};

function runEngines({ apps, assets, deps }: Estate): Record<string, unknown> {
  const readiness = assessReadiness(assets, deps, AS_OF);
  const compliance = checkCompliance(assets, AS_OF);
  const complexity = analyseComplexity(apps, assets, deps);
  const techDebt = assessTechDebt(apps, assets, AS_OF);
  const risk = assessRisk(apps, assets, deps, readiness, complexity);
  const strategies = recommendStrategies(apps, assets, deps, readiness, compliance, complexity, risk, [
    ...apps.slice(0, 1).map((a) => ({ applicationKey: a.key, strategy: 'replatform' as const, reason: 'fixture override' })),
  ]);

  const edges = deriveAppDependencies(apps, assets, deps);
  const plan = planWaves(apps, edges, WAVES);
  const timeline = generateTimeline(plan, edges, { prepDays: 5, hypercareDays: 7, blackoutWindows: WAVES.blackoutWindows });
  const teams = [
    { key: 'platform', name: 'Platform', hoursPerWeek: 80, skills: ['java', 'linux', 'postgres'] },
    { key: 'windows', name: 'Windows', hoursPerWeek: 40, skills: ['sql server', '.net', 'iis'] },
  ];
  const resources = allocateResources(plan, apps, teams, strategies);
  // Every strategy once for every application, so every labour-<strategy> id is cited.
  const forced = STRATEGIES.map((s) => apps.map((a) => ({ applicationKey: a.key, strategy: s })));
  const planCosts = [strategies, ...forced].map((list) => estimateCosts(plan, apps, assets, list, DEFAULT_PRICING));
  const forcedResources = forced.map((list) => allocateResources(plan, apps, teams, list));

  const sizing = assets.map((a) => rightsize(a));
  const costs = analyseCosts(assets, apps);
  const optimisations = identifyOptimisations(assets);
  const budget = forecastBudget(costs, optimisations, {
    months: 6,
    startMonth: '2025-07',
    monthlyGrowthPct: 1,
    llmMonthlySpend: 250,
    adoption: 0.8,
    rampMonths: 3,
    contingencyPct: 10,
  });

  const slos = defineSlos(apps);
  const logging = planLogging(apps, assets);
  const alerts = buildAlertRules(apps, slos);

  const checklists = buildPreMigrationChecklists(apps, assets, readiness, {
    asOf: AS_OF,
    changeTickets: Object.fromEntries(apps.slice(0, 2).map((a) => [a.key, `CHG-${a.key}`])),
    lastBackups: Object.fromEntries(assets.map((a, i) => [a.key, i % 3 === 0 ? '2025-01-01' : '2025-05-30'])),
    landingZones: ['production'],
  });
  const runbooks = apps.flatMap((a) => STRATEGIES.map((s) => generateRunbook(a, assets, deps, s)));
  const compensation = runbooks.map((r) => compensationPlan(r, r.steps.slice(0, 3).map((s) => s.id)));
  const observations = assets
    .filter((_, i) => i % 4 !== 3)
    .map((a, i) => ({
      assetKey: a.key,
      reachable: i % 5 !== 4,
      healthChecksPassed: i % 2 === 0 ? true : null,
      cpuUtilPct: i % 3 === 0 ? 95 : 30,
      memoryUtilPct: a.memoryUtilPct,
      targetVcpu: a.cpu,
      targetMemoryGb: a.memoryGb,
    }));
  const validations = apps.map((a) => validatePostMigration(a, assets, observations));

  const opportunities = identifyModernizationOpportunities(apps, assets, deps);
  const architectures = apps.map((a) => designTargetArchitecture(a, assets, deps, opportunities));
  const backlog = planModernizationBacklog(opportunities);

  // Retire every data store and powered-off asset, plus a key no inventory has: safe, refused and unknown targets.
  const targets = [...assets.filter((a) => isDataStore(a) || a.powerState === 'off').map((a) => a.key), 'ghost-host-404'];
  const safety = checkDecommissionSafety(targets, assets, deps);
  const retention = planDataRetention(targets, assets, apps, AS_OF);
  const shutdown = buildShutdownRunbook(safety, assets, deps, retention);

  return {
    readiness,
    compliance,
    complexity,
    techDebt,
    risk,
    strategies,
    plan,
    timeline,
    resources,
    forcedResources,
    planCosts,
    sizing,
    costs,
    optimisations,
    budget,
    slos,
    logging,
    alerts,
    checklists,
    runbooks,
    compensation,
    validations,
    opportunities,
    architectures,
    backlog,
    safety,
    retention,
    shutdown,
  };
}

function discoveryPipeline(): { outputs: Record<string, unknown>; estate: Estate } {
  const parsed = parseImport(readFileSync(join(ROOT, 'tests', 'fixtures', 'cmdb.csv'), 'utf8'), 'cmdb.csv');
  const suggested = suggestMapping(parsed.columns, parsed.rows);
  const mapping = resolveAmbiguous(suggested, parsed.columns, parsed.rows);
  const cleansing = cleanseRows(parsed.rows, mapping);
  const inventory = buildInventory(cleansing.assets);
  return {
    outputs: { parsed, suggested, mapping, cleansing, inventory },
    estate: { apps: inventory.applications, assets: cleansing.assets, deps: inventory.dependencies },
  };
}

/** Branches the retail estate does not reach: unusual platforms, sizes, criticalities, tiers and environments. */
function edgeCaseEstate(): Estate {
  const assets = [
    asset('sw-core-01', { assetType: 'network_device', os: null, osFamily: 'unknown', osVersion: null, cpu: null, memoryGb: null, applications: ['backbone'] }),
    asset('hp-01', { os: 'HP-UX', osFamily: 'unix', osVersion: '11i v3', applications: ['billing-legacy'] }),
    asset('zos-01', { os: 'IBM z/OS', osFamily: 'other', osVersion: '2.4', applications: ['billing-legacy'] }),
    asset('old-32', { os: 'Windows Server 2003 32-bit', osFamily: 'windows', osVersion: null, applications: ['kiosk'] }),
    asset('sun-01', { os: 'Solaris', osFamily: 'unix', osVersion: '10', applications: ['kiosk'] }),
    asset('big-01', { storageGb: 40_000, memoryGb: 1024, cpu: 64, cpuUtilPct: 2, memoryUtilPct: 70, criticality: 'unknown', applications: ['warehouse'] }),
    asset('dev-db-01', { assetType: 'database', os: 'Ubuntu 20.04', osVersion: 'MySQL 5.7', environment: 'development', applications: ['warehouse'] }),
    asset('nas-01', { assetType: 'storage', os: null, osFamily: 'unknown', cpu: null, environment: 'unknown', owner: null, applications: ['warehouse'] }),
    asset('vm-01', { os: 'CentOS', osVersion: '6.10', cpu: 2, cpuUtilPct: 4, applications: ['scheduler'] }),
  ];
  const apps = [
    app('backbone', ['sw-core-01'], { criticality: 'unknown', tier: 'tier1', owner: null }),
    app('billing-legacy', ['hp-01', 'zos-01'], { criticality: 'critical', tier: 'tier1', techStack: ['COBOL', 'CICS', 'VB6', 'Classic ASP'] }),
    app('kiosk', ['old-32', 'sun-01'], { criticality: 'high', techStack: ['.NET Framework 2.0', 'PHP 5', 'Python 2', 'ColdFusion'] }),
    app('warehouse', ['big-01', 'dev-db-01', 'nas-01'], { criticality: 'unknown', techStack: ['WebSphere', 'WebLogic', 'VMware vSphere'] }),
    app('scheduler', ['vm-01'], { tier: 'tier3', techStack: ['Go', 'Node.js', 'Control-M batch'] }),
    app('empty', []),
  ];
  const deps = [dep('vm-01', 'sw-core-01'), dep('big-01', 'hp-01', { confidence: 0.2, type: 'inferred' }), dep('hp-01', 'big-01')];
  return { apps, assets, deps };
}

// ───────────────────────────── static scan of the engines' source ─────────────────────────────

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith(join('rules', 'registry.ts')) ? [path] : [];
  });
}

/** Text between the parenthesis opening at `open` and its match. */
function callArguments(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

interface Cited {
  file: string;
  literals: string[];
  templates: RegExp[];
}

/** Rule-id literals (hyphenated, quoted) and `prefix-${x}` templates passed where the engines build rule ids. */
function scanRuleIds(): Cited[] {
  const CALLS = /\b(?:ruleRef|rules\.push|item|stream)\(/g;
  const PROPERTIES = /\b(?:ruleId|code):\s*'([^']+)'/g;
  const ID = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
  return sourceFiles(ANALYSIS).map((path) => {
    const text = readFileSync(path, 'utf8');
    const literals: string[] = [];
    const templates: RegExp[] = [];
    for (const m of text.matchAll(CALLS)) {
      const args = callArguments(text, m.index! + m[0].length - 1);
      for (const l of args.matchAll(/'([^'\n]+)'/g)) if (ID.test(l[1])) literals.push(l[1]);
      for (const t of args.matchAll(/`([^`]*)`/g)) {
        const body = t[1];
        if (!body.includes('${')) {
          if (ID.test(body)) literals.push(body);
          continue;
        }
        const pattern = body.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[a-z0-9-]+');
        if (/^[a-z0-9]+-/.test(body)) templates.push(new RegExp(`^${pattern}$`));
      }
    }
    for (const m of text.matchAll(PROPERTIES)) if (ID.test(m[1])) literals.push(m[1]);
    return { file: relative(ROOT, path), literals, templates };
  });
}

// ───────────────────────────── tests ─────────────────────────────

describe('rule registry', () => {
  it('has unique ids, each with a title, a sentence and a source', () => {
    const rules = allRules();
    const ids = rules.map((r) => r.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(duplicates).toEqual([]);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
      expect(r.title.trim()).not.toBe('');
      expect(r.description).toMatch(/^[A-Z0-9].{30,}[.)]$/s);
      expect(r.source).toMatch(/\.ts#/);
      expect(describeRule(r.id)).toEqual(r);
      expect(describeRule(`rule:${r.id}`)).toEqual(r);
    }
    expect(describeRule('no-such-rule')).toBeNull();
  });

  it('has a hand-written sentence for every decision-table row and none for rows that are gone', () => {
    expect(registryProblems()).toEqual([]);
  });

  it('enumerates templated ids over every value of their variable', () => {
    for (const id of [
      'finops-zombie',
      'finops-idle',
      'finops-rightsize',
      'finops-commitment',
      'slo-availability-unknown',
      'slo-latency-tier3',
      'log-access-low',
      'log-db-unknown',
      'labour-retain',
      'labour-relocate',
      'runbook-repurchase',
      'post-perf-memory',
    ]) {
      expect(describeRule(id)).not.toBeNull();
    }
    // retire and retain produce no runbook steps and cite no runbook rule.
    expect(describeRule('runbook-retire')).toBeNull();
  });

  it('the collector finds rule ids in evidence, ruleId fields and matchedCriteria, and flags unknown ones', () => {
    const found = collectRuleIds({
      a: [{ evidence: ['asset:x', 'rule:ready-missing-data', 'rule:not-a-real-rule'] }],
      b: { ruleId: 'debt-no-owner', matchedCriteria: ['7r-rehost-default'] },
    });
    expect([...found].sort()).toEqual(['7r-rehost-default', 'debt-no-owner', 'not-a-real-rule', 'ready-missing-data']);
    expect(unresolved(found)).toEqual(['not-a-real-rule']);
  });

  describe('every rule id the engines emit resolves', () => {
    const retail = collectRuleIds(runEngines(retailEstate()));
    const discovery = discoveryPipeline();
    const discovered = collectRuleIds([discovery.outputs, runEngines(discovery.estate)]);
    const edge = collectRuleIds(runEngines(edgeCaseEstate()));

    it('over the retail fixture estate', () => {
      expect(retail.size).toBeGreaterThan(60);
      expect(unresolved(retail)).toEqual([]);
    });

    it('over the Discovery pipeline output for tests/fixtures/cmdb.csv', () => {
      expect(discovery.estate.assets.length).toBeGreaterThan(100);
      expect(discovered.size).toBeGreaterThan(60);
      expect(unresolved(discovered)).toEqual([]);
    });

    it('over an edge-case estate', () => {
      expect(unresolved(edge)).toEqual([]);
    });

    it('cites rules from every source the registry describes', () => {
      const sources = new Set([...retail, ...discovered, ...edge].map((id) => describeRule(id)?.source));
      expect([...new Set(allRules().map((r) => r.source))].filter((s) => !sources.has(s))).toEqual([]);
    });
  });

  it('every rule-id literal and template in the engines source resolves', () => {
    const cited = scanRuleIds();
    const ids = allRules().map((r) => r.id);
    const missing = cited.flatMap(({ file, literals, templates }) => [
      ...literals.filter((id) => describeRule(id) === null).map((id) => `${file}: ${id}`),
      ...templates.filter((re) => !ids.some((id) => re.test(id))).map((re) => `${file}: ${re.source}`),
    ]);
    expect(missing).toEqual([]);
    // The scan must actually see the inline ids, or it proves nothing.
    expect(cited.reduce((n, c) => n + c.literals.length, 0)).toBeGreaterThan(40);
    expect(cited.reduce((n, c) => n + c.templates.length, 0)).toBeGreaterThanOrEqual(8);
  });
});
