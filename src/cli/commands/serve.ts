import { serve } from '../../main';
import type { Command } from '../command';
import { EXIT_OK } from '../io';

export const serveCommand: Command = {
  name: 'serve',
  synopsis: '',
  summary: 'run the server (as npm start)',
  description: 'Runs the REST and WebSocket server with the settings of the environment (see the README) until SIGTERM or SIGINT.',
  options: {},
  positionals: [],
  exitCodes: '0 after a graceful shutdown, 2 bad setting or address in use',
  async run(_args, io) {
    await serve(io.env);
    return EXIT_OK;
  },
};
