/** Conversation tests: files, runner, coverage and generation. Knows nothing of HTTP, SQL or files. */
export * from './test-document';
export { runConversationTest, type TestFailure, type TestResult, type TestTarget } from './run-test';
export { runSuite, type SuiteResult, type SuiteRun } from './run-suite';
export { coverageOf, machineTransitions, transitionLabel, type Coverage, type MachineTransition } from './transitions';
export { junitXml, type JunitSuite } from './junit';
export { describeFailure, formatSuite, percent } from './report';
export { generateTests, type GeneratedSuite, type GenerateOptions, type Unreachable } from './generate';
export { formatTestDocument } from './format';
export { conversationToTest, type RecordedConversation } from './from-history';
