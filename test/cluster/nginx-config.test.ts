import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/child-server';
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

/**
 * deploy/docker-compose.yml and deploy/nginx.conf name the same instances (no Docker engine runs
 * here, so this is what keeps the compose file from drifting away from the tested nginx file).
 */
describe('deploy/docker-compose.yml', () => {
  const compose = readFileSync(join(REPO_ROOT, 'deploy', 'docker-compose.yml'), 'utf8');
  const upstreams = [...readFileSync(DEPLOY_NGINX_CONF, 'utf8').matchAll(/^\s*server (flowbot-\d+):(\d+) /gm)];

  it('has a service for each upstream of nginx.conf, named by its INSTANCE_ID, on the port the image listens on', () => {
    expect(upstreams.length).toBeGreaterThanOrEqual(2);
    const dockerfilePort = /^\s*PORT=(\d+)/m.exec(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))?.[1];
    for (const [, name, port] of upstreams) {
      expect(compose).toMatch(new RegExp(`^  ${name}:\\n(    .*\\n)*?\\s+INSTANCE_ID: ${name}\\n`, 'm'));
      expect(port).toBe(dockerfilePort);
    }
  });

  it('mounts nginx.conf where the nginx image includes it, and shares one DATABASE_URL', () => {
    expect(compose).toContain('- ./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(compose.match(/DATABASE_URL: /g)).toHaveLength(1);
    expect(compose).toMatch(/<<: \*flowbot-env/);
  });
});
