// Imported first by main.ts: tracing must patch http and pg before anything loads them.
import { startTracing } from '@org/tracing';

// The view reads (GET /v1/instances/…) are the hot path, answered from the cache: not traced.
startTracing('gateway', { untraced: /^GET \/v1\/instances\// });
