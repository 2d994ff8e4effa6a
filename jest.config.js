/** Two projects: pure unit tests run anywhere; integration tests get a real Temporal dev server and database. */
const transform = { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// faker ships ES modules only; let swc turn it into CommonJS like our own code.
const transformIgnorePatterns = ['/node_modules/(?!@faker-js/faker/)'];
module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, transformIgnorePatterns, testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
    },
  ],
  testTimeout: 120_000,
};
