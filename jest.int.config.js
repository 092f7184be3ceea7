// Integration suites over real Kafka and PostgreSQL. One global setup for all of them
// (libs/testing/src/infra): env vars when set, else Testcontainers, else tools/kafka and
// the local PostgreSQL; each test file gets its own database and topic prefix.
module.exports = {
  ...require('./jest.preset.js'),
  displayName: 'integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/{apps,libs,e2e}/**/test/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  // Every test file on topics and a database of its own (libs/testing/src/test-scope.ts).
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/suite-setup.ts'],
  testSequencer: '<rootDir>/libs/testing/src/test-sequencer.js',
  testTimeout: 120_000,
  maxWorkers: 2,
};
