import {
  type Context,
  context,
  type Link,
  propagation,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/** A chunk of thousands of messages links to the first few traces only. */
const MAX_LINKS = 32;

/** The one tracer of the project's own spans. */
export const tracer = () => trace.getTracer('provisioning');

/** Kafka header values as kafkajs gives them (Buffer, string, or arrays of them). */
type HeaderValue = Buffer | string | Array<Buffer | string> | undefined;

const getter = {
  keys: (carrier: Record<string, HeaderValue>) => Object.keys(carrier),
  get: (carrier: Record<string, HeaderValue>, key: string) => {
    const value = carrier[key];
    const one = Array.isArray(value) ? value[0] : value;
    return one === undefined ? undefined : one.toString();
  },
};

/** The W3C trace context (`traceparent`, `tracestate`) of `ctx`, as message headers. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/** The context a message's headers carry (the root context when they carry none). */
export const contextOfHeaders = (headers: Record<string, HeaderValue> | undefined): Context =>
  propagation.extract(context.active(), headers ?? {}, getter);

/**
 * The trace context of the running code as one string, kept with an outbox row so the relay's
 * send continues the trace of the transaction that wrote it; null outside a trace.
 */
export function currentTraceContext(): string | null {
  const headers = traceHeaders();
  return headers.traceparent ? JSON.stringify(headers) : null;
}

/** The context an outbox row kept (see currentTraceContext). */
export function contextOfStored(stored: string | null | undefined): Context | null {
  if (!stored) return null;
  try {
    return contextOfHeaders(JSON.parse(stored) as Record<string, string>);
  } catch {
    return null;
  }
}

/**
 * The PRODUCER span of the send of outbox rows written under `stored` (see currentTraceContext),
 * continuing that trace, and the headers that carry it on; null when nothing readable was kept.
 * The caller ends the span once the broker has the messages.
 */
export function publishSpanOf(stored: string): { span: Span; headers: Record<string, string> } | null {
  const parent = contextOfStored(stored);
  if (!parent) return null;
  const span = tracer().startSpan('outbox publish', { kind: SpanKind.PRODUCER }, parent);
  return { span, headers: traceHeaders(trace.setSpan(parent, span)) };
}

/** Runs `fn` in a new span (child of the active one unless `parent` is given), ending it however `fn` ends. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number>; parent?: Context; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * The span of a consumer's chunk: child of the first message that carries a trace context, linked
 * to every other one (a chunk mixes messages of many traces).
 */
export function consumeSpanParent(headers: Array<Record<string, HeaderValue> | undefined>): {
  parent: Context;
  links: Link[];
} {
  // A chunk holds up to thousands of messages: read headers only until the parent and the links are found.
  const traced: SpanContext[] = [];
  for (const h of headers) {
    if (traced.length > MAX_LINKS) break;
    if (!h?.traceparent) continue;
    const found = trace.getSpanContext(contextOfHeaders(h));
    if (found && trace.isSpanContextValid(found)) traced.push(found);
  }
  if (!traced.length) return { parent: context.active(), links: [] };
  const [first, ...rest] = traced;
  const links = rest.map((c) => ({ context: c }));
  return { parent: trace.setSpanContext(context.active(), first), links };
}

export { SpanKind };
