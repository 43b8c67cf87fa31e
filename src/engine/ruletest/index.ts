/**
 * @module engine/ruletest
 * Public surface of the Sigma rule-test runner: `runRuleTests(paths, opts)` and its report model,
 * plus the test-file reader (for `fathom rules test` and editors).
 */
export { runRuleTests } from './run.js';
export type { RuleTestFile, TestCase, TestEvent } from './testfile.js';
export {
  isTestFile,
  MAX_EVENTS_PER_CASE,
  MAX_TEST_FILE_BYTES,
  parseTestFile,
  readTestFile,
  testFileFor,
} from './testfile.js';
export type {
  CaseResult,
  RuleTestFailure,
  RuleTestFailureCode,
  RuleTestOptions,
  RuleTestReport,
  RuleTestResult,
  RuleTestTotals,
  Tally,
} from './types.js';
