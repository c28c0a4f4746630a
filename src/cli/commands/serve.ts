import { serve } from '../../main';
import type { CliIo } from '../io';

/** `flowbot serve`: the server, as `npm start`. Resolves with 0 after a graceful shutdown. */
export async function serveCommand(_args: string[], io: CliIo): Promise<number> {
  await serve(io.env);
  return 0;
}
