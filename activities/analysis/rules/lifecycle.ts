/**
 * End-of-life table for operating systems and database engines, and platform rules for systems that cannot
 * be rehosted on x86 cloud instances. Dates are the vendor's last date of security fixes for the release
 * (extended support for Windows/SQL Server, maintenance support for RHEL, standard support for Ubuntu/SLES,
 * community EOL for MySQL/PostgreSQL). Paid add-ons (ESU, ELS, Ubuntu Pro) are deliberately ignored: they buy
 * time but do not change that the release is out of mainstream support.
 */
import type { OsFamily } from '../model';
import { osText } from '../evidence';
import { daysBetween } from '../dates';

export interface LifecycleRule {
  id: string;
  kind: 'os' | 'database';
  /** OS family an OS rule belongs to; null for database engines (they run on any OS). */
  osFamily: OsFamily | null;
  product: string;
  /** Tested against the lower-cased, whitespace-normalised "os osVersion" text (or a stack entry). */
  pattern: RegExp;
  endOfSupport: string;
  /** The supported release to move to; used in remediation hints. */
  upgradeTo: string;
  /**
   * False where no major cloud provider accepts the release for VM import any more, so the workload has to be
   * rebuilt on a newer release rather than lifted as-is.
   */
  cloudImportSupported: boolean;
}

export type LifecycleStatus = 'supported' | 'nearing_eol' | 'eol';

export interface LifecycleMatch {
  rule: LifecycleRule;
  status: LifecycleStatus;
  /** Days from asOf to end of support; negative once past it. */
  daysRemaining: number;
}

/** Within this many days of end of support a release is flagged so the upgrade can be planned with the move. */
export const NEARING_EOL_DAYS = 365;

const os = (
  id: string,
  osFamily: OsFamily,
  product: string,
  pattern: RegExp,
  endOfSupport: string,
  upgradeTo: string,
  cloudImportSupported = true,
): LifecycleRule => ({ id, kind: 'os', osFamily, product, pattern, endOfSupport, upgradeTo, cloudImportSupported });

const db = (id: string, product: string, pattern: RegExp, endOfSupport: string, upgradeTo: string): LifecycleRule => ({
  id,
  kind: 'database',
  osFamily: null,
  product,
  pattern,
  endOfSupport,
  upgradeTo,
  cloudImportSupported: true,
});

const WIN = 'windows(?: server)?\\s*';
const RHEL = '(?:red ?hat enterprise linux|rhel)(?: server)?\\s*(?:release\\s*)?';
const CENTOS = 'centos(?: linux)?\\s*(?:release\\s*)?';
const UBUNTU = 'ubuntu(?: server)?(?: linux)?(?: lts)?\\s*';
const SLES = '(?:suse linux enterprise server|sles)\\s*';
const OL = 'oracle linux(?: server)?\\s*(?:release\\s*)?';
const MSSQL = '(?:microsoft )?sql server\\s*';
const ORACLE = 'oracle(?: database| db)?(?: enterprise edition| standard edition)?\\s*';
const MYSQL = 'mysql(?: server| community server| enterprise)?\\s*';
const PG = '(?:postgresql|postgres)\\s*';
const re = (prefix: string, version: string): RegExp => new RegExp(`${prefix}${version}`);

export const LIFECYCLE_RULES: readonly LifecycleRule[] = [
  // Windows Server: extended support end dates. 2003/2008 images are no longer accepted by cloud VM import.
  os('eol-win-2003', 'windows', 'Windows Server 2003', re(WIN, '2003'), '2015-07-14', 'Windows Server 2022', false),
  os('eol-win-2008r2', 'windows', 'Windows Server 2008 R2', re(WIN, '2008\\s*r2'), '2020-01-14', 'Windows Server 2022'),
  os('eol-win-2008', 'windows', 'Windows Server 2008', re(WIN, '2008(?!\\s*r2)'), '2020-01-14', 'Windows Server 2022'),
  os('eol-win-2012r2', 'windows', 'Windows Server 2012 R2', re(WIN, '2012\\s*r2'), '2023-10-10', 'Windows Server 2022'),
  os('eol-win-2012', 'windows', 'Windows Server 2012', re(WIN, '2012(?!\\s*r2)'), '2023-10-10', 'Windows Server 2022'),
  os('eol-win-2016', 'windows', 'Windows Server 2016', re(WIN, '2016'), '2027-01-12', 'Windows Server 2022'),
  os('eol-win-2019', 'windows', 'Windows Server 2019', re(WIN, '2019'), '2029-01-09', 'Windows Server 2022'),
  os('eol-win-2022', 'windows', 'Windows Server 2022', re(WIN, '2022'), '2031-10-14', 'Windows Server 2025'),
  // RHEL: end of maintenance support. RHEL 5 predates the virtio/ENA drivers cloud import requires.
  os('eol-rhel-5', 'linux', 'RHEL 5', re(RHEL, '5(?:\\.\\d+)?(?!\\d)'), '2017-03-31', 'RHEL 9', false),
  os('eol-rhel-6', 'linux', 'RHEL 6', re(RHEL, '6(?:\\.\\d+)?(?!\\d)'), '2020-11-30', 'RHEL 9'),
  os('eol-rhel-7', 'linux', 'RHEL 7', re(RHEL, '7(?:\\.\\d+)?(?!\\d)'), '2024-06-30', 'RHEL 9'),
  os('eol-rhel-8', 'linux', 'RHEL 8', re(RHEL, '8(?:\\.\\d+)?(?!\\d)'), '2029-05-31', 'RHEL 9'),
  os('eol-rhel-9', 'linux', 'RHEL 9', re(RHEL, '9(?:\\.\\d+)?(?!\\d)'), '2032-05-31', 'RHEL 10'),
  os('eol-centos-6', 'linux', 'CentOS 6', re(CENTOS, '6(?:\\.\\d+)?(?!\\d)'), '2020-11-30', 'RHEL 9 or a rebuild (Rocky/Alma 9)'),
  os('eol-centos-7', 'linux', 'CentOS 7', re(CENTOS, '7(?:\\.\\d+)?(?!\\d)'), '2024-06-30', 'RHEL 9 or a rebuild (Rocky/Alma 9)'),
  os('eol-centos-8', 'linux', 'CentOS 8', re(CENTOS, '8(?:\\.\\d+)?(?!\\d)'), '2021-12-31', 'RHEL 9 or a rebuild (Rocky/Alma 9)'),
  os('eol-oel-6', 'linux', 'Oracle Linux 6', re(OL, '6(?:\\.\\d+)?(?!\\d)'), '2021-03-01', 'Oracle Linux 9'),
  os('eol-oel-7', 'linux', 'Oracle Linux 7', re(OL, '7(?:\\.\\d+)?(?!\\d)'), '2024-12-31', 'Oracle Linux 9'),
  os('eol-oel-8', 'linux', 'Oracle Linux 8', re(OL, '8(?:\\.\\d+)?(?!\\d)'), '2029-07-31', 'Oracle Linux 9'),
  // Ubuntu LTS: end of standard support.
  os('eol-ubuntu-1404', 'linux', 'Ubuntu 14.04 LTS', re(UBUNTU, '14\\.04'), '2019-04-30', 'Ubuntu 24.04 LTS'),
  os('eol-ubuntu-1604', 'linux', 'Ubuntu 16.04 LTS', re(UBUNTU, '16\\.04'), '2021-04-30', 'Ubuntu 24.04 LTS'),
  os('eol-ubuntu-1804', 'linux', 'Ubuntu 18.04 LTS', re(UBUNTU, '18\\.04'), '2023-05-31', 'Ubuntu 24.04 LTS'),
  os('eol-ubuntu-2004', 'linux', 'Ubuntu 20.04 LTS', re(UBUNTU, '20\\.04'), '2025-05-31', 'Ubuntu 24.04 LTS'),
  os('eol-ubuntu-2204', 'linux', 'Ubuntu 22.04 LTS', re(UBUNTU, '22\\.04'), '2027-04-30', 'Ubuntu 24.04 LTS'),
  os('eol-ubuntu-2404', 'linux', 'Ubuntu 24.04 LTS', re(UBUNTU, '24\\.04'), '2029-05-31', 'Ubuntu 26.04 LTS'),
  // SLES: end of general support.
  os('eol-sles-11', 'linux', 'SLES 11', re(SLES, '11(?!\\d)'), '2019-03-31', 'SLES 15'),
  os('eol-sles-12', 'linux', 'SLES 12', re(SLES, '12(?!\\d)'), '2024-10-31', 'SLES 15'),
  os('eol-sles-15', 'linux', 'SLES 15', re(SLES, '15(?!\\d)'), '2031-07-31', 'SLES 16'),
  // UNIX: end of standard support. These are also caught by the platform rules below.
  os('eol-aix-61', 'unix', 'AIX 6.1', /\baix\s*(?:version\s*)?6\.1/, '2017-04-30', 'AIX 7.3'),
  os('eol-aix-71', 'unix', 'AIX 7.1', /\baix\s*(?:version\s*)?7\.1/, '2023-04-30', 'AIX 7.3'),
  os('eol-aix-72', 'unix', 'AIX 7.2', /\baix\s*(?:version\s*)?7\.2/, '2026-04-30', 'AIX 7.3'),
  os('eol-solaris-10', 'unix', 'Solaris 10', /(?:solaris\s*10|sunos\s*5\.10)(?!\d)/, '2024-01-31', 'Solaris 11.4'),
  os('eol-solaris-11', 'unix', 'Solaris 11.4', /(?:solaris\s*11|sunos\s*5\.11)(?!\d)/, '2034-11-30', 'a Linux port'),
  // SQL Server: extended support end dates (2008 and 2008 R2 share one).
  db('eol-mssql-2008', 'SQL Server 2008/2008 R2', re(MSSQL, '2008'), '2019-07-09', 'SQL Server 2022 or a managed SQL service'),
  db('eol-mssql-2012', 'SQL Server 2012', re(MSSQL, '2012'), '2022-07-12', 'SQL Server 2022 or a managed SQL service'),
  db('eol-mssql-2014', 'SQL Server 2014', re(MSSQL, '2014'), '2024-07-09', 'SQL Server 2022 or a managed SQL service'),
  db('eol-mssql-2016', 'SQL Server 2016', re(MSSQL, '2016'), '2026-07-14', 'SQL Server 2022 or a managed SQL service'),
  db('eol-mssql-2017', 'SQL Server 2017', re(MSSQL, '2017'), '2027-10-12', 'SQL Server 2022 or a managed SQL service'),
  db('eol-mssql-2019', 'SQL Server 2019', re(MSSQL, '2019'), '2030-01-08', 'SQL Server 2022 or a managed SQL service'),
  db('eol-mssql-2022', 'SQL Server 2022', re(MSSQL, '2022'), '2033-01-11', 'a managed SQL service'),
  // Oracle Database: end of extended support (12.2 and 18c were short-lived).
  db('eol-oracle-11g', 'Oracle Database 11g', re(ORACLE, '(?:11g|11\\.[12])'), '2020-12-31', 'Oracle 19c'),
  db('eol-oracle-12c', 'Oracle Database 12c', re(ORACLE, '(?:12c|12\\.[12])'), '2022-07-31', 'Oracle 19c'),
  db('eol-oracle-18c', 'Oracle Database 18c', re(ORACLE, '(?:18c|18\\.\\d)'), '2021-06-30', 'Oracle 19c'),
  db('eol-oracle-19c', 'Oracle Database 19c', re(ORACLE, '(?:19c|19\\.\\d)'), '2032-12-31', 'Oracle 23ai'),
  // MySQL and PostgreSQL: community end of life.
  db('eol-mysql-55', 'MySQL 5.5', re(MYSQL, '5\\.5'), '2018-12-31', 'MySQL 8.4 LTS'),
  db('eol-mysql-56', 'MySQL 5.6', re(MYSQL, '5\\.6'), '2021-02-28', 'MySQL 8.4 LTS'),
  db('eol-mysql-57', 'MySQL 5.7', re(MYSQL, '5\\.7'), '2023-10-31', 'MySQL 8.4 LTS'),
  db('eol-mysql-80', 'MySQL 8.0', re(MYSQL, '8\\.0'), '2026-04-30', 'MySQL 8.4 LTS'),
  db('eol-mysql-84', 'MySQL 8.4 LTS', re(MYSQL, '8\\.4'), '2032-04-30', 'the next MySQL LTS'),
  db('eol-postgres-96', 'PostgreSQL 9.6', re(PG, '9\\.6'), '2021-11-11', 'PostgreSQL 17'),
  db('eol-postgres-10', 'PostgreSQL 10', re(PG, '10(?:\\.\\d+)?(?!\\d)'), '2022-11-10', 'PostgreSQL 17'),
  db('eol-postgres-11', 'PostgreSQL 11', re(PG, '11(?:\\.\\d+)?(?!\\d)'), '2023-11-09', 'PostgreSQL 17'),
  db('eol-postgres-12', 'PostgreSQL 12', re(PG, '12(?:\\.\\d+)?(?!\\d)'), '2024-11-21', 'PostgreSQL 17'),
  db('eol-postgres-13', 'PostgreSQL 13', re(PG, '13(?:\\.\\d+)?(?!\\d)'), '2025-11-13', 'PostgreSQL 17'),
  db('eol-postgres-14', 'PostgreSQL 14', re(PG, '14(?:\\.\\d+)?(?!\\d)'), '2026-11-12', 'PostgreSQL 17'),
  db('eol-postgres-15', 'PostgreSQL 15', re(PG, '15(?:\\.\\d+)?(?!\\d)'), '2027-11-11', 'PostgreSQL 17'),
  db('eol-postgres-16', 'PostgreSQL 16', re(PG, '16(?:\\.\\d+)?(?!\\d)'), '2028-11-09', 'PostgreSQL 17'),
  db('eol-postgres-17', 'PostgreSQL 17', re(PG, '17(?:\\.\\d+)?(?!\\d)'), '2029-11-08', 'PostgreSQL 18'),
];

function toMatch(rule: LifecycleRule, asOf: string): LifecycleMatch {
  const daysRemaining = daysBetween(asOf, rule.endOfSupport);
  const status: LifecycleStatus = daysRemaining < 0 ? 'eol' : daysRemaining <= NEARING_EOL_DAYS ? 'nearing_eol' : 'supported';
  return { rule, status, daysRemaining };
}

/** Every lifecycle rule (OS and database) whose pattern matches free text, e.g. a tech-stack entry. */
export function matchLifecycleRules(text: string, asOf: string): LifecycleMatch[] {
  const normalised = text.toLowerCase().replace(/\s+/g, ' ').trim();
  return LIFECYCLE_RULES.filter((r) => r.pattern.test(normalised)).map((r) => toMatch(r, asOf));
}

/**
 * The lifecycle rule for an asset's OS fields. OS rules are restricted to the asset's family when it is known
 * (so "Oracle Linux" never matches a database rule meant for Windows hosts); if no OS rule matches, a database
 * rule is tried because database assets often carry the engine in the OS columns.
 */
export function matchLifecycleRule(
  osFamily: OsFamily,
  os: string | null,
  osVersion: string | null,
  asOf: string,
): LifecycleMatch | null {
  const text = osText(os, osVersion);
  if (text === '') return null;
  const familyKnown = osFamily !== 'unknown' && osFamily !== 'other';
  const osRule = LIFECYCLE_RULES.find(
    (r) => r.kind === 'os' && (!familyKnown || r.osFamily === osFamily) && r.pattern.test(text),
  );
  const rule = osRule ?? LIFECYCLE_RULES.find((r) => r.kind === 'database' && r.pattern.test(text));
  return rule ? toMatch(rule, asOf) : null;
}

export interface PlatformRule {
  id: string;
  title: string;
  pattern: RegExp;
  /** blocker: cannot be rehosted on x86 cloud instances at all; condition: rehostable after a rebuild step. */
  severity: 'blocker' | 'condition';
  remediation: string;
}

export const PLATFORM_RULES: readonly PlatformRule[] = [
  {
    id: 'platform-aix',
    title: 'IBM AIX runs on POWER processors; x86 cloud instances cannot run it',
    pattern: /\baix\b/,
    severity: 'blocker',
    remediation: 'relocate to IBM Power Virtual Server or port the workload to Linux (replatform)',
  },
  {
    id: 'platform-solaris',
    title: 'Oracle Solaris (SPARC) has no image on the major x86 clouds',
    pattern: /\b(?:solaris|sunos)\b/,
    severity: 'blocker',
    remediation: 'port to Linux (replatform) or retain on-premises until the application is replaced',
  },
  {
    id: 'platform-hpux',
    title: 'HP-UX runs on Itanium/PA-RISC; no cloud provider offers it',
    pattern: /\bhp-?ux\b/,
    severity: 'blocker',
    remediation: 'port to Linux (replatform) or retain on-premises until the application is replaced',
  },
  {
    id: 'platform-mainframe',
    title: 'Mainframe / midrange operating systems (z/OS, IBM i) cannot be rehosted on x86',
    pattern: /\b(?:z\/os|os\/390|ibm i|os\/400|as\/?400|mvs)\b/,
    severity: 'blocker',
    remediation: 'refactor or use a mainframe rehosting runtime; otherwise retain',
  },
  {
    id: 'platform-32bit',
    title: '32-bit operating system: cloud providers no longer publish or import 32-bit images',
    pattern: /(?:\b32-?bit\b|\bx86(?![_-]64)\b|\bi[3-6]86\b)/,
    severity: 'condition',
    remediation: 'rebuild on a 64-bit release before or during the move',
  },
];

/** Platform rules that apply to an asset's OS fields (for unix assets the family alone is not enough). */
export function matchPlatformRules(os: string | null, osVersion: string | null): PlatformRule[] {
  const text = osText(os, osVersion);
  return text === '' ? [] : PLATFORM_RULES.filter((r) => r.pattern.test(text));
}
