/**
 * One catalogue of every rule id the analysis engines cite as evidence ("rule:<id>") or return as a `ruleId`,
 * so that a reviewer (or the UI) can turn an id into a title and a sentence about what the rule checks.
 *
 * Rules declared in tables (LIFECYCLE_RULES, PLATFORM_RULES, STACK_TRAITS, STRATEGY_CRITERIA,
 * MODERNIZATION_RULES, RETENTION_RULES, RISK_MITIGATIONS) are read from those tables; only the sentence a table
 * does not carry (what a decision-table row's predicate checks) is written here, keyed by the row's id, and
 * `registryProblems()` reports table rows without such a sentence and sentences whose row has gone. Rules the
 * engines emit inline are described here next to the name of the function that emits them; templated ids
 * (`finops-${kind}`, `slo-availability-${criticality}`, …) are expanded over every value of their variable,
 * with `Record<Union, …>` tables so that the compiler refuses a missing value.
 */
import { CRITICALITIES, type CanonicalApplication, type Criticality } from '../model';
import { READINESS_LIMITS, RISK_MITIGATIONS } from '../assessment';
import { RETENTION_RULES } from '../decommission';
import { SATURATION_PCT } from '../execution';
import { FINOPS_THRESHOLDS, type Optimisation } from '../finops';
import { MODERNIZATION_RULES } from '../modernize';
import {
  AUDIT_RETENTION_DAYS,
  AVAILABILITY_BY_CRITICALITY,
  BURN_RATES,
  ERROR_RATE_BY_CRITICALITY,
  LATENCY_MS_BY_TIER,
  LOG_RETENTION,
} from '../observability';
import { DEFAULT_PRICING, RIGHTSIZE_HEADROOM } from '../pricing';
import { LIFECYCLE_RULES, NEARING_EOL_DAYS, PLATFORM_RULES } from './lifecycle';
import { STRATEGIES, STRATEGY_CRITERIA, type Strategy } from './seven-rs';
import { STACK_TRAITS } from './stack';

export interface RuleDescription {
  /** The id as cited in evidence, without the "rule:" prefix. */
  id: string;
  title: string;
  /** What the rule checks and what follows when it holds. */
  description: string;
  /** Where the rule is declared: "<file under activities/analysis>#<table or emitting function>". */
  source: string;
}

// ───────────────────────────── table-backed rules ─────────────────────────────

function lifecycleRules(): RuleDescription[] {
  return LIFECYCLE_RULES.map((r) => {
    const subject =
      r.kind === 'os'
        ? `an asset whose OS fields identify ${r.product} (or a tech-stack entry naming it)`
        : `a database engine identified as ${r.product} in an asset's OS/version fields or in an application's tech stack`;
    const importNote = r.cloudImportSupported
      ? ''
      : ' Cloud VM import no longer accepts this release, so once past end of support the asset is a readiness blocker and has to be rebuilt on a current release rather than lifted.';
    return {
      id: r.id,
      title: `${r.product} end of support (${r.endOfSupport})`,
      description:
        `Flags ${subject}: vendor security fixes end on ${r.endOfSupport}, so it is reported as end of life after that date ` +
        `and as nearing end of life within ${NEARING_EOL_DAYS} days before it; the upgrade path is ${r.upgradeTo}.${importNote}`,
      source: 'rules/lifecycle.ts#LIFECYCLE_RULES',
    };
  });
}

function platformRules(): RuleDescription[] {
  return PLATFORM_RULES.map((r) => ({
    id: r.id,
    title: r.title,
    description:
      `An asset whose OS text matches this platform ${
        r.severity === 'blocker'
          ? 'cannot be rehosted on x86 cloud instances: it is not ready to migrate (blocker), a high-severity compliance finding and a non-x86 platform for the 7R table'
          : 'can only be rehosted after a rebuild: a readiness condition and a medium-severity compliance finding'
      }; remediation: ${r.remediation}.`,
    source: 'rules/lifecycle.ts#PLATFORM_RULES',
  }));
}

function stackRules(): RuleDescription[] {
  return STACK_TRAITS.map((t) => {
    const parts = [
      `A tech-stack entry recognised as ${t.label} (${t.category}) adds ${t.complexity}/10 to the stack factor of the application's complexity score`,
      t.containerFriendly ? 'and runs in Linux containers without a rewrite' : 'and does not run in Linux containers without rework',
    ];
    if (t.dbEngine) parts.push(`; it identifies the ${t.dbEngine} database engine for the managed-database rules`);
    if (t.saas) parts.push(`; it has an established SaaS replacement (${t.saas})`);
    if (t.debtHint) parts.push(`; it is reported as legacy-stack technical debt: ${t.debtHint}`);
    return { id: t.id, title: t.label, description: `${parts.join(' ')}.`.replace(/ ;/g, ';'), source: 'rules/stack.ts#STACK_TRAITS' };
  });
}

/** What each 7R decision-table row's predicate checks (the table holds the predicate as code). */
const STRATEGY_CRITERION_TEXT: Record<string, { title: string; checks: string }> = {
  '7r-retire-powered-off': {
    title: 'Retire: every asset powered off',
    checks: 'Every member asset of the application is powered off and no other application depends on it.',
  },
  '7r-retire-unused': {
    title: 'Retire: unused',
    checks: 'Average CPU utilisation of the member assets is under 5%, no application depends on it and its criticality is neither critical nor high.',
  },
  '7r-repurchase-saas': {
    title: 'Repurchase: commodity software with a SaaS replacement',
    checks: 'A tech-stack entry matches a stack trait that names an established SaaS replacement (mail, SharePoint, CRM, HR/payroll, Jira/Confluence, service desk, Lotus Notes).',
  },
  '7r-retain-blocked-platform': {
    title: 'Retain: non-x86 platform too risky to port now',
    checks: 'A member asset runs on a non-x86 platform (a blocker platform rule: AIX, Solaris, HP-UX, mainframe) and the application has complexity of 50/100 or more or is critical.',
  },
  '7r-replatform-port-platform': {
    title: 'Replatform: port a small non-x86 workload to Linux',
    checks: 'A member asset runs on a non-x86 platform, the application\'s complexity is under 50/100 and it is not critical, so it is small enough to port to Linux.',
  },
  '7r-retain-not-ready': {
    title: 'Retain: mostly not ready',
    checks: 'At least half of the application\'s assets are assessed not ready to migrate.',
  },
  '7r-replatform-os-rebuild': {
    title: 'Replatform: OS past cloud-import support',
    checks: 'A compliance finding shows a member asset on an end-of-life OS release that cloud VM import no longer accepts, so it has to be rebuilt on a current release anyway.',
  },
  '7r-relocate-vmware': {
    title: 'Relocate: VMware estate',
    checks: 'The stack includes VMware vSphere and the application has at least 5 assets, which can move hypervisor-to-hypervisor unchanged.',
  },
  '7r-replatform-managed-db': {
    title: 'Replatform: managed database service',
    checks: 'A database engine (SQL Server, Oracle, MySQL, PostgreSQL or MongoDB) is detected on a database asset or in the stack, so it can run on a managed database service.',
  },
  '7r-replatform-eol-db': {
    title: 'Replatform: end-of-life database engine',
    checks: 'A compliance finding shows a member asset\'s database engine past end of support; a managed database service performs the upgrade.',
  },
  '7r-refactor-strategic': {
    title: 'Refactor: strategic tier-1 application',
    checks: 'A critical- or high-criticality tier-1 application with complexity of 55/100 or more already runs a container-friendly modern runtime, which justifies re-architecture.',
  },
  '7r-refactor-hub': {
    title: 'Refactor: dependency hub',
    checks: 'Four or more applications depend on it and it runs a container-friendly modern runtime, so containers let it scale independently.',
  },
  '7r-rehost-default': {
    title: 'Rehost: x86 assets without blocking findings',
    checks: 'The application has member assets and none runs on a blocking platform or an OS that cloud import no longer accepts, so it can be lifted as it is.',
  },
  '7r-rehost-low-complexity': {
    title: 'Rehost: low complexity',
    checks: 'The application has member assets and a complexity score under 35/100.',
  },
  '7r-rehost-high-risk': {
    title: 'Rehost: high risk argues for least change',
    checks: 'The risk score is 15/25 or more and no member asset runs on a blocking platform, so the move should change as little as possible.',
  },
  '7r-retain-no-inventory': {
    title: 'Retain: no inventory',
    checks: 'The application has no member assets in the inventory, so nothing can be planned yet.',
  },
};

function strategyRules(): RuleDescription[] {
  return STRATEGY_CRITERIA.map((c) => {
    const text = STRATEGY_CRITERION_TEXT[c.id];
    return {
      id: c.id,
      title: text?.title ?? `7R criterion for ${c.strategy}`,
      description: `${text?.checks ?? 'A 7R decision-table row.'} When it holds it adds ${c.weight} to the ${c.strategy} score of the 7R decision table.`,
      source: 'rules/seven-rs.ts#STRATEGY_CRITERIA',
    };
  });
}

/** What each modernization rule's detector checks (the table holds the detector as code). */
const MODERNIZATION_TEXT: Record<string, { title: string; checks: string }> = {
  'mod-containerise': {
    title: 'Containerise on Kubernetes',
    checks: 'The stack has a container-friendly runtime, no runtime or middleware that does not containerise, and the application has at least one server; effort grows with the server count.',
  },
  'mod-containerise-windows': {
    title: 'Windows containers or a .NET 8 port',
    checks: 'The stack includes .NET Framework / ASP.NET on at least one server, which needs Windows containers or a port to .NET 8 on Linux (effort at least L).',
  },
  'mod-managed-db': {
    title: 'Move databases to a managed service',
    checks: 'The application has database assets or a database engine in its stack; effort grows with database storage and is at least M for Oracle or SQL Server.',
  },
  'mod-serverless-batch': {
    title: 'Batch jobs to serverless functions',
    checks: 'The stack includes batch, ETL or scheduler technology (cron, SSIS, Informatica, Control-M, …).',
  },
  'mod-serverless-idle': {
    title: 'Nearly idle service to serverless',
    checks: 'The application has a container-friendly runtime and every one of its servers has at most 2 vCPU at under 10% CPU utilisation.',
  },
  'mod-decompose': {
    title: 'Decompose a monolith behind an API gateway',
    checks: 'Three or more applications depend on it and it runs on a host with 16 or more vCPU or has five or more stack entries (effort XL).',
  },
};

function modernizationRules(): RuleDescription[] {
  return MODERNIZATION_RULES.map((r) => {
    const text = MODERNIZATION_TEXT[r.id];
    return {
      id: r.id,
      title: text?.title ?? `Modernization: ${r.kind.replace('_', ' ')}`,
      description: `${text?.checks ?? `A ${r.kind.replace('_', ' ')} opportunity.`} Proposes ${r.targetService}: ${r.benefit}.`,
      source: 'modernize.ts#MODERNIZATION_RULES',
    };
  });
}

const RETENTION_TEXT: Record<keyof typeof RETENTION_RULES, { title: string; checks: string }> = {
  financial: {
    title: 'Retain financial/personnel data 7 years',
    checks: 'A data store being decommissioned belongs to an application whose name or stack indicates financial or personnel records (finance, payroll, billing, payment, ledger, accounting, invoice, SAP, PeopleSoft, HR)',
  },
  production: {
    title: 'Retain production data 3 years',
    checks: 'A data store being decommissioned is in a production, DR or unknown environment and holds no financial/personnel records',
  },
  nonProduction: {
    title: 'Retain non-production copies 90 days',
    checks: 'A data store being decommissioned is in a non-production environment (staging, test or development)',
  },
};

function retentionRules(): RuleDescription[] {
  return (Object.keys(RETENTION_RULES) as (keyof typeof RETENTION_RULES)[]).map((key) => {
    const r = RETENTION_RULES[key];
    return {
      id: r.id,
      title: RETENTION_TEXT[key].title,
      description: `${RETENTION_TEXT[key].checks}: its archived record is kept ${r.retentionDays} days in ${r.tier} storage (${r.description}) with a sha256 checksum verified before shutdown.`,
      source: 'decommission.ts#RETENTION_RULES',
    };
  });
}

/** What raises each risk factor (RISK_MITIGATIONS holds the standard answer to it). */
const RISK_TEXT: Record<string, { title: string; checks: string }> = {
  'risk-complexity': {
    title: 'High complexity',
    checks: 'A complexity score of 50/100 or more raises the likelihood of a failed move by 1 (by 2 from 75/100).',
  },
  'risk-not-ready': { title: 'Not-ready assets', checks: 'One or more member assets are assessed not ready, raising likelihood by 1.' },
  'risk-unknown-readiness': {
    title: 'Unknown readiness',
    checks: 'One or more member assets have unknown readiness because core data is missing, raising likelihood by 1 and lowering confidence in the score.',
  },
  'risk-uncertain-dependencies': {
    title: 'Uncertain dependencies',
    checks: `A dependency touching a member asset has confidence below ${READINESS_LIMITS.lowDependencyConfidence}, raising likelihood by 1.`,
  },
  'risk-criticality': {
    title: 'Business criticality',
    checks: 'Impact starts from the application\'s criticality (critical 5, high 4, medium or unknown 3, low 2); the mitigation is proposed from impact 4.',
  },
  'risk-dependents': { title: 'Many dependent applications', checks: 'Three or more applications depend on it, raising impact by 1.' },
  'risk-tier1': { title: 'Tier-1 application', checks: 'A tier-1 application\'s impact is raised to at least 4.' },
};

function riskRules(): RuleDescription[] {
  return Object.keys(RISK_MITIGATIONS).map((id) => ({
    id,
    title: RISK_TEXT[id]?.title ?? id,
    description: `${RISK_TEXT[id]?.checks ?? 'A migration risk factor.'} Mitigation: ${RISK_MITIGATIONS[id]}.`,
    source: 'assessment.ts#RISK_MITIGATIONS',
  }));
}

// ───────────────────────────── inline rules ─────────────────────────────

type Entry = [id: string, title: string, description: string];
const from = (source: string, entries: readonly Entry[]): RuleDescription[] =>
  entries.map(([id, title, description]) => ({ id, title, description, source }));

function readinessRules(): RuleDescription[] {
  const L = READINESS_LIMITS;
  return from('assessment.ts#assessReadiness', [
    [
      'ready-missing-data',
      'Core inventory data missing',
      'An asset with no OS, CPU or memory data cannot be fully assessed: one missing field makes it conditionally ready, two or more make its readiness unknown.',
    ],
    ['ready-network-device', 'Network device', 'An asset of type network_device is replaced by cloud networking rather than migrated, so it is not ready (blocker).'],
    [
      'ready-large-storage',
      'Large storage volume',
      `An asset with more than ${L.largeStorageGb} GB of storage needs an offline bulk transfer or a long replication window (condition).`,
    ],
    [
      'ready-large-memory',
      'Very large memory',
      `An asset with more than ${L.largeMemoryGb} GB of memory needs a high-memory instance family whose regional availability must be checked (condition).`,
    ],
    ['ready-powered-off', 'Powered off', 'A powered-off asset is flagged (info only) so that someone confirms it is still needed before it is migrated.'],
    [
      'ready-depends-on-not-ready',
      'Depends on a not-ready asset',
      'An asset that depends on an asset whose own checks make it not ready can only move if that link is kept working across a hybrid connection or both move together (condition).',
    ],
    [
      'ready-uncertain-dependencies',
      'Low-confidence dependencies',
      `An asset touched by a dependency with confidence below ${L.lowDependencyConfidence} needs that dependency confirmed before planning (condition).`,
    ],
  ]);
}

function debtRules(): RuleDescription[] {
  return from('assessment.ts#assessTechDebt', [
    ['debt-no-owner', 'No accountable owner', 'Neither the application nor any of its member assets has an owner recorded (medium-severity ownership debt).'],
    [
      'debt-single-instance',
      'Single production server',
      'A critical- or high-criticality application is served in production by exactly one server, a single point of failure (high-severity resilience debt).',
    ],
    [
      'debt-no-nonprod',
      'No non-production environment',
      'Every known environment of an application that is not low-criticality is production, so changes are tested in production (medium-severity environment debt).',
    ],
  ]);
}

function planningRules(): RuleDescription[] {
  return from('planning.ts#planWaves', [
    [
      'plan-dependency-order',
      'Dependencies move first',
      'An application that depends on applications in other move groups is placed in the same wave as, or a later wave than, each of them.',
    ],
    [
      'plan-cycle-move-group',
      'Dependency cycles move together',
      'Applications that depend on each other in a cycle (one strongly connected component) form one move group and are placed in the same wave.',
    ],
    [
      'plan-criticality-order',
      'Low criticality first',
      'Among the move groups whose dependencies are already placed, the least critical (then the smallest) is scheduled first, so low-criticality applications go early as pilots and critical ones later.',
    ],
    [
      'plan-capacity',
      'Oversized move group',
      'A move group with more applications or assets than the per-wave limits fills a wave on its own.',
    ],
    ['plan-blackout', 'Blackout windows', 'A wave whose dates would overlap a blackout window is moved past it.'],
  ]);
}

function labourRules(): RuleDescription[] {
  const { hourlyRate, byStrategy } = DEFAULT_PRICING.labour;
  return STRATEGIES.map((s) => ({
    id: `labour-${s}`,
    title: `Migration labour for ${s}`,
    description:
      `Effort for moving an application with ${s} is the labour table's ${s} row: hours per application plus hours per asset ` +
      `(by default ${byStrategy[s].hoursPerApp} h + ${byStrategy[s].hoursPerAsset} h per asset at ${hourlyRate}/h), used for team allocation and wave cost` +
      (s === 'rehost' ? '; applications without a recorded strategy are costed as rehost.' : '.'),
    source: 'planning-resources.ts#allocateResources, planning-costs.ts#estimateCosts',
  }));
}

function pricingRules(): RuleDescription[] {
  return from('pricing.ts#rightsize', [
    [
      'pricing-rightsize-headroom',
      'Rightsizing with headroom',
      `A cloud instance is sized from the current CPU and memory allocation times observed utilisation plus ${RIGHTSIZE_HEADROOM * 100}% headroom ` +
        '(never below 1 vCPU / 1 GB nor above the current allocation), and the cheapest catalogue instance that fits is chosen.',
    ],
  ]);
}

const OPTIMISATION_TEXT: Record<Optimisation['kind'], [title: string, description: string]> = {
  zombie: [
    'Zombie asset',
    'A powered-off asset still incurs its monthly cost in storage, licences and support; decommissioning or archiving it saves that whole cost.',
  ],
  idle: [
    'Idle asset',
    `An asset that is not powered off and averages under ${FINOPS_THRESHOLDS.idleCpuPct}% CPU is a retirement candidate saving its whole monthly cost; confidence is lower when more than 50% of its memory is in use (possibly a cache or standby node).`,
  ],
  rightsize: [
    'Rightsize',
    'An x86 asset whose utilisation-based target instance is cheaper than the like-for-like instance saves the difference per month.',
  ],
  commitment: [
    'Commitment purchase',
    `A production asset at a steady ${FINOPS_THRESHOLDS.commitmentMinCpuPct}–${FINOPS_THRESHOLDS.commitmentMaxCpuPct}% CPU qualifies for a 1-year commitment on its target instance, saving the commitment discount on that instance's price.`,
  ],
};

function finopsRules(): RuleDescription[] {
  return [
    ...from('finops.ts#analyseCosts', [
      [
        'finops-cost-allocation',
        'Cost allocation',
        "Each asset's monthly cost (imported, or estimated from vCPU, memory and storage) is allocated to its applications (split evenly when shared), its environment and its owner (the asset's, else its first application's, else 'unassigned').",
      ],
    ]),
    ...(Object.keys(OPTIMISATION_TEXT) as Optimisation['kind'][]).map((kind) => ({
      id: `finops-${kind}`,
      title: OPTIMISATION_TEXT[kind][0],
      description: OPTIMISATION_TEXT[kind][1],
      source: 'finops.ts#identifyOptimisations',
    })),
    ...from('finops.ts#forecastBudget', [
      [
        'finops-budget',
        'Budget forecast',
        "The monthly budget grows the current run-rate, subtracts the confidence-weighted savings scaled by adoption and ramped in over the ramp period, adds the platform's LLM spend and finally a contingency.",
      ],
    ]),
  ];
}

type Tier = CanonicalApplication['tier'];
const TIERS = Object.keys(LATENCY_MS_BY_TIER) as Tier[];

/** Log stream rule families of planLogging, by the id prefix the stream's ruleId is built from. */
const LOG_STREAMS: Record<'app' | 'system' | 'access' | 'db', (c: Criticality, hot: number, total: number) => [string, string]> = {
  app: (c, hot, total) => [`Application logs (${c})`, `Application logs from the servers of an application of ${c} criticality are kept ${hot} days searchable and ${total} days in total`],
  system: (c, hot, total) => [
    `System logs (${c})`,
    `System logs from the servers of an application of ${c} criticality are kept ${Math.min(hot, 14)} days searchable and ${total} days in total`,
  ],
  access: (c, hot, total) => [
    `Access logs (${c})`,
    `Access logs from the servers of an application of ${c} criticality with a web tier in its stack (IIS, Apache/nginx or Java) are kept ${hot} days searchable and ${total} days in total`,
  ],
  db: (c, hot, total) => [
    `Database logs (${c})`,
    `Database logs from the database assets of an application of ${c} criticality are kept ${hot} days searchable and ${total} days in total`,
  ],
};

function observabilityRules(): RuleDescription[] {
  const unknownNote = (c: Criticality): string => (c === 'unknown' ? ' (the medium defaults, because the criticality is unknown)' : '');
  const slos: RuleDescription[] = [
    ...CRITICALITIES.map((c) => ({
      id: `slo-availability-${c}`,
      title: `Availability and error-rate SLOs for ${c} criticality`,
      description: `An application of ${c} criticality gets a ${AVAILABILITY_BY_CRITICALITY[c]}% availability SLO (synthetic probe success) and at most ${ERROR_RATE_BY_CRITICALITY[c]}% 5xx responses over 30 days${unknownNote(c)}.`,
      source: 'observability.ts#defineSlos',
    })),
    ...TIERS.map((t) => ({
      id: `slo-latency-${t}`,
      title: `Latency SLO for ${t}`,
      description: `A ${t} application gets a 95th-percentile request latency SLO of ${LATENCY_MS_BY_TIER[t]} ms over 30 days.`,
      source: 'observability.ts#defineSlos',
    })),
  ];
  const logs: RuleDescription[] = (Object.keys(LOG_STREAMS) as (keyof typeof LOG_STREAMS)[]).flatMap((stream) =>
    CRITICALITIES.map((c) => {
      const [hot, total] = LOG_RETENTION[c];
      const [title, description] = LOG_STREAMS[stream](c, hot, total);
      return { id: `log-${stream}-${c}`, title, description: `${description}${unknownNote(c)}.`, source: 'observability.ts#planLogging' };
    }),
  );
  const { fast, slow } = BURN_RATES;
  return [
    ...slos,
    ...logs,
    ...from('observability.ts#planLogging', [
      [
        'log-audit-financial',
        'Audit logs for financial/personnel records',
        `Audit logs of an application whose name or stack indicates financial or personnel records (finance, payroll, billing, payment, ledger, accounting, invoice, SAP, PeopleSoft, HR) are kept ${AUDIT_RETENTION_DAYS.financial} days, 90 of them searchable.`,
      ],
      ['log-audit-default', 'Audit logs', `Audit logs of every other application are kept ${AUDIT_RETENTION_DAYS.default} days, 90 of them searchable.`],
    ]),
    ...from('observability.ts#buildAlertRules', [
      [
        'alert-burn-rate',
        'Error-budget burn-rate alerts',
        `Multi-window burn-rate alerts on probe success: ${fast.factor}x the error budget over both ${fast.long} and ${fast.short} (pages for critical/high applications) and ${slow.factor}x over ${slow.long} and ${slow.short} (ticket).`,
      ],
      [
        'alert-latency',
        'Latency alert',
        "Alerts when p95 request latency stays above the application's latency SLO for 10 minutes; it pages only for critical/high tier-1 applications.",
      ],
      [
        'alert-error-rate',
        'Error-rate alert',
        "Alerts when the share of 5xx responses stays above the application's error-rate SLO for 10 minutes; it pages for critical/high applications.",
      ],
    ]),
  ];
}

/** Strategies generateRunbook writes a runbook for (retire and retain return no steps and cite no runbook rule). */
type RunbookStrategy = Exclude<Strategy, 'retire' | 'retain'>;
const RUNBOOK_TEXT: Record<RunbookStrategy, string> = {
  rehost: 'Block-level replication of every member asset in dependency order (data stores first)',
  replatform: 'Database assets move to a managed database with full load and change data capture, other assets are rebuilt on a current OS release',
  refactor: 'Container images are built for the workloads on each server and deployed to a cluster namespace, while data stores are replicated',
  repurchase: "Each asset's data is exported and loaded into the SaaS tenant",
  relocate: 'Block-level replication of every member asset in dependency order for a hypervisor-to-hypervisor move',
};

function executionRules(): RuleDescription[] {
  return [
    ...from('execution.ts#buildPreMigrationChecklists', [
      ['chk-owner', 'Accountable owner named', 'The application has an owner to approve the cutover; without one the decision is no-go.'],
      [
        'chk-asset-owners',
        'Every asset has an owner',
        'Every member asset has an owner; an unowned asset blocks the go decision for critical/high applications and is a warning otherwise.',
      ],
      [
        'chk-backup',
        'Verified recent backup',
        'Every member asset other than a network device has a verified backup no older than the maximum age (7 days by default); a stale or missing backup blocks production or critical/high applications.',
      ],
      [
        'chk-change-ticket',
        'Approved change ticket',
        'An application with production assets needs an approved change ticket for the cutover (blocking); it does not apply without production assets.',
      ],
      ['chk-landing-zone', 'Landing zone provisioned', 'A target landing zone is provisioned for every environment the member assets are in (blocking).'],
      [
        'chk-readiness',
        'All assets assessed ready',
        'No member asset is not ready or of unknown readiness (blocking); conditionally ready assets give a warning.',
      ],
    ]),
    ...(Object.keys(RUNBOOK_TEXT) as RunbookStrategy[]).map((s) => ({
      id: `runbook-${s}`,
      title: `${s[0].toUpperCase()}${s.slice(1)} runbook`,
      description:
        `${RUNBOOK_TEXT[s]}; then test copies in an isolated subnet, smoke tests, change freeze, final sync, start on the target, ` +
        'DNS/load-balancer switch and owner sign-off, each step with its rollback for compensation.',
      source: 'execution.ts#generateRunbook',
    })),
    ...from('execution.ts#validatePostMigration', [
      [
        'post-smoke',
        'Post-migration smoke check',
        "Each member asset's target must be reachable with health checks not failing; a failed or unobserved target blocks sign-off.",
      ],
      ...(['cpu', 'memory'] as const).map(
        (resource): Entry => [
          `post-perf-${resource}`,
          `Post-migration ${resource} capacity check`,
          `${resource === 'cpu' ? 'CPU (vCPU' : 'Memory (GB'} × utilisation) in use on the target must not exceed the on-premises baseline by more than the tolerance (20% by default) ` +
            `and utilisation must stay at or under ${SATURATION_PCT}%; missing baseline or observation data does not block sign-off.`,
        ],
      ),
    ]),
  ];
}

function decommissionRules(): RuleDescription[] {
  return [
    ...from('decommission.ts#checkDecommissionSafety', [
      ['decom-unknown-target', 'Target not in inventory', 'A decommission target that is not in the inventory is refused: nothing can be proven about what depends on it.'],
      [
        'decom-no-live-dependents',
        'No live dependents',
        `No live asset depends on the target, through a resolved dependency or an unresolved declaration, so it is safe to retire; a live asset is one that is not powered off and not itself a target, and a dependent missing from the inventory counts as live.`,
      ],
      [
        'decom-live-dependent',
        'Live dependent',
        `A live asset still depends on the target, through a resolved dependency or an unresolved declaration, so the target is refused with the blocking edges as evidence; a live asset is one that is not powered off and not itself a target, and a dependent missing from the inventory counts as live.`,
      ],
    ]),
    ...from('decommission.ts#buildShutdownRunbook', [
      [
        'decom-shutdown-runbook',
        'Shutdown runbook',
        'Safe targets are shut down dependents first: verify archives, notify owners, silence monitoring, remove traffic, power off, a scream-test observation period (14 days by default), then wipe disks and update the CMDB; refused targets are excluded.',
      ],
    ]),
  ];
}

// ───────────────────────────── registry ─────────────────────────────

let cache: { list: RuleDescription[]; byId: Map<string, RuleDescription> } | null = null;

function registry(): { list: RuleDescription[]; byId: Map<string, RuleDescription> } {
  if (!cache) {
    const list = [
      ...lifecycleRules(),
      ...platformRules(),
      ...stackRules(),
      ...strategyRules(),
      ...modernizationRules(),
      ...retentionRules(),
      ...riskRules(),
      ...readinessRules(),
      ...debtRules(),
      ...planningRules(),
      ...labourRules(),
      ...pricingRules(),
      ...finopsRules(),
      ...observabilityRules(),
      ...executionRules(),
      ...decommissionRules(),
    ].map((r) => Object.freeze(r));
    const byId = new Map<string, RuleDescription>();
    for (const r of list) if (!byId.has(r.id)) byId.set(r.id, r);
    cache = { list, byId };
  }
  return cache;
}

/** The rule with this id ("rule:" prefix optional), or null if no engine declares it. */
export function describeRule(id: string): RuleDescription | null {
  return registry().byId.get(id.startsWith('rule:') ? id.slice('rule:'.length) : id) ?? null;
}

/** Every rule any engine can emit, in declaration order (grouped by source). Ids are unique. */
export function allRules(): RuleDescription[] {
  return [...registry().list];
}

/**
 * Consistency of the hand-written sentences with the tables they describe: table rows without a sentence
 * (they would fall back to a generic one) and sentences for ids no table declares any more. Empty when in sync.
 */
export function registryProblems(): string[] {
  const problems: string[] = [];
  const check = (table: string, ids: readonly string[], texts: Record<string, unknown>): void => {
    for (const id of ids) if (!(id in texts)) problems.push(`${table}: no description for ${id}`);
    for (const id of Object.keys(texts)) if (!ids.includes(id)) problems.push(`${table}: description for unknown id ${id}`);
  };
  check('STRATEGY_CRITERIA', STRATEGY_CRITERIA.map((c) => c.id), STRATEGY_CRITERION_TEXT);
  check('MODERNIZATION_RULES', MODERNIZATION_RULES.map((r) => r.id), MODERNIZATION_TEXT);
  check('RISK_MITIGATIONS', Object.keys(RISK_MITIGATIONS), RISK_TEXT);
  return problems;
}
