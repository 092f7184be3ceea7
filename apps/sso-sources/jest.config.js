module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'sso-sources',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
