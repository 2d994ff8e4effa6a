/** Where global setup leaves what it started, for the test files and for teardown. */


export interface TestEnvironment {
  temporalAddress: string;
  databaseUrl: string;
  workflowBundlePath: string;
  tempDir: string;
}

export function readTestEnvironment(): TestEnvironment {
  const raw = process.env.MFO_TEST_ENV;
  if (!raw) throw new Error('Integration tests must run under jest with the integration project global setup (npm test).');
  return JSON.parse(raw) as TestEnvironment;
}
