module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'service',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
