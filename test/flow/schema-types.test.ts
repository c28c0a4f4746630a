import { readFileSync } from 'node:fs';
import { FLOW_SCHEMA_PATH } from '../../src/flow/schema';
import type {
  Choice,
  Comparison,
  ConditionBlock,
  ConditionCase,
  EndBlock,
  Expect,
  Flow,
  IntentBlock,
  IntentOption,
  InvalidAnswer,
  MessageBlock,
  NoReply,
  SetBlock,
  WaitBlock,
} from '../../src/flow/types';

/**
 * schemas/flow.schema.json is the source of truth; src/flow/types.ts mirrors it by hand. The key lists
 * below are checked against the TypeScript types by the compiler (`satisfies`) and against the schema by
 * this test, so a field added, removed or made optional on one side only fails the build or the test.
 */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type KeySpec<T> = { all: Record<keyof T, true>; required: Record<RequiredKeys<T>, true> };

const spec = {
  flow: {
    all: { $schema: true, name: true, description: true, start: true, blocks: true, meta: true },
    required: { name: true, start: true, blocks: true },
  } satisfies KeySpec<Flow>,
  messageBlock: {
    all: { id: true, type: true, text: true, next: true },
    required: { id: true, type: true, text: true, next: true },
  } satisfies KeySpec<MessageBlock>,
  waitBlock: {
    all: { id: true, type: true, saveAs: true, next: true, choices: true, expect: true, invalid: true, noReply: true },
    required: { id: true, type: true, next: true },
  } satisfies KeySpec<WaitBlock>,
  intentBlock: {
    all: { id: true, type: true, intents: true, noMatch: true, onError: true, maxNoMatch: true, onMaxNoMatch: true },
    required: { id: true, type: true, intents: true, noMatch: true },
  } satisfies KeySpec<IntentBlock>,
  intentOption: {
    all: { id: true, description: true, examples: true, synonyms: true, next: true },
    required: { id: true, description: true, next: true },
  } satisfies KeySpec<IntentOption>,
  endBlock: {
    all: { id: true, type: true, text: true },
    required: { id: true, type: true },
  } satisfies KeySpec<EndBlock>,
  choice: { all: { label: true, value: true, next: true }, required: { label: true } } satisfies KeySpec<Choice>,
  expect: { all: { type: true, min: true, max: true, pattern: true }, required: { type: true } } satisfies KeySpec<Expect>,
  invalid: { all: { text: true, maxTries: true, next: true }, required: {} } satisfies KeySpec<InvalidAnswer>,
  noReply: {
    all: { afterSeconds: true, text: true, maxTimes: true, next: true },
    required: { afterSeconds: true },
  } satisfies KeySpec<NoReply>,
  conditionBlock: {
    all: { id: true, type: true, cases: true, else: true },
    required: { id: true, type: true, cases: true, else: true },
  } satisfies KeySpec<ConditionBlock>,
  conditionCase: { all: { when: true, next: true }, required: { when: true, next: true } } satisfies KeySpec<ConditionCase>,
  comparison: { all: { var: true, op: true, value: true }, required: { var: true, op: true } } satisfies KeySpec<Comparison>,
  setBlock: {
    all: { id: true, type: true, assign: true, next: true },
    required: { id: true, type: true, assign: true, next: true },
  } satisfies KeySpec<SetBlock>,
};

interface ObjectSchema {
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

const schema = JSON.parse(readFileSync(FLOW_SCHEMA_PATH, 'utf8')) as ObjectSchema & { definitions: Record<string, ObjectSchema> };

describe('flow schema and TypeScript types', () => {
  it.each(Object.entries(spec))('%s has the same properties and required ones in both', (name, keys) => {
    const objectSchema = name === 'flow' ? schema : schema.definitions[name];
    expect(objectSchema).toBeDefined();
    expect(Object.keys(objectSchema!.properties).sort()).toEqual(Object.keys(keys.all).sort());
    expect([...(objectSchema!.required ?? [])].sort()).toEqual(Object.keys(keys.required).sort());
    expect(objectSchema!.additionalProperties).toBe(false);
  });

  it('lists every block type the types know', () => {
    const blockTypes: Record<Flow['blocks'][number]['type'], true> = {
      message: true,
      wait: true,
      intent: true,
      end: true,
      condition: true,
      set: true,
      http: true,
    };
    const schemaTypes = (schema.definitions.block!.properties.type as { enum: string[] }).enum;
    expect([...schemaTypes].sort()).toEqual(Object.keys(blockTypes).sort());
  });
});
