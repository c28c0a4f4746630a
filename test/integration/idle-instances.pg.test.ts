import { FakeDetector } from '../support/fake-detector';
import { IDLE_MS, idleSilenceRace, idleSweepRace } from '../support/idle-sweep-race';
import { ManualClock } from '../support/manual-clock';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Two instances on one PostgreSQL: B's idle sweep (which runs for both, through Storage.exclusive)
 * marks a conversation abandoned while A still holds its socket, A's own sweep not having run yet.
 */
let database: TestDatabase;
let a: TestServer;
let b: TestServer;
const clockA = new ManualClock();
const clockB = new ManualClock();
const detector = new FakeDetector();

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { IDLE_TIMEOUT_MS: String(IDLE_MS) };
  a = await startTestServer({ databaseUrl: database.url, clock: clockA, detector, env: { ...env, INSTANCE_ID: 'a' } });
  b = await startTestServer({ databaseUrl: database.url, clock: clockB, detector: new FakeDetector(), env: { ...env, INSTANCE_ID: 'b' } });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
});

it("closes A's socket as an idle expiry once B's sweep marked its conversation abandoned, unless it was not idle", async () => {
  await idleSweepRace(a, detector, [clockA, clockB], () => b.app.chat.expireIdle(IDLE_MS));
});

it("refuses A's turn of a silence that came due after B's sweep marked the conversation abandoned", async () => {
  await idleSilenceRace(a, [clockA, clockB], () => b.app.chat.expireIdle(IDLE_MS));
});
