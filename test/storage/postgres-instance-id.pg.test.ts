import { openPostgresStorage, type PostgresStorage } from '../../src/storage/postgres';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { RecordingLogger } from '../support/recording-logger';

let database: TestDatabase;
const opened: PostgresStorage[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
  await database.drop();
});

async function start(instanceId: string): Promise<{ storage: PostgresStorage; warnings: string[] }> {
  const logger = new RecordingLogger();
  const storage = await openPostgresStorage({ url: database.url, poolSize: 2, instanceId, logger });
  opened.push(storage);
  const warnings = logger
    .at('warn')
    .filter((line) => line.fields.code === 'instance_id_in_use')
    .map((line) => line.message);
  return { storage, warnings };
}

describe('two instances with one INSTANCE_ID (PostgreSQL)', () => {
  it('warns the one that starts second, and only while the first is connected', async () => {
    const first = await start('web-1');
    expect(first.warnings).toEqual([]);
    const second = await start('web-1');
    expect(second.warnings).toEqual([
      "INSTANCE_ID=web-1 is in use by another flowbot instance on this database (or by this instance's previous connection, " +
        'not yet closed by the server after a crash or a network cut): give each instance its own INSTANCE_ID, so that logs, ' +
        '/health and the owner of each conversation tell them apart',
    ]);
    expect((await start('web-2')).warnings).toEqual([]);

    await first.storage.close();
    // The second never held it: the next one to start with it is alone.
    expect((await start('web-1')).warnings).toEqual([]);
  });

  it('tells apart long ids that PostgreSQL would cut to the same application name', async () => {
    const prefix = 'x'.repeat(60);
    expect((await start(`${prefix}-a`)).warnings).toEqual([]);
    expect((await start(`${prefix}-b`)).warnings).toEqual([]);
    expect((await start(`${prefix}-a`)).warnings).toHaveLength(1);
  });
});
