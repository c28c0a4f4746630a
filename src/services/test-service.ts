import { errors } from '../errors';
import type { IntentDetector } from '../intent/detector';
import { DEFAULT_BOT } from '../storage/records';
import { checkTestSuite, conversationToTest, runSuite, type SuiteResult, type TestSuite } from '../testing';
import type { FlowsOf } from './chat-service';
import type { FlowService } from './flow-service';
import type { HistoryService } from './history-service';

/** What running a test document over REST answers (the CLI's result without its timing). */
export type TestRunAnswer = Omit<SuiteResult, 'durationMs'>;

/** Conversation tests against stored flow versions, and real conversations turned into tests. */
export class FlowTestService {
  constructor(
    private readonly flowsOf: FlowsOf,
    private readonly history: HistoryService,
    /** The local classifier, for documents with `"intents": "local"`. */
    private readonly localDetector: () => IntentDetector,
  ) {}

  /** Runs a test document (no `flow`: the version is the flow) against version `ref` of a bot's `flows`; 422 for a bad document. */
  async run(flows: FlowService, ref: string, body: unknown): Promise<TestRunAnswer> {
    const machine = await flows.machine(ref);
    const checked = checkTestSuite(body);
    if (!checked.ok) throw errors.invalidBody(`the test document has ${checked.errors.length} error(s)`, checked.errors);
    const { summary } = await runSuite(checked.value, { compiled: machine.compiled, localDetector: this.localDetector });
    const { durationMs: _durationMs, ...answer } = summary;
    return answer;
  }

  /** A test document that replays conversation `id` on its bot's flow version, with its detections scripted. */
  async fromConversation(id: string): Promise<{ botId: string; flowVersion: number; suite: TestSuite }> {
    const conversation = await this.history.get(id);
    const botId = conversation.bot ?? DEFAULT_BOT;
    const machine = await (await this.flowsOf(botId)).machine(conversation.flowVersion);
    return { botId, flowVersion: conversation.flowVersion, suite: conversationToTest(conversation, machine.compiled.flow) };
  }
}
