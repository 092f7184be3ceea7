module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'days',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
