import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import {
  consumeSpanParent,
  contextOfStored,
  currentTraceContext,
  inSpan,
  startTracing,
  traceFields,
  traceHeaders,
} from './index';

// The hops of one trace inside and between processes, on an in-memory exporter: a request's span,
// the outbox row written in it, the relay's send continuing it, the consumer's chunk under it.
describe('trace context through the outbox and Kafka headers', () => {
  const exporter = new InMemorySpanExporter();
  const provider = startTracing('test', { exporter });
  const spans = async () => {
    await provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  beforeEach(() => exporter.reset());

  it('continues the trace of the transaction that wrote an outbox row, then of the message it became', async () => {
    let stored: string | null = null;
    let logged: ReturnType<typeof traceFields> = {};
    await inSpan('POST /v1/connections', { kind: SpanKind.SERVER }, async () => {
      stored = currentTraceContext(); // what addToOutbox keeps with the row
      logged = traceFields();
    });
    expect(currentTraceContext()).toBeNull(); // outside any span, nothing to keep
    // The relay, later and elsewhere: a PRODUCER span child of the stored context, into the headers.
    const parent = contextOfStored(stored)!;
    const publish = trace.getTracer('t').startSpan('outbox publish', { kind: SpanKind.PRODUCER }, parent);
    const headers = traceHeaders(trace.setSpan(parent, publish));
    publish.end();
    // The consumer: its chunk under the first traced message, linked to the others.
    const other = traceHeaders(trace.setSpan(context.active(), trace.getTracer('t').startSpan('elsewhere')));
    const { parent: consumed, links } = consumeSpanParent([undefined, headers, other]);
    await inSpan('registry.connections.v1 process', { kind: SpanKind.CONSUMER, parent: consumed, links }, async () =>
      inSpan('view write', {}, async () => undefined),
    );

    const finished = await spans();
    const byName = new Map(finished.map((s) => [s.name, s]));
    const request = byName.get('POST /v1/connections')!;
    const chain = ['view write', 'registry.connections.v1 process', 'outbox publish', 'POST /v1/connections'];
    for (const [child, parentName] of chain.slice(0, -1).map((n, i) => [n, chain[i + 1]]))
      expect([child, byName.get(child)!.parentSpanContext?.spanId]).toEqual([
        child,
        byName.get(parentName)!.spanContext().spanId,
      ]);
    expect(new Set(chain.map((n) => byName.get(n)!.spanContext().traceId))).toEqual(
      new Set([request.spanContext().traceId]),
    );
    expect(byName.get('registry.connections.v1 process')!.links).toHaveLength(1);
    expect(logged).toEqual({ traceId: request.spanContext().traceId, spanId: request.spanContext().spanId });
  });

  it('starts a new trace for a chunk whose messages carry none, and ignores a stored context it cannot read', async () => {
    expect(contextOfStored('not json')).toBeNull();
    expect(contextOfStored(null)).toBeNull();
    const { parent, links } = consumeSpanParent([undefined, { traceparent: Buffer.from('garbage') }]);
    expect(links).toEqual([]);
    await inSpan('process', { parent }, async () => undefined);
    const [span] = await spans();
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('ends the span and marks it failed when the work throws', async () => {
    await expect(inSpan('failing', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [span] = await spans();
    expect(span.status).toMatchObject({ code: 2, message: 'boom' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });
});
