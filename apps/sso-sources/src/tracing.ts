// Imported first by main.ts: tracing must patch http and pg before anything loads them.
import { startTracing } from '@org/tracing';

startTracing('sso-sources');
