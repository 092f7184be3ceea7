// Integration suites over real Kafka and PostgreSQL. One global setup for all of them
// (libs/testing/src/infra): env vars when set, else Testcontainers, else tools/kafka and
// the local PostgreSQL; each run gets its own database and topic prefix.
module.exports = {
  ...require('./jest.preset.js'),
  displayName: 'integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/{apps,libs,e2e}/**/test/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
};
