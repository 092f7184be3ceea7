module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'provisioning-resolver',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
