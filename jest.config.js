// Two tiers (STYLE.md #13): unit specs beside the code, end-to-end suites in test/.
// Nest 12 ships ES modules; Jest's CommonJS runtime cannot require them, so SWC
// transforms those packages too (cached after the first run).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  testEnvironment: 'node',
  // TypeORM keeps its metadata on the global object; Jest's cleanup between files would warn on each access.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(typeorm|pg|pg-[a-z-]+|amqplib|prom-client|rxjs|lodash|express)/'],
  moduleNameMapper: {
    '^@courier-nest/(core|outbox|inbox|consumer|rabbitmq|microservices|golevelup|console|postgres)$': '<rootDir>/libs/$1/src',
    '^@courier-nest/(core|outbox|inbox|consumer|rabbitmq|microservices|golevelup|console|postgres)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
};

module.exports = {
  // Global, not per project: the end-to-end suites boot apps and talk to real services.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/{libs,apps}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/harness/jest-setup.ts'],
    },
  ],
};
