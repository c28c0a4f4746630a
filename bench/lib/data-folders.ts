/**
 * Imported first by the bench entry points: some src/ modules read their data files (schemas/) as
 * they load, so the links must exist before any of them is required.
 */
import { linkDataFolders } from './paths';

linkDataFolders();
