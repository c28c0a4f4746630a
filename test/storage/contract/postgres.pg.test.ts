import { postgresBackend } from './backends';
import { describeStorageContract } from './storage-contract';

// The same contract as SQLite's (sqlite.test.ts), on a database of its own: npm run test:pg.
describeStorageContract(postgresBackend());
