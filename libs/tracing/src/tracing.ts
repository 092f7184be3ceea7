import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { tracer } from './propagation';

/** Routes whose calls are not traced: probes and scrapes would drown the traces that matter. */
const UNTRACED = /^\/(healthz|readyz|metrics)(\?|$)/;

export interface TracingOptions {
  /** For tests: where spans go (else OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nowhere). */
  exporter?: SpanExporter;
  /**
   * False: incoming HTTP calls are not instrumented; the process traces the calls it chooses with
   * `traceIncoming`. The gateway's cached view reads cost less than the instrumentation's wrapping of
   * every call (npm run bench -- read: 7,172 → 3,762 req/s instrumented, 5,230–5,530 with them ignored).
   */
  incomingHttp?: boolean;
}

let provider: TracerProvider | null = null;

/**
 * Tracing of one process (issue 21), started before anything it instruments is loaded: HTTP in
 * and out (the gateway's fetch is undici), PostgreSQL (pg, under MikroORM), and Kafka by hand
 * (libs/kafka: trace context in message headers, through the outbox). W3C trace context
 * everywhere. Spans leave over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and nowhere
 * otherwise — but they are still made, so log lines carry a traceId and context still travels.
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): TracerProvider {
  const { exporter, incomingHttp = true } = options;
  if (provider) return provider;
  // OpenTelemetry's switch: no SDK at all (the API then does nothing, at no cost).
  if (process.env.OTEL_SDK_DISABLED === 'true') return (provider = new TracerProvider());
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const chosen = exporter ?? (endpoint ? new OTLPTraceExporter() : null);
  const delay = Number(process.env.OTEL_BSP_SCHEDULE_DELAY);
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: chosen
      ? [
          new BatchSpanProcessor({
            exporter: chosen,
            ...(Number.isFinite(delay) && delay > 0 ? { scheduledDelayMillis: delay } : {}),
          }),
        ]
      : [],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: !incomingHttp,
        ignoreIncomingRequestHook: (req) => UNTRACED.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      // Only statements inside a traced operation: the background loops' polling is not worth a trace each.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  return provider;
}

/** Sends the spans still buffered (at shutdown). */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
}

/** `traceId` and `spanId` of the active span, for every log line (pino's mixin). */
export function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/**
 * An incoming HTTP call in a SERVER span, for a process that instruments its calls itself
 * (`incomingHttp: false`): continues the caller's trace, ends when the answer is sent.
 */
export function traceIncoming(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  if (UNTRACED.test(req.url ?? '')) return handle();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const method = req.method ?? 'GET';
  const span = tracer().startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'url.path': (req.url ?? '').split('?')[0] },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), handle);
}
