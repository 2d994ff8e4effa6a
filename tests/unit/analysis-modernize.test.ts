import { designTargetArchitecture, identifyModernizationOpportunities, planModernizationBacklog } from '../../activities/analysis/modernize';
import { app, asset, dep, retailEstate } from './helpers/canonical-fixtures';

describe('modernization', () => {
  const e = retailEstate();
  const ops = identifyModernizationOpportunities(e.apps, e.assets, e.deps);
  const ids = ops.map((o) => o.id);

  it('finds opportunities from stack, size and utilisation', () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        'mod-containerise:web-shop',
        'mod-managed-db:web-shop',
        'mod-containerise-windows:payments',
        'mod-serverless-batch:reporting',
        'mod-serverless-idle:reporting',
      ]),
    );
    // .NET Framework is not Linux-container friendly: no plain containerise for payments
    expect(ids).not.toContain('mod-containerise:payments');
    const db = ops.find((o) => o.id === 'mod-managed-db:web-shop')!;
    expect(db.targetService).toBe('Amazon RDS for SQL Server / Azure SQL Managed Instance');
    expect(db.effort).toBe('L'); // 2048 GB SQL Server
    expect(db.rationale).toContain('2048 GB');
  });

  it('proposes decomposition for a large hub with many dependents', () => {
    const apps = [app('core', ['core-01'], { techStack: ['Java 11'] }), app('a', ['a1']), app('b', ['b1']), app('c', ['c1'])];
    const assets = [asset('core-01', { cpu: 32, memoryGb: 128 }), asset('a1'), asset('b1'), asset('c1')];
    const deps = [dep('a1', 'core-01'), dep('b1', 'core-01'), dep('c1', 'core-01')];
    const found = identifyModernizationOpportunities(apps, assets, deps).find((o) => o.kind === 'decomposition')!;
    expect(found.applicationKey).toBe('core');
    expect(found.evidence).toEqual(expect.arrayContaining(['app:a', 'app:b', 'app:c', 'rule:mod-decompose']));
  });

  it('designs a target architecture whose connections come from the dependencies', () => {
    const arch = designTargetArchitecture(e.apps[0], e.assets, e.deps, ops);
    expect(arch.components.map((c) => c.role)).toEqual(['edge', 'compute', 'database', 'observability']);
    expect(arch.connections).toContainEqual({
      from: 'web-shop-containerise',
      to: 'web-shop-managed-database',
      evidence: ['dep:shop-web-01->shop-db-01', 'dep:shop-web-02->shop-db-01'],
    });
    expect(arch.patterns[0]).toBe('multi-AZ deployment (critical criticality)');
  });

  it('builds a backlog with Fibonacci story points scaled by effort', () => {
    const b = planModernizationBacklog(ops, 30);
    expect(b.epics).toHaveLength(ops.length);
    expect(b.totalPoints).toBe(b.epics.reduce((s, x) => s + x.points, 0));
    expect(b.sprints).toBe(Math.ceil(b.totalPoints / 30));
    for (const s of b.epics.flatMap((x) => x.stories)) expect([1, 2, 3, 5, 8, 13, 21]).toContain(s.points);
    const small = b.epics.find((x) => x.opportunityId === 'mod-containerise:web-shop')!;
    const large = b.epics.find((x) => x.opportunityId === 'mod-containerise-windows:payments')!;
    expect(large.points).toBeGreaterThan(small.points);
  });
});
