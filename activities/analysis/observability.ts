/**
 * Observability for migrated applications: SLIs/SLOs from criticality and tier, a log collection and retention
 * plan, and Prometheus alerting rule groups rendered as YAML an operator can load as a rule file.
 */
import type { CanonicalApplication, CanonicalAsset, Criticality, Explained } from './model';
import { assetsByApp } from './app-graph';
import { appRef, assetRef, byString, clamp01, round, ruleRef, uniqueSorted } from './evidence';
import { matchStack } from './rules/stack';
import { toYaml, type YamlValue } from './yaml';

// ───────────────────────────── SLOs ─────────────────────────────

export interface Slo {
  id: string;
  sli: 'availability' | 'latency_p95' | 'error_rate';
  objective: number;
  unit: 'percent' | 'ms';
  window: '30d';
  description: string;
}

export interface AppSlos extends Explained {
  applicationKey: string;
  slos: Slo[];
  /** Minutes of unavailability the availability SLO allows per 30 days. */
  errorBudgetMinutes: number;
}

/** Availability objective (%) by criticality: each step is roughly a 2–5× smaller error budget. */
export const AVAILABILITY_BY_CRITICALITY: Record<Criticality, number> = { critical: 99.95, high: 99.9, medium: 99.5, unknown: 99.5, low: 99 };
/** p95 latency objective (ms) by tier: tier 1 serves interactive users, tier 3 mostly back-office. */
export const LATENCY_MS_BY_TIER: Record<CanonicalApplication['tier'], number> = { tier1: 300, tier2: 800, tier3: 2000 };
/** Maximum share of failed (5xx) requests, in %. */
export const ERROR_RATE_BY_CRITICALITY: Record<Criticality, number> = { critical: 0.1, high: 0.5, medium: 1, unknown: 1, low: 2 };

const WINDOW_MINUTES = 30 * 24 * 60;

export function defineSlos(apps: readonly CanonicalApplication[]): AppSlos[] {
  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const availability = AVAILABILITY_BY_CRITICALITY[app.criticality];
      const latency = LATENCY_MS_BY_TIER[app.tier];
      const errorRate = ERROR_RATE_BY_CRITICALITY[app.criticality];
      const budget = round((1 - availability / 100) * WINDOW_MINUTES, 1);
      return {
        applicationKey: app.key,
        slos: [
          { id: `${app.key}-availability`, sli: 'availability', objective: availability, unit: 'percent', window: '30d', description: `synthetic probe success ≥ ${availability}% over 30 days` },
          { id: `${app.key}-latency-p95`, sli: 'latency_p95', objective: latency, unit: 'ms', window: '30d', description: `95th percentile request latency ≤ ${latency} ms` },
          { id: `${app.key}-error-rate`, sli: 'error_rate', objective: errorRate, unit: 'percent', window: '30d', description: `5xx responses ≤ ${errorRate}% of requests` },
        ],
        errorBudgetMinutes: budget,
        rationale: `${app.name}: ${app.criticality} criticality → ${availability}% availability (${budget} min error budget per 30 days) and ≤ ${errorRate}% errors; ${app.tier} → p95 ≤ ${latency} ms`,
        // Unknown criticality falls back to medium objectives: a default, not a finding.
        confidence: clamp01(app.criticality === 'unknown' ? 0.5 : 0.85),
        evidence: [appRef(app.key), ruleRef(`slo-availability-${app.criticality}`), ruleRef(`slo-latency-${app.tier}`)],
      };
    });
}

// ───────────────────────────── logging ─────────────────────────────

export interface LogStream {
  source: 'application' | 'access' | 'system' | 'database' | 'audit';
  ruleId: string;
  assetKeys: string[];
  /** Days in searchable (hot) storage; the rest of the retention sits in archive storage. */
  hotDays: number;
  retentionDays: number;
  estimatedGbPerDay: number;
}

export interface LoggingPlan extends Explained {
  applicationKey: string;
  streams: LogStream[];
  estimatedGbPerDay: number;
}

/** Application/access/system log retention by criticality: [hot days, total days]. */
export const LOG_RETENTION: Record<Criticality, [number, number]> = {
  critical: [90, 365],
  high: [30, 180],
  medium: [14, 90],
  unknown: [14, 90],
  low: [7, 30],
};
/** Audit logs are kept a year; seven years where the stack handles money or personnel records. */
export const AUDIT_RETENTION_DAYS = { default: 365, financial: 2555 } as const;
const FINANCIAL = /financ|payroll|billing|payment|ledger|accounting|invoice|sap|peoplesoft|\bhr\b/;
/** Typical daily volume per asset (GB), used to size the log platform. */
export const LOG_GB_PER_ASSET_DAY = { application: 0.5, access: 1, system: 0.2, database: 0.3, audit: 0.05 } as const;

export function planLogging(apps: readonly CanonicalApplication[], assets: readonly CanonicalAsset[]): LoggingPlan[] {
  const members = assetsByApp(apps, assets);
  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const m = members.get(app.key) ?? [];
      const [hot, total] = LOG_RETENTION[app.criticality];
      const servers = m.filter((a) => a.assetType === 'server').map((a) => a.key);
      const dbs = m.filter((a) => a.assetType === 'database').map((a) => a.key);
      const web = matchStack(app.techStack).some((s) => ['stack-iis', 'stack-webserver', 'stack-java'].includes(s.trait.id));
      const financialEntry = [app.name, ...app.techStack].find((s) => FINANCIAL.test(s.toLowerCase()));
      const stream = (source: LogStream['source'], ruleId: string, keys: string[], hotDays: number, retentionDays: number): LogStream => ({
        source,
        ruleId,
        assetKeys: keys,
        hotDays,
        retentionDays,
        estimatedGbPerDay: round(keys.length * LOG_GB_PER_ASSET_DAY[source], 2),
      });
      const streams: LogStream[] = [];
      if (servers.length > 0) {
        streams.push(stream('application', `log-app-${app.criticality}`, servers, hot, total));
        streams.push(stream('system', `log-system-${app.criticality}`, servers, Math.min(hot, 14), total));
        if (web) streams.push(stream('access', `log-access-${app.criticality}`, servers, hot, total));
      }
      if (dbs.length > 0) streams.push(stream('database', `log-db-${app.criticality}`, dbs, hot, total));
      const allKeys = m.map((a) => a.key);
      streams.push(
        stream(
          'audit',
          financialEntry ? 'log-audit-financial' : 'log-audit-default',
          allKeys,
          90,
          financialEntry ? AUDIT_RETENTION_DAYS.financial : AUDIT_RETENTION_DAYS.default,
        ),
      );
      const gb = round(streams.reduce((s, x) => s + x.estimatedGbPerDay, 0), 2);
      return {
        applicationKey: app.key,
        streams,
        estimatedGbPerDay: gb,
        rationale:
          `${app.name}: ${app.criticality} criticality → ${hot} days hot / ${total} days total for operational logs; ` +
          `${servers.length} servers, ${dbs.length} databases${web ? ', web tier (access logs)' : ''}; audit ` +
          (financialEntry ? `${AUDIT_RETENTION_DAYS.financial} days because '${financialEntry}' indicates financial/personnel records` : `${AUDIT_RETENTION_DAYS.default} days`) +
          `; about ${gb} GB/day`,
        confidence: clamp01(m.length === 0 ? 0.4 : 0.8),
        evidence: uniqueSorted([appRef(app.key), ...allKeys.map(assetRef), ...streams.map((s) => ruleRef(s.ruleId))]),
      };
    });
}

// ───────────────────────────── alerting ─────────────────────────────

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'page' | 'ticket'; app: string };
  annotations: { summary: string; description: string };
}

export interface AlertGroup {
  name: string;
  rules: AlertRule[];
}

export interface AlertRuleSet extends Explained {
  groups: AlertGroup[];
  /** A Prometheus rule file (`groups:` document). */
  yaml: string;
}

/**
 * Multi-window burn-rate thresholds (Google SRE workbook): 14.4× burns 2% of a 30-day budget in an hour (page);
 * 6× burns 5% in six hours (ticket).
 */
export const BURN_RATES = { fast: { factor: 14.4, long: '1h', short: '5m' }, slow: { factor: 6, long: '6h', short: '30m' } } as const;

const alertName = (key: string, suffix: string): string =>
  key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('') + suffix;

/** Prometheus label value: escape backslash and double quote. */
const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

function rulesFor(app: CanonicalApplication, slos: AppSlos): AlertRule[] {
  const sel = `app="${label(app.key)}"`;
  const availability = slos.slos.find((s) => s.sli === 'availability')!;
  const latency = slos.slos.find((s) => s.sli === 'latency_p95')!;
  const errors = slos.slos.find((s) => s.sli === 'error_rate')!;
  const budget = round(1 - availability.objective / 100, 6);
  const pageable: 'page' | 'ticket' = app.criticality === 'critical' || app.criticality === 'high' ? 'page' : 'ticket';
  const burn = (w: string, factor: number): string => `(1 - avg_over_time(probe_success{${sel}}[${w}])) > (${factor} * ${budget})`;
  const errorRatio = `sum(rate(http_requests_total{${sel},code=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m]))`;
  return [
    {
      alert: alertName(app.key, 'ErrorBudgetFastBurn'),
      expr: `${burn(BURN_RATES.fast.long, BURN_RATES.fast.factor)} and ${burn(BURN_RATES.fast.short, BURN_RATES.fast.factor)}`,
      for: '2m',
      labels: { severity: pageable, app: app.key },
      annotations: {
        summary: `${app.name} is burning its ${availability.objective}% availability budget ${BURN_RATES.fast.factor}x too fast`,
        description: `Probe failures over ${BURN_RATES.fast.long} and ${BURN_RATES.fast.short} exceed ${BURN_RATES.fast.factor} x ${budget}; ${slos.errorBudgetMinutes} min budget per 30 days.`,
      },
    },
    {
      alert: alertName(app.key, 'ErrorBudgetSlowBurn'),
      expr: `${burn(BURN_RATES.slow.long, BURN_RATES.slow.factor)} and ${burn(BURN_RATES.slow.short, BURN_RATES.slow.factor)}`,
      for: '15m',
      labels: { severity: 'ticket', app: app.key },
      annotations: {
        summary: `${app.name} availability budget burning ${BURN_RATES.slow.factor}x too fast`,
        description: `Probe failures over ${BURN_RATES.slow.long} and ${BURN_RATES.slow.short} exceed ${BURN_RATES.slow.factor} x ${budget}.`,
      },
    },
    {
      alert: alertName(app.key, 'LatencyP95High'),
      expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m]))) > ${latency.objective / 1000}`,
      for: '10m',
      labels: { severity: pageable === 'page' && app.tier === 'tier1' ? 'page' : 'ticket', app: app.key },
      annotations: { summary: `${app.name} p95 latency above ${latency.objective} ms`, description: `SLO ${latency.id}: ${latency.description}.` },
    },
    {
      alert: alertName(app.key, 'ErrorRateHigh'),
      expr: `(${errorRatio}) > ${errors.objective / 100}`,
      for: '10m',
      labels: { severity: pageable, app: app.key },
      annotations: { summary: `${app.name} 5xx ratio above ${errors.objective}%`, description: `SLO ${errors.id}: ${errors.description}.` },
    },
    {
      alert: alertName(app.key, 'TargetDown'),
      expr: `up{${sel}} == 0`,
      for: '5m',
      labels: { severity: 'ticket', app: app.key },
      annotations: { summary: `A scrape target of ${app.name} is down`, description: 'An instance stopped answering metric scrapes for 5 minutes.' },
    },
  ];
}

export function buildAlertRules(apps: readonly CanonicalApplication[], slos: readonly AppSlos[]): AlertRuleSet {
  const sloByApp = new Map(slos.map((s) => [s.applicationKey, s]));
  const covered = [...apps].sort((a, b) => byString(a.key, b.key)).filter((a) => sloByApp.has(a.key));
  const groups: AlertGroup[] = covered.map((app) => ({ name: `${app.key}-slo`, rules: rulesFor(app, sloByApp.get(app.key)!) }));
  const doc: YamlValue = {
    groups: groups.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => ({ alert: r.alert, expr: r.expr, for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } })),
    })),
  };
  const pages = groups.flatMap((g) => g.rules).filter((r) => r.labels.severity === 'page').length;
  return {
    groups,
    yaml: toYaml(doc),
    rationale: `${groups.length} rule groups, ${groups.reduce((s, g) => s + g.rules.length, 0)} rules (${pages} paging) from the SLOs of ${covered.map((a) => a.key).join(', ') || 'no applications'}; multi-window burn rates ${BURN_RATES.fast.factor}x/${BURN_RATES.slow.factor}x`,
    confidence: clamp01(covered.length === 0 ? 0.5 : 0.8),
    evidence: uniqueSorted([...covered.map((a) => appRef(a.key)), ruleRef('alert-burn-rate'), ruleRef('alert-latency'), ruleRef('alert-error-rate')]),
  };
}
