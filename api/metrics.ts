/**
 * Gateway metrics in Prometheus format (prom-client): HTTP latency by route template (never by raw path, so ids do
 * not explode cardinality), flows started by type, control messages by action and outcome, process defaults.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export class GatewayMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'mfo_http_request_duration_seconds',
    help: 'Gateway request latency by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly flowsStarted = new Counter({
    name: 'mfo_flows_started_total',
    help: 'Flows started through the gateway, by flow type.',
    labelNames: ['flow_type'] as const,
    registers: [this.registry],
  });

  readonly controlMessages = new Counter({
    name: 'mfo_control_messages_total',
    help: 'Control messages (updates) sent to flows, by action and outcome (accepted / rejected / unconfirmed: not acted on within MFO_CONTROL_TIMEOUT_MS).',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mfo_gateway_' });
  }

  /** Times every request; the route label is the matched template, e.g. /flows/:flowId/:action. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.httpDuration.startTimer();
      res.on('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        stop({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
