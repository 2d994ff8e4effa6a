import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { buildShutdownRunbook, canonicalJson, checkDecommissionSafety, planDataRetention } from '../../activities/analysis/decommission';
import { AS_OF, EVIDENCE_ID, app, arbEstate, asset, dep, retailEstate } from './helpers/canonical-fixtures';

describe('decommission safety', () => {
  const e = retailEstate();

  it('refuses a target that live assets depend on, citing the edges', () => {
    const r = checkDecommissionSafety(['inv-db-01'], e.assets, e.deps);
    expect(r.safe).toBe(false);
    expect(r.blockingEdges).toEqual(['dep:inv-app-01->inv-db-01', 'dep:rpt-01->inv-db-01']);
    expect(r.targets[0].monthlySaving).toBe(0);
  });

  it('allows a target whose only dependents are also being retired or are powered off', () => {
    const r = checkDecommissionSafety(['inv-db-01', 'inv-app-01', 'rpt-01'], e.assets, e.deps);
    expect(r.targets.find((t) => t.assetKey === 'inv-db-01')!.safe).toBe(true);
    const off = checkDecommissionSafety(['b'], [asset('a', { powerState: 'off' }), asset('b')], [dep('a', 'b')]);
    expect(off.safe).toBe(true);
    expect(off.targets[0].riskFactors.some((f) => f.includes('powered-off dependents'))).toBe(true);
    expect(off.expectedMonthlySaving).toBe(off.targets[0].monthlySaving);
  });

  it('counts unresolved declared dependencies and unknown targets as blockers', () => {
    const r = checkDecommissionSafety(
      ['db', 'ghost'],
      [asset('db', { ip: '10.0.0.5' }), asset('app', { dependsOn: [{ target: '10.0.0.5', port: 5432, protocol: 'tcp' }], sourceRows: [14] })],
      [],
    );
    expect(r.targets.find((t) => t.assetKey === 'db')!.blockingEdges).toEqual(['dep:app->db']);
    expect(r.targets.find((t) => t.assetKey === 'db')!.evidence).toContain('row:14');
    expect(r.targets.find((t) => t.assetKey === 'ghost')).toMatchObject({ known: false, safe: false });
  });

  it('property: refuses exactly the targets something live depends on', () => {
    fc.assert(
      fc.property(arbEstate, fc.array(fc.nat(9), { maxLength: 5 }), (estate, picks) => {
        const targets = [...new Set(picks.filter((i) => i < estate.assets.length).map((i) => estate.assets[i].key))];
        const set = new Set(targets);
        const byKey = new Map(estate.assets.map((a) => [a.key, a]));
        const report = checkDecommissionSafety(targets, estate.assets, estate.deps);
        for (const t of report.targets) {
          const liveDependents = estate.deps.filter((d) => d.toKey === t.assetKey && d.fromKey !== t.assetKey && !set.has(d.fromKey) && byKey.get(d.fromKey)!.powerState !== 'off');
          expect(t.safe).toBe(liveDependents.length === 0);
          for (const d of liveDependents) expect(t.blockingEdges).toContain(`dep:${d.fromKey}->${d.toKey}`);
          for (const id of t.evidence) expect(id).toMatch(EVIDENCE_ID);
        }
        expect(report.safe).toBe(report.targets.length > 0 && report.targets.every((t) => t.safe));
      }),
      { numRuns: 200 },
    );
  });
});

describe('retention and shutdown', () => {
  const e = retailEstate();

  it('plans retention per data store with a deterministic sha256 of the canonical record', () => {
    const apps = [...e.apps, app('payroll', ['hr-db'], { techStack: ['PeopleSoft HR'] })];
    const assets = [...e.assets, asset('hr-db', { assetType: 'database', environment: 'test', applications: ['payroll'] })];
    const plan = planDataRetention(['shop-db-01', 'hr-db', 'shop-web-01'], assets, apps, AS_OF);
    expect(plan.map((p) => [p.assetKey, p.ruleId, p.deleteAfter])).toEqual([
      ['hr-db', 'ret-financial-7y', '2032-05-30'],
      ['shop-db-01', 'ret-production-3y', '2028-05-31'],
    ]);
    const shopDb = plan[1];
    expect(shopDb.checksum).toBe(createHash('sha256').update(canonicalJson(assets.find((a) => a.key === 'shop-db-01'))).digest('hex'));
    expect(shopDb.record).toBe(canonicalJson({ ...assets.find((a) => a.key === 'shop-db-01')! }));
    // key order does not change the canonical record
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(planDataRetention(['shop-db-01'], assets, apps, AS_OF)[0].checksum).toBe(shopDb.checksum);
  });

  it('writes a shutdown runbook: archives verified first, dependents before dependencies, irreversible steps last', () => {
    const targets = ['inv-db-01', 'inv-app-01', 'rpt-01', 'shop-web-02'];
    const report = checkDecommissionSafety(targets, e.assets, e.deps);
    const archive = planDataRetention(targets, e.assets, e.apps, AS_OF);
    const rb = buildShutdownRunbook(report, e.assets, e.deps, archive, 21);
    expect(rb.excluded).toEqual([]);
    expect(rb.steps[0]).toMatchObject({ kind: 'verify_archive', assetKey: 'inv-db-01' });
    const powerOff = rb.steps.filter((s) => s.kind === 'power_off').map((s) => s.assetKey);
    expect(powerOff.indexOf('inv-app-01')).toBeLessThan(powerOff.indexOf('inv-db-01'));
    expect(powerOff.indexOf('rpt-01')).toBeLessThan(powerOff.indexOf('inv-db-01'));
    const firstIrreversible = rb.steps.findIndex((s) => s.irreversible);
    expect(rb.steps.slice(firstIrreversible).every((s) => s.irreversible)).toBe(true);
    expect(rb.steps.slice(0, firstIrreversible).some((s) => s.kind === 'observe' && s.action.includes('21 days'))).toBe(true);

    const refused = buildShutdownRunbook(checkDecommissionSafety(['shop-db-01'], e.assets, e.deps), e.assets, e.deps, []);
    expect(refused.steps).toEqual([]);
    expect(refused.excluded[0].reason).toContain('dep:shop-web-01->shop-db-01');
  });
});
