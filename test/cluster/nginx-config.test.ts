import { readFileSync } from 'node:fs';
import { DEPLOY_NGINX_CONF, fillPorts } from '../support/cluster/nginx';

/** The template step the cluster tests rely on: deploy/nginx.conf with only its ports changed. */
describe('deploy/nginx.conf with ports filled in', () => {
  const shipped = readFileSync(DEPLOY_NGINX_CONF, 'utf8');

  it('puts one upstream line per instance, with the shipped parameters, and listens on loopback', () => {
    const filled = fillPorts(shipped, 18080, [18081, 18082, 18083]);
    const upstream = /upstream flowbot \{[^}]*\}/.exec(filled)?.[0] ?? '';
    const servers = upstream.split('\n').filter((l) => /^\s*server /.test(l));
    expect(servers.map((l) => l.trim())).toEqual([
      'server 127.0.0.1:18081 max_fails=2 fail_timeout=10s;',
      'server 127.0.0.1:18082 max_fails=2 fail_timeout=10s;',
      'server 127.0.0.1:18083 max_fails=2 fail_timeout=10s;',
    ]);
    expect(filled).toContain('listen 127.0.0.1:18080;');
    expect(filled).not.toMatch(/listen 80;|flowbot-\d:8080/);
    // Nothing else changed: the rest of the file is the shipped one, line for line.
    const rest = (text: string): string[] => text.split('\n').filter((l) => !/^\s*(server|listen) /.test(l));
    expect(rest(filled)).toEqual(rest(shipped));
  });

  it('refuses a file that no longer has the lines it fills in', () => {
    expect(() => fillPorts(shipped.replace('upstream flowbot', 'upstream other'), 1, [2])).toThrow(/upstream flowbot/);
    expect(() => fillPorts(shipped.replace('listen 80;', 'listen 8080;'), 1, [2])).toThrow(/listen 80/);
  });
});
