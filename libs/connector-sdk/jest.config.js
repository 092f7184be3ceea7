module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'connector-sdk',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
