/**
 * Knowledge about technology-stack entries, as one table shared by complexity, tech debt, 7R and
 * modernization rules. Stack entries are free text from the CMDB ("Java 8", "IIS / ASP.NET", "Oracle 12c"),
 * so each trait is a pattern over the lower-cased entry; an entry may carry several traits ("Java 7" is both
 * a JVM runtime and a legacy one).
 */

export type StackCategory = 'runtime' | 'database' | 'middleware' | 'legacy' | 'commercial' | 'platform' | 'batch';
export type DbEngine = 'sqlserver' | 'oracle' | 'mysql' | 'postgresql' | 'mongodb';

export interface StackTrait {
  id: string;
  label: string;
  pattern: RegExp;
  category: StackCategory;
  /** Contribution (0–10) of one such entry to the stack factor of the complexity score. */
  complexity: number;
  /** Runs well in Linux containers without a rewrite. */
  containerFriendly: boolean;
  dbEngine?: DbEngine;
  /** Present for debt: what to do about it. */
  debtHint?: string;
  /** Present for commodity software with an established SaaS replacement. */
  saas?: string;
}

const t = (
  id: string,
  label: string,
  pattern: RegExp,
  category: StackCategory,
  complexity: number,
  containerFriendly: boolean,
  extra: Partial<Pick<StackTrait, 'dbEngine' | 'debtHint' | 'saas'>> = {},
): StackTrait => ({ id, label, pattern, category, complexity, containerFriendly, ...extra });

export const STACK_TRAITS: readonly StackTrait[] = [
  t('stack-java', 'Java/JVM', /\bjava\b|\bjdk\b|\bjre\b|spring|tomcat|\bjvm\b/, 'runtime', 3, true),
  t('stack-java-legacy', 'Java 7 or older', /\b(?:java|jdk|jre)\s*(?:1\.)?[4-7]\b/, 'legacy', 5, false, {
    debtHint: 'upgrade to Java 17/21 LTS; older JVMs get no security fixes',
  }),
  t('stack-dotnet-core', '.NET (Core / 5+)', /\.net\s*(?:core|[5-9]\b)|\bdotnet\b/, 'runtime', 2, true),
  t('stack-dotnet-framework', '.NET Framework', /\.net\s*framework|asp\.net(?!\s*core)/, 'runtime', 4, false),
  t('stack-dotnet-legacy', '.NET Framework 3.5 or older', /\.net\s*framework\s*(?:[1-2]|3\.[05])/, 'legacy', 5, false, {
    debtHint: 'move to .NET Framework 4.8 at minimum, .NET 8 for containers',
  }),
  t('stack-classic-asp', 'Classic ASP', /classic asp|\basp\b(?!\.net)/, 'legacy', 6, false, {
    debtHint: 'rewrite on ASP.NET Core; Classic ASP receives no new investment',
  }),
  t('stack-vb6', 'Visual Basic 6', /\bvb6\b|visual basic 6/, 'legacy', 7, false, {
    debtHint: 'replace: the VB6 IDE is unsupported and the runtime only survives by Windows compatibility',
  }),
  t('stack-cobol', 'COBOL / mainframe', /cobol|\bcics\b|\bjcl\b|mainframe/, 'legacy', 10, false, {
    debtHint: 'assess a mainframe modernisation tool (automated refactor) or repurchase',
  }),
  t('stack-python2', 'Python 2', /python\s*2/, 'legacy', 4, true, { debtHint: 'port to Python 3.12; Python 2 ended in 2020' }),
  t('stack-python', 'Python', /python/, 'runtime', 2, true),
  t('stack-node', 'Node.js', /\bnode(?:\.?js)?\b/, 'runtime', 2, true),
  t('stack-go', 'Go', /\bgo(?:lang)?\b/, 'runtime', 1, true),
  t('stack-php-legacy', 'PHP 5', /php\s*5/, 'legacy', 4, true, { debtHint: 'upgrade to PHP 8.3; PHP 5 ended in 2018' }),
  t('stack-php', 'PHP', /\bphp\b/, 'runtime', 2, true),
  t('stack-ruby', 'Ruby', /ruby|rails/, 'runtime', 2, true),
  t('stack-websphere', 'IBM WebSphere', /websphere/, 'middleware', 6, false, {
    debtHint: 'move to Open Liberty or Spring Boot to shed the application-server licence',
  }),
  t('stack-weblogic', 'Oracle WebLogic', /weblogic/, 'middleware', 6, false, {
    debtHint: 'move to a lightweight runtime (Spring Boot, Quarkus) to shed the application-server licence',
  }),
  t('stack-jboss', 'JBoss / WildFly', /jboss|wildfly/, 'middleware', 4, true),
  t('stack-iis', 'IIS', /\biis\b/, 'middleware', 2, false),
  t('stack-webserver', 'Apache / nginx', /nginx|apache(?! kafka)|httpd/, 'middleware', 1, true),
  t('stack-sqlserver', 'SQL Server', /sql server|\bmssql\b/, 'database', 3, false, { dbEngine: 'sqlserver' }),
  t('stack-oracle-db', 'Oracle Database', /\boracle\b(?!\s*(?:linux|weblogic|ebs|e-business))/, 'database', 6, false, {
    dbEngine: 'oracle',
  }),
  t('stack-mysql', 'MySQL / MariaDB', /mysql|mariadb/, 'database', 2, true, { dbEngine: 'mysql' }),
  t('stack-postgres', 'PostgreSQL', /postgres/, 'database', 2, true, { dbEngine: 'postgresql' }),
  t('stack-mongodb', 'MongoDB', /mongo/, 'database', 3, true, { dbEngine: 'mongodb' }),
  t('stack-queue', 'Message broker', /\bmq\b|rabbitmq|kafka|activemq|msmq|ibm mq/, 'middleware', 3, true),
  t('stack-batch', 'Batch / ETL', /\bbatch\b|\bcron\b|scheduler|\betl\b|\bssis\b|informatica|control-m/, 'batch', 3, true),
  t('stack-sap', 'SAP', /\bsap\b/, 'commercial', 9, false),
  t('stack-exchange', 'Microsoft Exchange', /exchange/, 'commercial', 4, false, { saas: 'Microsoft 365 (Exchange Online)' }),
  t('stack-sharepoint', 'SharePoint Server', /sharepoint/, 'commercial', 4, false, { saas: 'SharePoint Online (Microsoft 365)' }),
  t('stack-lotus', 'Lotus Notes / Domino', /lotus|domino/, 'legacy', 6, false, {
    saas: 'Microsoft 365',
    debtHint: 'migrate mail and Notes databases before the platform is retired',
  }),
  t('stack-crm', 'On-premises CRM', /\bcrm\b|siebel/, 'commercial', 5, false, { saas: 'Salesforce / Dynamics 365' }),
  t('stack-hr', 'HR / payroll package', /peoplesoft|payroll|\bhrms?\b/, 'commercial', 5, false, {
    saas: 'Workday / SAP SuccessFactors',
  }),
  t('stack-atlassian', 'Jira / Confluence Server', /jira|confluence/, 'commercial', 2, false, { saas: 'Atlassian Cloud' }),
  t('stack-itsm', 'IT service desk', /remedy|helpdesk|help desk|service ?desk/, 'commercial', 3, false, {
    saas: 'ServiceNow / Jira Service Management',
  }),
  t('stack-coldfusion', 'ColdFusion', /coldfusion/, 'legacy', 6, false, { debtHint: 'rewrite on a supported web framework' }),
  t('stack-vmware', 'VMware vSphere', /vmware|vsphere|esxi/, 'platform', 1, false),
];

/** Points for a stack entry that matches no trait: unknown technology is a modest complexity on its own. */
export const UNKNOWN_STACK_POINTS = 2;

export interface StackMatch {
  entry: string;
  trait: StackTrait;
}

/** Every (entry, trait) pair for a stack, in stack order then table order. */
export function matchStack(stack: readonly string[]): StackMatch[] {
  return stack.flatMap((entry) => {
    const text = entry.toLowerCase();
    return STACK_TRAITS.filter((trait) => trait.pattern.test(text)).map((trait) => ({ entry, trait }));
  });
}

/** Detects a database engine from free text (a stack entry, or a database asset's OS/product columns). */
export function detectDbEngine(text: string): DbEngine | null {
  const lower = text.toLowerCase();
  return STACK_TRAITS.find((tr) => tr.dbEngine !== undefined && tr.pattern.test(lower))?.dbEngine ?? null;
}
