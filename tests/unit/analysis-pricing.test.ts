import { DEFAULT_PRICING, cloudMonthlyCost, migrationCost, onPremMonthlyCost, pickInstance, rightsize } from '../../activities/analysis/pricing';
import { asset } from './helpers/canonical-fixtures';

describe('pricing tables', () => {
  it('uses the imported monthly cost when present, otherwise estimates from size', () => {
    expect(onPremMonthlyCost(asset('a', { monthlyCost: 999.5 }))).toEqual({ monthly: 999.5, estimated: false, basis: 'imported monthly cost' });
    const est = onPremMonthlyCost(asset('b', { cpu: 4, memoryGb: 16, storageGb: 200 }));
    expect(est.estimated).toBe(true);
    expect(est.monthly).toBe(4 * 28 + 16 * 4.5 + 200 * 0.15 + 45);
  });

  it('picks the cheapest instance that fits', () => {
    expect(pickInstance(3, 10)!.name).toBe('m6i.xlarge');
    expect(pickInstance(2, 3)!.name).toBe('t3.medium');
    expect(pickInstance(500, 10)).toBeNull();
  });

  it('adds the Windows licence and managed-database premium', () => {
    const m = pickInstance(4, 16)!;
    const linux = cloudMonthlyCost(m, { storageGb: 0, osFamily: 'linux' }, false);
    expect(linux).toBeCloseTo(0.192 * 730, 2);
    expect(cloudMonthlyCost(m, { storageGb: 0, osFamily: 'windows' }, false)).toBeCloseTo((0.192 + 4 * 0.046) * 730, 2);
    expect(cloudMonthlyCost(m, { storageGb: 100, osFamily: 'linux' }, true)).toBeCloseTo(0.192 * 730 * 1.4 + 8, 2);
  });

  it('costs migration labour by strategy', () => {
    const c = migrationCost('replatform', [{ storageGb: 1000 }, { storageGb: 500 }]);
    expect(c.labourHours).toBe(80 + 2 * 40);
    expect(c.total).toBe(160 * 120 + 1500 * 0.02);
    expect(migrationCost('retain', [{ storageGb: 1000 }]).transfer).toBe(0);
  });
});

describe('rightsize', () => {
  it('sizes from utilisation with 30% headroom and reports the saving', () => {
    const r = rightsize(asset('big', { cpu: 16, memoryGb: 64, cpuUtilPct: 10, memoryUtilPct: 20 }));
    expect(r.requiredVcpu).toBe(2.08);
    expect(r.requiredMemoryGb).toBe(16.64);
    expect(r.likeForLike!.name).toBe('m6i.4xlarge');
    expect(r.target!.name).toBe('r6i.xlarge');
    expect(r.monthlySaving).toBeCloseTo(r.likeForLikeMonthly! - r.targetMonthly!, 2);
    expect(r.rationale).toContain('10% CPU');
    expect(r.rationale).toContain('r6i.xlarge');
  });

  it('keeps like-for-like without utilisation, never upsizes, and refuses without allocation', () => {
    const noUtil = rightsize(asset('n', { cpu: 4, memoryGb: 16, cpuUtilPct: null, memoryUtilPct: null }));
    expect(noUtil.target!.name).toBe(noUtil.likeForLike!.name);
    expect(noUtil.monthlySaving).toBe(0);
    expect(noUtil.confidence).toBeLessThan(0.5);
    const hot = rightsize(asset('h', { cpu: 4, memoryGb: 16, cpuUtilPct: 95, memoryUtilPct: 95 }));
    expect(hot.requiredVcpu).toBe(4);
    expect(hot.target!.vcpu).toBeLessThanOrEqual(4);
    const none = rightsize(asset('x', { cpu: null }));
    expect(none.target).toBeNull();
    expect(none.confidence).toBe(0.1);
  });

  it('has a catalogue with unique names', () => {
    const names = DEFAULT_PRICING.cloud.instances.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
