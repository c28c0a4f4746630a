/**
 * The flow schema in an editor, with VS Code's own JSON language service (vscode-json-languageservice,
 * what VS Code's JSON support runs): a flow file that names the served schema in "$schema", and the
 * repository's .vscode/settings.json mapping, are validated and completed as the README shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CompletionList, type Diagnostic, getLanguageService, type LanguageService, TextDocument } from 'vscode-json-languageservice';
import { FakeDetector } from '../support/fake-detector';
import { checkedFetch } from '../support/http-client';
import { startTestServer, type TestServer } from '../support/test-server';

const ROOT = join(__dirname, '..', '..');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ detector: new FakeDetector() });
});
afterAll(() => server.close(true));

/** The language service as VS Code sets it up: schemas fetched over HTTP(S) or read from the workspace. */
function languageService(): LanguageService {
  return getLanguageService({
    schemaRequestService: async (uri) => {
      if (uri.startsWith('file:')) return readFileSync(new URL(uri), 'utf8');
      const res = await checkedFetch(uri);
      if (res.status !== 200) throw new Error(`${uri}: ${res.status}`);
      return res.text();
    },
  });
}

async function diagnose(service: LanguageService, uri: string, text: string): Promise<Diagnostic[]> {
  const document = TextDocument.create(uri, 'json', 1, text);
  return service.doValidation(document, service.parseJSONDocument(document));
}

async function complete(service: LanguageService, uri: string, text: string, marker: string): Promise<string[]> {
  const offset = text.indexOf(marker);
  const document = TextDocument.create(uri, 'json', 1, text.replace(marker, ''));
  const list: CompletionList | null = await service.doComplete(document, document.positionAt(offset), service.parseJSONDocument(document));
  return (list?.items ?? []).map((item) => item.label);
}

describe('a flow file naming the served schema in "$schema"', () => {
  const header = (): string => `{ "$schema": "${server.url}/schemas/flow.schema.json",`;

  it('is validated: a misspelt block type and an unknown property are marked, a good flow is not', async () => {
    const service = languageService();
    const bad = `${header()} "name": "Hi", "start": "hi", "blocks": [ { "id": "hi", "type": "mesage", "text": "Hello", "next": "hi", "colour": "red" } ] }`;
    const messages = (await diagnose(service, 'file:///work/hello.json', bad)).map((d) => d.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/"message", "wait", "intent", "end"/)]));
    const good = `${header()} "name": "Hi", "start": "hi", "blocks": [ { "id": "hi", "type": "end", "text": "Bye" } ] }`;
    expect(await diagnose(service, 'file:///work/hello.json', good)).toEqual([]);
  });

  it('is completed: block types, and the fields of a message block', async () => {
    const service = languageService();
    const types = await complete(service, 'file:///work/hello.json', `${header()} "blocks": [ { "id": "a", "type": |^| } ] }`, '|^|');
    expect(types).toEqual(expect.arrayContaining(['"message"', '"wait"', '"intent"', '"end"']));
    const fields = await complete(service, 'file:///work/hello.json', `${header()} "blocks": [ { "type": "message", |^| } ] }`, '|^|');
    expect(fields).toEqual(expect.arrayContaining(['id', 'text', 'next']));
    const top = await complete(service, 'file:///work/hello.json', `${header()} |^| }`, '|^|');
    expect(top).toEqual(expect.arrayContaining(['name', 'start', 'blocks', 'description', 'meta']));
  });
});

describe("the repository's .vscode/settings.json", () => {
  /** Its `json.schemas`, resolved as VS Code resolves workspace settings (`./` is the workspace folder). */
  function configured(): LanguageService {
    const settings = JSON.parse(readFileSync(join(ROOT, '.vscode', 'settings.json'), 'utf8')) as {
      'json.schemas': Array<{ fileMatch: string[]; url: string }>;
    };
    const folderUri = pathToFileURL(ROOT).href;
    const service = languageService();
    service.configure({
      validate: true,
      schemas: settings['json.schemas'].map((entry) => ({
        uri: entry.url.startsWith('./') ? pathToFileURL(join(ROOT, entry.url)).href : entry.url,
        fileMatch: entry.fileMatch,
        folderUri,
      })),
    });
    return service;
  }

  it('validates the bundled flow without a problem, and marks a broken one under flows/', async () => {
    const service = configured();
    const uri = pathToFileURL(join(ROOT, 'flows', 'travel-assistant.json')).href;
    expect(await diagnose(service, uri, readFileSync(join(ROOT, 'flows', 'travel-assistant.json'), 'utf8'))).toEqual([]);
    const broken = await diagnose(service, uri, '{ "name": "x", "start": "a", "blocks": [ { "id": "1bad", "type": "end" } ] }');
    expect(broken.map((d) => d.message)).toEqual([expect.stringMatching(/does not match the pattern/i)]);
  });

  it('completes a *.flow.json file anywhere', async () => {
    const uri = pathToFileURL(join(ROOT, 'examples', 'shop.flow.json')).href;
    expect(await complete(configured(), uri, '{ "blocks": [ { "type": |^| } ] }', '|^|')).toEqual(
      expect.arrayContaining(['"message"', '"wait"', '"intent"', '"end"']),
    );
  });
});
