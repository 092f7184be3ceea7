// Runs before each integration test file (jest.int.config.js `setupFilesAfterEnv`): the file
// gets topics and a database of its own (test-scope.ts). Jest gives every file its own copy
// of process.env, so what is set here reaches this file, the services it starts and nothing else.
import { join, relative } from 'node:path';
import { createScope, scopeEnv, scopeOf } from './test-scope';

const file = relative(join(__dirname, '../../..'), expect.getState().testPath!)
  .replace(/^(apps|libs|e2e)\//, '')
  .replace(/(\/test)?\/([^/]+)\.int-spec\.ts$/, '/$2');
// The file's scope nests under the run's prefix (the global setup leaves a placeholder in KAFKA_TOPIC_PREFIX).
delete process.env.KAFKA_TOPIC_PREFIX;
const scope = scopeOf(file);
// Set when the file loads (it may read its prefix then); the topics and database exist from its first hook on.
Object.assign(process.env, scopeEnv(scope));
beforeAll(() => createScope(scope), 120_000);
