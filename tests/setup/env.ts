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

/**
 * The suite's payload key ring. A fixed, public test key on purpose: committed replay histories were recorded
 * with it and must decrypt. Never use it anywhere else.
 */
export const TEST_PAYLOAD_KEYS = 'test1:dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAxMjM0NTY=';
