/**
 * Jest runs TypeScript through ts-jest; tsconfig's isolatedModules makes it transpile file by file
 * (fast, decorator metadata emitted as tsc does). Type checking is `npm run build`'s job.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/contracts', '<rootDir>/adapters', '<rootDir>/mocks', '<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/helpers/global.setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global.teardown.ts',
};
