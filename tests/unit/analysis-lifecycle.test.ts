import { LIFECYCLE_RULES, matchLifecycleRule, matchLifecycleRules, matchPlatformRules } from '../../activities/analysis/rules/lifecycle';

describe('lifecycle rules', () => {
  it('distinguishes Windows Server 2008 from 2008 R2 and 2012 from 2012 R2', () => {
    expect(matchLifecycleRule('windows', 'Microsoft Windows Server 2008 R2 (64-bit)', null, '2025-01-01')?.rule.id).toBe('eol-win-2008r2');
    expect(matchLifecycleRule('windows', 'Windows Server 2008', 'SP2', '2025-01-01')?.rule.id).toBe('eol-win-2008');
    expect(matchLifecycleRule('windows', 'Windows Server', '2012 R2', '2025-01-01')?.rule.id).toBe('eol-win-2012r2');
    expect(matchLifecycleRule('windows', 'Windows Server 2012 Standard', null, '2025-01-01')?.rule.id).toBe('eol-win-2012');
  });

  it('reports status and days remaining relative to asOf', () => {
    const past = matchLifecycleRule('linux', 'Red Hat Enterprise Linux', '7.9', '2025-01-01')!;
    expect(past.rule.id).toBe('eol-rhel-7');
    expect(past.status).toBe('eol');
    expect(past.daysRemaining).toBe(-185); // 2024-06-30 → 2025-01-01
    const nearing = matchLifecycleRule('windows', 'Windows Server 2016', null, '2026-06-01')!;
    expect(nearing.status).toBe('nearing_eol');
    expect(nearing.daysRemaining).toBe(225);
    expect(matchLifecycleRule('windows', 'Windows Server 2022', null, '2026-06-01')!.status).toBe('supported');
  });

  it('does not confuse minor versions with major ones', () => {
    expect(matchLifecycleRule('linux', 'RHEL', '8.5', '2025-01-01')?.rule.id).toBe('eol-rhel-8');
    expect(matchLifecycleRule('linux', 'CentOS Linux', '7.9.2009', '2025-01-01')?.rule.id).toBe('eol-centos-7');
    expect(matchLifecycleRule('linux', 'Ubuntu', '20.04.6 LTS', '2025-01-01')?.rule.id).toBe('eol-ubuntu-2004');
    expect(matchLifecycleRule('linux', 'SLES', '12 SP5', '2025-01-01')?.rule.id).toBe('eol-sles-12');
  });

  it('falls back to database rules for engines in the OS columns, and keeps Oracle Linux an OS', () => {
    expect(matchLifecycleRule('unknown', 'Microsoft SQL Server 2014', null, '2025-01-01')?.rule.id).toBe('eol-mssql-2014');
    expect(matchLifecycleRule('linux', 'Oracle Linux Server', '7.9', '2025-01-01')?.rule.id).toBe('eol-oel-7');
    expect(matchLifecycleRules('Oracle Database 11g Enterprise Edition', '2025-01-01').map((m) => m.rule.id)).toEqual(['eol-oracle-11g']);
    expect(matchLifecycleRules('PostgreSQL 10.4', '2025-01-01').map((m) => m.rule.id)).toEqual(['eol-postgres-10']);
    expect(matchLifecycleRules('MySQL 8.0.36', '2025-01-01').map((m) => m.rule.id)).toEqual(['eol-mysql-80']);
  });

  it('has unique rule ids and valid ISO end dates', () => {
    const ids = LIFECYCLE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of LIFECYCLE_RULES) expect(Number.isNaN(Date.parse(r.endOfSupport))).toBe(false);
  });

  it('flags non-x86 platforms as blockers and 32-bit as a condition, but not x86_64', () => {
    expect(matchPlatformRules('IBM AIX', '7.2').map((r) => [r.id, r.severity])).toEqual([['platform-aix', 'blocker']]);
    expect(matchPlatformRules('Oracle Solaris 10', null).map((r) => r.id)).toEqual(['platform-solaris']);
    expect(matchPlatformRules('HP-UX', '11i v3').map((r) => r.id)).toEqual(['platform-hpux']);
    expect(matchPlatformRules('Windows Server 2008 (32-bit)', null).map((r) => [r.id, r.severity])).toEqual([['platform-32bit', 'condition']]);
    expect(matchPlatformRules('CentOS 7 x86_64', null)).toEqual([]);
  });
});
