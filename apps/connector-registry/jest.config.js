module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'connector-registry',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
