import fc from 'fast-check';
import {
  analyseComplexity,
  assessReadiness,
  assessRisk,
  assessTechDebt,
  checkCompliance,
  recommendStrategies,
  STRATEGIES,
} from '../../activities/analysis/assessment';
import { AS_OF, EVIDENCE_ID, app, arbEstate, asset, retailEstate } from './helpers/canonical-fixtures';

function assessAll(e: ReturnType<typeof retailEstate>, overrides: Parameters<typeof recommendStrategies>[7] = []) {
  const readiness = assessReadiness(e.assets, e.deps, AS_OF);
  const compliance = checkCompliance(e.assets, AS_OF);
  const complexity = analyseComplexity(e.apps, e.assets, e.deps);
  const risk = assessRisk(e.apps, e.assets, e.deps, readiness, complexity);
  const strategies = recommendStrategies(e.apps, e.assets, e.deps, readiness, compliance, complexity, risk, overrides);
  return { readiness, compliance, complexity, risk, strategies };
}

describe('readiness', () => {
  const e = retailEstate();
  const byKey = new Map(assessReadiness(e.assets, e.deps, AS_OF).map((r) => [r.assetKey, r]));

  it('marks AIX not ready, EOL Windows conditional and a modern RHEL ready', () => {
    expect(byKey.get('erp-aix-01')!.status).toBe('not_ready');
    expect(byKey.get('erp-aix-01')!.evidence).toEqual(expect.arrayContaining(['asset:erp-aix-01', 'rule:platform-aix', 'rule:eol-aix-71']));
    expect(byKey.get('mail-01')!.status).toBe('conditionally_ready');
    expect(byKey.get('mail-01')!.rationale).toContain('2023-10-10');
    expect(byKey.get('shop-web-01')!.status).toBe('ready');
  });

  it('propagates a not-ready dependency as a condition with the edge as evidence', () => {
    const pay = byKey.get('pay-app-01')!;
    expect(pay.reasons.map((r) => r.code)).toContain('ready-depends-on-not-ready');
    expect(pay.evidence).toContain('dep:pay-app-01->erp-aix-01');
  });

  it('returns unknown when two core fields are missing, and blocks network devices and Windows 2003', () => {
    const result = assessReadiness(
      [
        asset('ghost', { os: null, osFamily: 'unknown', osVersion: null, cpu: null, memoryGb: 8 }),
        asset('sw-01', { assetType: 'network_device' }),
        asset('w2k3', { os: 'Windows Server 2003 R2', osFamily: 'windows', osVersion: null }),
      ],
      [],
      AS_OF,
    );
    expect(result.map((r) => [r.assetKey, r.status])).toEqual([
      ['ghost', 'unknown'],
      ['sw-01', 'not_ready'],
      ['w2k3', 'not_ready'],
    ]);
    expect(result[0].confidence).toBeLessThan(result[1].confidence);
  });
});

describe('compliance', () => {
  it('finds EOL OS and database versions with severity by exposure, and unsupported platforms', () => {
    const findings = checkCompliance(retailEstate().assets, AS_OF);
    const ids = findings.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'eol-win-2012r2:shop-db-01',
        'eol-mssql-2012:shop-db-01',
        'eol-win-2008r2:pay-app-01',
        'platform-aix:erp-aix-01',
        'eol-postgres-13:inv-db-01',
      ]),
    );
    const sev = new Map(findings.map((f) => [f.id, f.severity]));
    expect(sev.get('eol-mssql-2012:shop-db-01')).toBe('critical'); // production
    expect(sev.get('eol-ubuntu-1804:rpt-01')).toBe('high'); // test environment, low criticality
    expect(sev.get('eol-postgres-13:inv-db-01')).toBe('medium'); // nearing EOL (2025-11-13)
    // supported releases produce no finding
    expect(ids.some((id) => id.endsWith(':shop-web-01'))).toBe(false);
    expect(findings[0].severity).toBe('critical');
  });
});

describe('complexity', () => {
  it('scores from a breakdown that sums to the score and cites its inputs', () => {
    const result = analyseComplexity(retailEstate().apps, retailEstate().assets, retailEstate().deps);
    for (const c of result) {
      expect(Math.round(c.breakdown.reduce((s, f) => s + f.points, 0))).toBe(c.score);
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(100);
    }
    const shop = result.find((c) => c.applicationKey === 'web-shop')!;
    const mail = result.find((c) => c.applicationKey === 'intranet-mail')!;
    expect(shop.score).toBeGreaterThan(mail.score);
    expect(shop.breakdown.find((f) => f.factor === 'fan_out')!.detail).toBe('depends on 2 applications (inventory, payments)');
    expect(shop.breakdown.find((f) => f.factor === 'environments')!.points).toBe(4);
    expect(shop.evidence).toContain('dep:shop-web-01->pay-app-01');
  });
});

describe('tech debt', () => {
  it('lists lifecycle, legacy-stack, ownership and resilience items with remediation', () => {
    const erp = assessTechDebt(retailEstate().apps, retailEstate().assets, AS_OF).find((d) => d.applicationKey === 'legacy-erp')!;
    const rules = erp.items.map((i) => i.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['eol-aix-71', 'eol-oracle-11g', 'stack-cobol', 'debt-single-instance']));
    expect(erp.items.find((i) => i.ruleId === 'eol-oracle-11g')!.remediation).toContain('Oracle 19c');
    expect(erp.debtScore).toBeGreaterThanOrEqual(40);
    const noOwner = assessTechDebt([app('orphan', ['x'], { owner: null })], [asset('x', { owner: null })], AS_OF)[0];
    expect(noOwner.items.map((i) => i.ruleId)).toContain('debt-no-owner');
  });
});

describe('risk', () => {
  it('multiplies likelihood by impact and proposes a mitigation per factor', () => {
    const { risk } = assessAll(retailEstate());
    const erp = risk.find((r) => r.applicationKey === 'legacy-erp')!;
    expect(erp.score).toBe(erp.likelihood * erp.impact);
    expect(erp.factors.map((f) => f.code)).toEqual(expect.arrayContaining(['risk-not-ready', 'risk-uncertain-dependencies']));
    expect(erp.mitigations.length).toBeGreaterThanOrEqual(2);
    expect(erp.evidence).toContain('dep:erp-aix-01->pay-db-01');
    const shop = risk.find((r) => r.applicationKey === 'web-shop')!;
    expect(shop.impact).toBe(5);
  });
});

describe('strategy recommendation', () => {
  it('picks strategies from the decision table with target services and cited rules', () => {
    const byApp = new Map(assessAll(retailEstate()).strategies.map((s) => [s.applicationKey, s]));
    expect(byApp.get('old-crm')!.strategy).toBe('retire');
    expect(byApp.get('old-crm')!.evidence).toContain('rule:7r-retire-powered-off');
    expect(byApp.get('intranet-mail')!.strategy).toBe('repurchase');
    expect(byApp.get('intranet-mail')!.targetService).toContain('Exchange Online');
    expect(byApp.get('web-shop')!.strategy).toBe('replatform');
    expect(byApp.get('web-shop')!.targetService).toContain('SQL Server');
    expect(byApp.get('web-shop')!.rationale).toContain('eol-mssql-2012');
    expect(byApp.get('legacy-erp')!.strategy).not.toBe('rehost');
    expect(byApp.get('inventory')!.strategy).toBe('rehost');
    expect(byApp.get('inventory')!.targetService).toBe('Amazon EC2 / Azure Virtual Machines');
  });

  it('lets a past override on a similar application nudge the choice and cites it', () => {
    const e = retailEstate();
    e.apps.push(app('inventory-eu', ['inv-eu-01'], { techStack: ['Node.js 18', 'PostgreSQL 13'] }));
    e.assets.push(asset('inv-eu-01', { os: 'Ubuntu', osVersion: '22.04', applications: ['inventory-eu'] }));
    const before = assessAll(e).strategies.find((s) => s.applicationKey === 'inventory')!;
    expect(before.strategy).toBe('rehost');
    const after = assessAll(e, [{ applicationKey: 'inventory-eu', strategy: 'replatform', reason: 'team standardised on managed PostgreSQL' }])
      .strategies.find((s) => s.applicationKey === 'inventory')!;
    expect(after.strategy).toBe('replatform');
    expect(after.evidence).toContain('app:inventory-eu');
    expect(after.rationale).toContain('team standardised on managed PostgreSQL');
    expect(after.overridesConsidered).toEqual([
      { applicationKey: 'inventory-eu', strategy: 'replatform', reason: 'team standardised on managed PostgreSQL', similarity: 1, nudge: 0.4 },
    ]);
    // an override on a dissimilar application (different criticality) is ignored
    const ignored = assessAll(e, [{ applicationKey: 'web-shop', strategy: 'refactor', reason: 'x' }]).strategies.find((s) => s.applicationKey === 'inventory')!;
    expect(ignored.overridesConsidered).toEqual([]);
  });

  it('honours an override for the same application with high confidence', () => {
    const s = assessAll(retailEstate(), [{ applicationKey: 'reporting', strategy: 'retain', reason: 'regulator requires on-prem' }])
      .strategies.find((x) => x.applicationKey === 'reporting')!;
    expect(s.strategy).toBe('retain');
    expect(s.confidence).toBe(0.95);
  });

  it('is deterministic and well-formed over random estates', () => {
    fc.assert(
      fc.property(arbEstate, (e) => {
        const first = assessAll(e);
        const second = assessAll(structuredClone(e));
        expect(second.strategies).toEqual(first.strategies);
        expect(first.strategies).toHaveLength(e.apps.length);
        for (const s of first.strategies) {
          expect(STRATEGIES).toContain(s.strategy);
          expect(s.confidence).toBeGreaterThanOrEqual(0);
          expect(s.confidence).toBeLessThanOrEqual(1);
          expect(s.rationale.length).toBeGreaterThan(20);
          for (const id of s.evidence) expect(id).toMatch(EVIDENCE_ID);
        }
        for (const r of first.readiness) for (const id of r.evidence) expect(id).toMatch(EVIDENCE_ID);
      }),
      { numRuns: 60 },
    );
  });
});
