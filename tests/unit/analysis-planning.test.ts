import fc from 'fast-check';
import { deriveAppDependencies, stronglyConnectedComponents } from '../../activities/analysis/app-graph';
import {
  allocateResources,
  estimateCosts,
  generateTimeline,
  planWaves,
  validateWavePlan,
  type WavePlanOptions,
} from '../../activities/analysis/planning';
import { DEFAULT_PRICING } from '../../activities/analysis/pricing';
import { EVIDENCE_ID, arbAppGraph, retailEstate } from './helpers/canonical-fixtures';

const OPTIONS: WavePlanOptions = {
  maxAppsPerWave: 3,
  maxAssetsPerWave: 6,
  startDate: '2025-07-07',
  waveLengthDays: 14,
  blackoutWindows: [{ start: '2025-07-20', end: '2025-07-31', reason: 'summer freeze' }],
};

function retailPlan() {
  const e = retailEstate();
  const edges = deriveAppDependencies(e.apps, e.assets, e.deps);
  return { ...e, edges, plan: planWaves(e.apps, edges, OPTIONS) };
}

describe('wave planning on the retail estate', () => {
  const { plan, edges } = retailPlan();
  const waveOf = new Map(plan.placements.map((p) => [p.applicationKey, p.wave]));

  it('merges the payments ↔ legacy-erp cycle into one move group in one wave', () => {
    const group = plan.moveGroups.find((g) => g.applicationKeys.includes('payments'))!;
    expect(group.applicationKeys).toEqual(['legacy-erp', 'payments']);
    expect(group.cyclic).toBe(true);
    expect(waveOf.get('payments')).toBe(waveOf.get('legacy-erp'));
    expect(plan.placements.find((p) => p.applicationKey === 'payments')!.evidence).toEqual(
      expect.arrayContaining(['app:legacy-erp', 'rule:plan-cycle-move-group', 'dep:pay-app-01->erp-aix-01']),
    );
  });

  it('moves dependencies first, pilots low criticality early and respects capacity', () => {
    expect(waveOf.get('old-crm')).toBe(1);
    expect(waveOf.get('inventory')!).toBeLessThanOrEqual(waveOf.get('web-shop')!);
    expect(waveOf.get('payments')!).toBeLessThanOrEqual(waveOf.get('web-shop')!);
    expect(waveOf.get('web-shop')!).toBeLessThanOrEqual(waveOf.get('reporting')!);
    for (const w of plan.waves) {
      expect(w.applicationKeys.length).toBeLessThanOrEqual(OPTIONS.maxAppsPerWave);
      expect(w.assetCount).toBeLessThanOrEqual(OPTIONS.maxAssetsPerWave);
    }
    expect(validateWavePlan(plan, edges)).toEqual([]);
  });

  it('skips blackout windows when dating waves', () => {
    expect(plan.waves[0]).toMatchObject({ startDate: '2025-08-01', endDate: '2025-08-14' });
    expect(plan.waves[0].blackoutsSkipped).toEqual(['summer freeze (2025-07-20 → 2025-07-31)']);
    expect(plan.waves[1].startDate).toBe('2025-08-15');
    for (const p of plan.placements) {
      expect(p.confidence).toBeGreaterThan(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
      for (const id of p.evidence) expect(id).toMatch(EVIDENCE_ID);
    }
  });

  it('re-validates user edits: dependency moved later, split cycle, duplicate', () => {
    const edited = {
      waves: [
        { number: 1, applicationKeys: ['web-shop', 'legacy-erp'] },
        { number: 2, applicationKeys: ['payments', 'inventory', 'legacy-erp'] },
      ],
    };
    const violations = validateWavePlan(edited, edges);
    expect(violations).toEqual(
      expect.arrayContaining([
        'legacy-erp is placed in both wave 1 and wave 2',
        'web-shop (wave 1) depends on inventory (wave 2): a dependency must move in the same or an earlier wave',
        'web-shop (wave 1) depends on payments (wave 2): a dependency must move in the same or an earlier wave',
        'dependency cycle legacy-erp, payments is split across waves 1, 2: it must move together',
      ]),
    );
  });

  it('places an over-capacity move group alone with a warning', () => {
    const e = retailEstate();
    const p = planWaves(e.apps, deriveAppDependencies(e.apps, e.assets, e.deps), { ...OPTIONS, maxAssetsPerWave: 2, blackoutWindows: [] });
    expect(p.warnings.some((w) => w.includes('group-legacy-erp'))).toBe(true);
    const wave = p.waves.find((w) => w.applicationKeys.includes('payments'))!;
    expect(wave.applicationKeys).toEqual(['legacy-erp', 'payments']);
  });
});

describe('wave planning properties', () => {
  it('never places an application before one it depends on; cycle members share a wave; plans validate', () => {
    fc.assert(
      fc.property(arbAppGraph, ({ apps, edges, maxApps, maxAssets }) => {
        const plan = planWaves(apps, edges, { maxAppsPerWave: maxApps, maxAssetsPerWave: maxAssets, startDate: '2025-01-06', waveLengthDays: 7, blackoutWindows: [] });
        const waveOf = new Map(plan.placements.map((p) => [p.applicationKey, p.wave]));
        expect(waveOf.size).toBe(apps.length);
        for (const e of edges) expect(waveOf.get(e.toApp)!).toBeLessThanOrEqual(waveOf.get(e.fromApp)!);
        for (const component of stronglyConnectedComponents(apps.map((a) => a.key), edges)) {
          expect(new Set(component.map((k) => waveOf.get(k))).size).toBe(1);
        }
        expect(validateWavePlan(plan, edges)).toEqual([]);
        // capacity holds except for waves holding a single over-sized move group
        for (const w of plan.waves) {
          if (w.moveGroupIds.length > 1) {
            expect(w.applicationKeys.length).toBeLessThanOrEqual(maxApps);
            expect(w.assetCount).toBeLessThanOrEqual(maxAssets);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: same input gives deep-equal plans', () => {
    fc.assert(
      fc.property(arbAppGraph, ({ apps, edges, maxApps, maxAssets }) => {
        const options = { maxAppsPerWave: maxApps, maxAssetsPerWave: maxAssets, startDate: '2025-01-06', waveLengthDays: 10, blackoutWindows: [{ start: '2025-01-20', end: '2025-01-26', reason: 'freeze' }] };
        expect(planWaves(structuredClone(apps), structuredClone(edges), options)).toEqual(planWaves(apps, edges, options));
      }),
      { numRuns: 100 },
    );
  });
});

describe('resources, timeline and costs', () => {
  const { plan, apps, assets, edges } = retailPlan();
  const strategies = [
    { applicationKey: 'web-shop', strategy: 'replatform' as const },
    { applicationKey: 'old-crm', strategy: 'retire' as const },
    { applicationKey: 'intranet-mail', strategy: 'repurchase' as const },
  ];

  it('assigns teams by skill and flags over-allocation', () => {
    const teams = [
      { key: 'java', name: 'JVM squad', hoursPerWeek: 80, skills: ['java', 'spring'] },
      { key: 'ms', name: 'Microsoft squad', hoursPerWeek: 40, skills: ['.net', 'sql server', 'exchange'] },
    ];
    const r = allocateResources(plan, apps, teams, strategies);
    const byApp = new Map(r.assignments.map((a) => [a.applicationKey, a]));
    expect(byApp.get('web-shop')!.teamKey).toBe('java');
    expect(byApp.get('web-shop')!.effortHours).toBe(80 + 40 * 3); // replatform: 80 h/app + 40 h/asset
    expect(byApp.get('intranet-mail')!.teamKey).toBe('ms');
    expect(byApp.get('intranet-mail')!.rationale).toContain('exchange');
    const small = allocateResources(plan, apps, [{ key: 'one', name: 'One', hoursPerWeek: 10, skills: [] }], strategies);
    expect(small.waves.some((w) => w.overallocated)).toBe(true);
    expect(small.warnings.length).toBeGreaterThan(0);
  });

  it('builds a dated timeline whose critical path runs through dependency waves', () => {
    const t = generateTimeline(plan, edges, { prepDays: 5, hypercareDays: 7, blackoutWindows: OPTIONS.blackoutWindows });
    const task = (id: string) => t.tasks.find((x) => x.id === id)!;
    expect(task('w1-prepare')).toMatchObject({ start: '2025-07-27', end: '2025-07-31' });
    // wave 2 holds critical web-shop: buffer 30% of 14 days; wave 3 waits for wave 2's buffer
    expect(task('w2-buffer').durationDays).toBe(5);
    expect(task('w3-cutover').drivenBy).toBe('w2-buffer');
    // wave 1 (medium) buffer is ceil(14 × 0.15) = 3 days → wave 2 slips from 08-15 to 08-18; its 5-day buffer ends 09-05
    expect(task('w2-cutover')).toMatchObject({ start: '2025-08-18', drivenBy: 'w1-buffer' });
    expect(task('w3-cutover').start).toBe('2025-09-06');
    expect(t.criticalPath).toEqual(['w1-prepare', 'w1-cutover', 'w1-buffer', 'w2-cutover', 'w2-buffer', 'w3-cutover', 'w3-buffer', 'w3-hypercare']);
    expect(t.endDate).toBe(task('w3-hypercare').end);
    for (const x of t.tasks) expect(x.start <= x.end).toBe(true);
  });

  it('estimates one-time cost and run-rate before/after per wave', () => {
    const c = estimateCosts(plan, apps, assets, strategies, DEFAULT_PRICING);
    expect(c.waves).toHaveLength(plan.waves.length);
    const w1 = c.waves[0];
    // old-crm retired in wave 1: its imported 310/month disappears
    expect(w1.runRateBefore).toBeGreaterThan(w1.runRateAfter);
    expect(w1.rationale).toContain('1 retire');
    expect(c.totals.oneTimeCost).toBeCloseTo(c.waves.reduce((s, w) => s + w.oneTimeCost, 0), 2);
    expect(c.totals.monthlySaving).toBeCloseTo(c.totals.runRateBefore - c.totals.runRateAfter, 1);
    expect(c.totals.paybackMonths === null || c.totals.paybackMonths > 0).toBe(true);
  });
});
