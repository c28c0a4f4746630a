import { openSqliteStorage } from '../../../src/storage/sqlite';
import type { Storage } from '../../../src/storage/repositories';
import { at, sampleFlow } from './helpers';

let storage: Storage;
beforeEach(() => {
  storage = openSqliteStorage({ path: ':memory:' });
});
afterEach(() => storage.close());

function upload(name: string, source?: string, createdAt = at(0)) {
  const flow = sampleFlow(name);
  return storage.flows.create({ flow, source: source ?? JSON.stringify(flow), createdAt });
}

describe('SqliteFlowRepository', () => {
  it('has no current version on an empty database', async () => {
    await expect(storage.flows.current()).resolves.toBeUndefined();
    await expect(storage.flows.currentVersion()).resolves.toBeUndefined();
    await expect(storage.flows.list()).resolves.toEqual([]);
    await expect(storage.flows.get(1)).resolves.toBeUndefined();
  });

  it('numbers versions 1, 2, 3 and makes each new one current', async () => {
    const v1 = await upload('one', undefined, at(1));
    expect(v1).toMatchObject({ version: 1, name: 'one', current: true, createdAt: at(1) });
    const v2 = await upload('two');
    expect(v2.version).toBe(2);
    const v3 = await upload('three');
    expect(v3.version).toBe(3);
    expect((await storage.flows.current())?.version).toBe(3);
    await expect(storage.flows.currentVersion()).resolves.toBe(3);
    expect((await storage.flows.get(1))?.current).toBe(false);
  });

  it('lists newest first with exactly one current flag', async () => {
    await upload('one', undefined, at(1));
    await upload('two', undefined, at(2));
    await upload('three', undefined, at(3));
    await storage.flows.activate(2);
    await expect(storage.flows.list()).resolves.toEqual([
      { version: 3, name: 'three', createdAt: at(3), current: false },
      { version: 2, name: 'two', createdAt: at(2), current: true },
      { version: 1, name: 'one', createdAt: at(1), current: false },
    ]);
  });

  it('activates an existing version and refuses a missing one without changing current', async () => {
    await upload('one');
    await upload('two');
    await expect(storage.flows.activate(1)).resolves.toBe(true);
    await expect(storage.flows.currentVersion()).resolves.toBe(1);
    expect((await storage.flows.current())?.name).toBe('one');
    await expect(storage.flows.activate(1)).resolves.toBe(true); // already current: still fine
    await expect(storage.flows.activate(7)).resolves.toBe(false);
    expect((await storage.flows.current())?.version).toBe(1);
    // A new upload still gets max + 1, not current + 1.
    expect((await upload('three')).version).toBe(3);
  });

  it('keeps the uploaded source byte for byte and parses it into flow', async () => {
    const source =
      '{\n\t"name" : "Grüße 🌍 \\u00e9",   "start":"hello",\r\n "blocks": [\n' +
      '  {"id":"hello","type":"end","text":"ça va? 日本語 \\n"}\n]   }\n\n';
    const created = await storage.flows.create({ flow: JSON.parse(source), source, createdAt: at(0) });
    const fetched = await storage.flows.get(created.version);
    expect(fetched?.source).toBe(source);
    expect(Buffer.from(fetched?.source ?? '', 'utf8').equals(Buffer.from(source, 'utf8'))).toBe(true);
    expect(fetched?.flow).toEqual(JSON.parse(source));
    expect(fetched?.name).toBe('Grüße 🌍 é');
    expect((await storage.flows.current())?.source).toBe(source);
  });

  it('refuses a source that is not JSON and stores nothing', async () => {
    await expect(storage.flows.create({ flow: sampleFlow('x'), source: '{not json', createdAt: at(0) })).rejects.toThrow(SyntaxError);
    await expect(storage.flows.list()).resolves.toEqual([]);
  });
});
