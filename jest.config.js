// Unit tests of every project in one run: `npx jest`. Integration suites: jest.int.config.js.
module.exports = { projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js'] };
