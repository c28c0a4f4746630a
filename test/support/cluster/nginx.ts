import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../child-server';
import { until } from '../logged-process';

/**
 * Debian's nginx running deploy/nginx.conf on 127.0.0.1, as the tests' load balancer. The file is
 * used as it is shipped, with only its ports filled in (fillPorts); a small main configuration
 * around it (mainConfig) keeps everything nginx writes (pid, logs, temp files) in a folder of the test.
 */

export const NGINX_BIN = process.env.FLOWBOT_TEST_NGINX ?? '/usr/sbin/nginx';
export const DEPLOY_NGINX_CONF = join(REPO_ROOT, 'deploy', 'nginx.conf');

const SERVER_LINE = /^(\s*)server\s+\S+:\d+((?:\s+[a-z_]+=\S+)*)\s*;[^\n]*\n/gm;
const LISTEN_LINE = /^(\s*)listen\s+80\s*;/m;

/**
 * deploy/nginx.conf with each instance's port: the upstream's `server host:port params;` lines become
 * one line per port with the first line's parameters, and `listen 80;` listens on 127.0.0.1:listenPort.
 * Throws when the file no longer has those lines, so the tests cannot silently run another config.
 */
export function fillPorts(config: string, listenPort: number, upstreamPorts: readonly number[]): string {
  const upstream = /upstream\s+flowbot\s*\{[^}]*\}/.exec(config);
  if (!upstream) throw new Error('deploy/nginx.conf has no `upstream flowbot { ... }` block');
  const servers = [...upstream[0].matchAll(SERVER_LINE)];
  const first = servers[0];
  if (!first) throw new Error('the upstream of deploy/nginx.conf has no `server host:port ...;` line');
  if (!LISTEN_LINE.test(config)) throw new Error('deploy/nginx.conf has no `listen 80;` line');
  const [, indent = '', params = ''] = first;
  const lines = upstreamPorts.map((port) => `${indent}server 127.0.0.1:${port}${params};\n`).join('');
  let replaced = false;
  const block = upstream[0].replace(SERVER_LINE, () => {
    if (replaced) return '';
    replaced = true;
    return lines;
  });
  return config.replace(upstream[0], block).replace(LISTEN_LINE, `$1listen 127.0.0.1:${listenPort};`);
}

/** The process-level configuration around the flowbot file: everything inside `dir`, the current user. */
export function mainConfig(dir: string, includeFile: string): string {
  const tmp = (name: string): string => join(dir, 'tmp', name);
  // As root the workers would otherwise switch to `nobody`, who may not write the test's folder.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : '';
  return `${user}daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 16384;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 8192; }
http {
    # Which instance answered each request (a WebSocket is logged when it closes).
    log_format flowbot_test '$status $upstream_addr $request_method $request_uri';
    access_log ${join(dir, 'access.log')} flowbot_test;
    client_body_temp_path ${tmp('body')};
    proxy_temp_path ${tmp('proxy')};
    fastcgi_temp_path ${tmp('fastcgi')};
    uwsgi_temp_path ${tmp('uwsgi')};
    scgi_temp_path ${tmp('scgi')};
    include ${includeFile};
}
`;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Nginx {
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  /** The access log so far: `status upstream-address method uri`, one line per request. */
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** Starts nginx on `port` in front of `upstreamPorts`, once `nginx -t` accepts the configuration. */
export async function startNginx(dir: string, port: number, upstreamPorts: readonly number[]): Promise<Nginx> {
  if (!existsSync(NGINX_BIN)) throw new Error(`${NGINX_BIN} is missing: install Debian's nginx (apt-get install nginx), as .ci/run does`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const template = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
  const site = join(dir, 'flowbot.conf');
  const main = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  const args = ['-p', dir, '-e', errorLog, '-c', main];
  writeFileSync(site, fillPorts(template, port, upstreamPorts));
  writeFileSync(main, mainConfig(dir, site));
  await execFileAsync(NGINX_BIN, [...args, '-t', '-q']).catch((err: Error & { stderr?: string }) => {
    throw new Error(`nginx -t refused the configuration: ${err.stderr ?? err.message}`);
  });
  const proc: ChildProcess = spawn(NGINX_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  try {
    await until(async () => gone || (await portOpen(port)), `nginx to listen on 127.0.0.1:${port}`, 10000);
    if (gone) throw new Error(`nginx exited: ${stderr}${read(errorLog)}`);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    accessLog: () => read(join(dir, 'access.log')),
    errorLog: () => read(errorLog),
    async stop() {
      if (gone) return;
      // SIGTERM: fast shutdown of the master and its workers (SIGKILL would leave the workers behind).
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
