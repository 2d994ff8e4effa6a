import { analyseCosts, forecastBudget, identifyOptimisations } from '../../activities/analysis/finops';
import { asset, retailEstate } from './helpers/canonical-fixtures';

describe('finops', () => {
  const e = retailEstate();
  const costs = analyseCosts(e.assets, e.apps);

  it('allocates cost by application, environment and owner, imported or estimated', () => {
    const shop = costs.byApplication.find((b) => b.key === 'web-shop')!;
    // shop-db-01 imported 2400 + two estimated 8 vCPU / 32 GB / 200 GB web servers at 443 each
    expect(shop.monthlyCost).toBe(2400 + 2 * (8 * 28 + 32 * 4.5 + 200 * 0.15 + 45));
    expect(costs.byApplication.reduce((s, b) => s + b.monthlyCost, 0)).toBeCloseTo(costs.totalMonthly, 1);
    expect(costs.byEnvironment.map((b) => b.key).sort()).toEqual(['production', 'test']);
    expect(costs.lines.find((l) => l.assetKey === 'crm-01')).toMatchObject({ monthlyCost: 310, estimated: false });
  });

  it('splits a shared asset across its applications', () => {
    const shared = analyseCosts([asset('s', { monthlyCost: 100, applications: ['x', 'y'] })], [
      { key: 'x', name: 'x', owner: null, criticality: 'low', tier: 'tier3', techStack: [], environments: [], assetKeys: [] },
      { key: 'y', name: 'y', owner: null, criticality: 'low', tier: 'tier3', techStack: [], environments: [], assetKeys: [] },
    ]);
    expect(shared.byApplication.map((b) => [b.key, b.monthlyCost])).toEqual([['x', 50], ['y', 50]]);
  });

  it('finds zombies, idle assets, rightsizing and commitments, prioritised by saving × confidence', () => {
    const ops = identifyOptimisations(e.assets);
    const byId = new Map(ops.map((o) => [o.id, o]));
    expect(byId.get('finops-zombie:crm-01')!.monthlySaving).toBe(310);
    expect(byId.get('finops-idle:rpt-01')!.rationale).toContain('3% CPU');
    expect(byId.get('finops-rightsize:shop-web-01')!.monthlySaving).toBeGreaterThan(0);
    expect(byId.get('finops-commitment:shop-db-01')!.rationale).toContain('55% CPU');
    // exclusive actions: an idle asset is not also rightsized; a non-x86 asset gets no cloud commitment
    expect(byId.has('finops-rightsize:rpt-01')).toBe(false);
    expect(byId.has('finops-commitment:erp-aix-01')).toBe(false);
    for (let i = 1; i < ops.length; i++) expect(ops[i - 1].priorityScore).toBeGreaterThanOrEqual(ops[i].priorityScore);
    for (const o of ops) expect(o.priorityScore).toBeCloseTo(o.monthlySaving * o.confidence, 1);
  });

  it('forecasts a budget with growth, ramped savings and LLM spend', () => {
    const ops = identifyOptimisations(e.assets);
    const f = forecastBudget(costs, ops, { months: 4, startMonth: '2025-11', monthlyGrowthPct: 1, llmMonthlySpend: 250, adoption: 0.8, rampMonths: 2, contingencyPct: 10 });
    expect(f.months.map((m) => m.month)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(f.months[0].infrastructure).toBe(costs.totalMonthly);
    expect(f.months[1].infrastructure).toBeCloseTo(costs.totalMonthly * 1.01, 1);
    expect(f.months[0].savings).toBeCloseTo(f.months[1].savings / 2, 1);
    expect(f.months[2].savings).toBe(f.months[1].savings);
    for (const m of f.months) {
      expect(m.llm).toBe(250);
      expect(m.total).toBeCloseTo(m.infrastructure - m.savings + 250, 1);
    }
    expect(f.budgetWithContingency).toBeCloseTo(f.total * 1.1, 1);
    expect(f.rationale).toContain('LLM spend 250/month');
  });
});
