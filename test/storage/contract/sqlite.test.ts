import { sqliteBackend } from './backends';
import { describeStorageContract } from './storage-contract';

describeStorageContract(sqliteBackend());
