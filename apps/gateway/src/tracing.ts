// Imported first by main.ts: tracing must patch http and pg before anything loads them.
import { startTracing } from '@org/tracing';

// Incoming calls are traced by the gateway itself (answerCachedReads): every call but a cache hit,
// the hot path, which costs less than instrumenting it.
startTracing('gateway', { incomingHttp: false });
