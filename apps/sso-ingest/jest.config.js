module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'sso-ingest',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
