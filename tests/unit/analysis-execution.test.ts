import { assessReadiness } from '../../activities/analysis/assessment';
import {
  buildPreMigrationChecklists,
  compensationPlan,
  generateRunbook,
  validatePostMigration,
  type PreMigrationContext,
} from '../../activities/analysis/execution';
import { AS_OF, retailEstate } from './helpers/canonical-fixtures';

const e = retailEstate();
const readiness = assessReadiness(e.assets, e.deps, AS_OF);
const appOf = (key: string) => e.apps.find((a) => a.key === key)!;

describe('pre-migration checklist', () => {
  const ctx: PreMigrationContext = {
    asOf: AS_OF,
    changeTickets: { inventory: 'CHG-1042' },
    lastBackups: { 'inv-app-01': '2025-05-30', 'inv-db-01': '2025-05-31' },
    landingZones: ['production'],
  };

  it('gives go when owner, backups, ticket, landing zone and readiness are in place', () => {
    const inv = buildPreMigrationChecklists(e.apps, e.assets, readiness, ctx).find((c) => c.applicationKey === 'inventory')!;
    expect(inv.decision).toBe('go');
    expect(inv.items.find((i) => i.id === 'chk-change-ticket')!.detail).toBe('change CHG-1042');
  });

  it('derives no-go items from the data', () => {
    const lists = new Map(
      buildPreMigrationChecklists(e.apps, e.assets, readiness, { ...ctx, lastBackups: { 'inv-app-01': '2025-05-30', 'inv-db-01': '2025-05-20' } }).map((c) => [c.applicationKey, c]),
    );
    const inv = lists.get('inventory')!;
    expect(inv.decision).toBe('no_go');
    expect(inv.rationale).toContain('inv-db-01 last backup 2025-05-20 (12 days)');
    const erp = lists.get('legacy-erp')!;
    expect(erp.items.filter((i) => i.blocking).map((i) => i.id)).toEqual(['chk-owner', 'chk-backup', 'chk-change-ticket', 'chk-readiness']);
    const rpt = lists.get('reporting')!;
    expect(rpt.items.find((i) => i.id === 'chk-change-ticket')!.status).toBe('not_applicable');
    expect(rpt.items.find((i) => i.id === 'chk-landing-zone')!.detail).toBe('no landing zone for test');
  });
});

describe('runbook', () => {
  it('replicates the database before the servers that use it and ends with sign-off', () => {
    const rb = generateRunbook(appOf('web-shop'), e.assets, e.deps, 'replatform');
    const ids = rb.steps.map((s) => s.id);
    expect(ids.slice(0, 3)).toEqual(['replicate-shop-db-01', 'replicate-shop-web-01', 'replicate-shop-web-02']);
    expect(rb.steps[0].title).toContain('managed sqlserver');
    expect(ids.at(-1)).toBe('validate-signoff');
    expect(rb.steps.map((s) => s.order)).toEqual(rb.steps.map((_, i) => i + 1));
    for (const s of rb.steps) expect(s.rollback.length).toBeGreaterThan(0);
    expect(rb.steps.find((s) => s.id === 'cutover-freeze')!.action).toBe('stop services in order shop-web-02 → shop-web-01 → shop-db-01');
    expect(rb.evidence).toContain('dep:shop-web-01->shop-db-01');
  });

  it('compensates completed steps in reverse order', () => {
    const rb = generateRunbook(appOf('inventory'), e.assets, e.deps, 'rehost');
    const comp = compensationPlan(rb, ['replicate-inv-db-01', 'replicate-inv-app-01', 'test-launch', 'cutover-freeze']);
    expect(comp.map((c) => c.stepId)).toEqual(['cutover-freeze', 'test-launch', 'replicate-inv-app-01', 'replicate-inv-db-01']);
    expect(comp[0].rollback).toContain('restart source services');
  });

  it('has no migration steps for retire and retain', () => {
    expect(generateRunbook(appOf('old-crm'), e.assets, e.deps, 'retire').steps).toEqual([]);
  });
});

describe('post-migration validation', () => {
  it('passes against the baseline and fails on saturation or unreachable targets', () => {
    const inv = appOf('inventory');
    const ok = validatePostMigration(inv, e.assets, [
      { assetKey: 'inv-app-01', reachable: true, healthChecksPassed: true, cpuUtilPct: 70, memoryUtilPct: 60, targetVcpu: 2, targetMemoryGb: 16 },
      { assetKey: 'inv-db-01', reachable: true, healthChecksPassed: true, cpuUtilPct: 45, memoryUtilPct: 50, targetVcpu: 4, targetMemoryGb: 16 },
    ]);
    expect(ok.signOffReady).toBe(true);
    expect(ok.checks.filter((c) => c.status === 'pass')).toHaveLength(6);
    const bad = validatePostMigration(inv, e.assets, [
      { assetKey: 'inv-app-01', reachable: true, healthChecksPassed: true, cpuUtilPct: 95, memoryUtilPct: 60, targetVcpu: 2, targetMemoryGb: 16 },
      { assetKey: 'inv-db-01', reachable: false, healthChecksPassed: null, cpuUtilPct: null, memoryUtilPct: null, targetVcpu: null, targetMemoryGb: null },
    ]);
    expect(bad.signOffReady).toBe(false);
    expect(bad.checks.find((c) => c.id === 'perf-cpu-inv-app-01')!.detail).toContain('above 90% saturation');
    expect(bad.checks.find((c) => c.id === 'smoke-inv-db-01')!.status).toBe('fail');
    expect(bad.checks.find((c) => c.id === 'perf-cpu-inv-db-01')!.status).toBe('missing_data');
  });
});
