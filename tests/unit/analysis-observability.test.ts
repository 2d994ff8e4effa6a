import { buildAlertRules, defineSlos, planLogging } from '../../activities/analysis/observability';
import { toYaml } from '../../activities/analysis/yaml';
import { app, retailEstate } from './helpers/canonical-fixtures';

// js-yaml ships with jest's toolchain; used here only to prove the emitted text is valid YAML.
const yaml = require('js-yaml') as { load: (s: string) => unknown };

describe('observability', () => {
  const e = retailEstate();
  const slos = defineSlos(e.apps);

  it('derives SLOs from criticality and tier', () => {
    const shop = slos.find((s) => s.applicationKey === 'web-shop')!;
    expect(shop.slos.map((s) => [s.sli, s.objective])).toEqual([
      ['availability', 99.95],
      ['latency_p95', 300],
      ['error_rate', 0.1],
    ]);
    expect(shop.errorBudgetMinutes).toBe(21.6);
    expect(slos.find((s) => s.applicationKey === 'reporting')!.slos[0].objective).toBe(99);
  });

  it('plans log retention, with 7-year audit for financial applications', () => {
    const plans = new Map(planLogging(e.apps, e.assets).map((p) => [p.applicationKey, p]));
    const pay = plans.get('payments')!;
    expect(pay.streams.find((s) => s.source === 'audit')).toMatchObject({ retentionDays: 2555, ruleId: 'log-audit-financial' });
    expect(pay.streams.find((s) => s.source === 'database')!.assetKeys).toEqual(['pay-db-01']);
    expect(plans.get('web-shop')!.streams.find((s) => s.source === 'application')).toMatchObject({ hotDays: 90, retentionDays: 365 });
    expect(plans.get('reporting')!.streams.find((s) => s.source === 'audit')!.retentionDays).toBe(365);
  });

  it('renders Prometheus rule groups as valid YAML that round-trips to the groups', () => {
    const set = buildAlertRules(e.apps, slos);
    const parsed = yaml.load(set.yaml) as { groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] };
    expect(parsed).toEqual(JSON.parse(JSON.stringify({ groups: set.groups })));
    const shop = parsed.groups.find((g) => g.name === 'web-shop-slo')!;
    const fast = shop.rules.find((r) => r.alert === 'WebShopErrorBudgetFastBurn')!;
    expect(fast.labels.severity).toBe('page');
    expect(fast.expr).toContain('probe_success{app="web-shop"}[1h]');
    expect(fast.expr).toContain('14.4 * 0.0005');
    expect(shop.rules.find((r) => r.alert === 'WebShopLatencyP95High')!.expr).toMatch(/> 0\.3$/);
    const mail = parsed.groups.find((g) => g.name === 'intranet-mail-slo')!;
    expect(mail.rules.every((r) => r.labels.severity === 'ticket')).toBe(true);
  });

  it('escapes awkward names safely', () => {
    const weird = app('q"a: #1', [], { name: 'Quote "and" colon: # hash' });
    const set = buildAlertRules([weird], defineSlos([weird]));
    const parsed = yaml.load(set.yaml) as { groups: { name: string; rules: { labels: { app: string } }[] }[] };
    expect(parsed.groups[0].name).toBe('q"a: #1-slo');
    expect(parsed.groups[0].rules[0].labels.app).toBe('q"a: #1');
    expect(yaml.load(toYaml({ a: [], b: {}, c: [1, 'x', null, true], d: [{ e: 'f' }] }))).toEqual({ a: [], b: {}, c: [1, 'x', null, true], d: [{ e: 'f' }] });
  });
});
