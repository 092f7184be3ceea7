module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'scim-connector',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
