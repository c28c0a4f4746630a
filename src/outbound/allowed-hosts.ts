import { BlockList, isIP } from 'node:net';

/**
 * HTTP_ALLOWED_HOSTS: the non-public destinations an operator lets http blocks reach (a service on
 * the same host or the private network). Comma-separated entries:
 * - `host`: that host name or IP address, any port;
 * - `host:port` (`[v6]:port` for an IPv6 address): that port only;
 * - a CIDR range (`10.1.0.0/16`, `fd00::/8`): every address in it, any port.
 * A host name entry lets through whatever addresses the name resolves to; the connection still goes
 * only to the address that was resolved (and checked) for the request.
 */
export interface AllowedHosts {
  /** True when a request to `hostname:port` that resolved to `address` may connect although the address is not public. */
  allows(hostname: string, port: number, address: string): boolean;
  /** The entries as given, for messages. */
  readonly entries: readonly string[];
}

interface HostEntry {
  host: string;
  port: number | undefined;
}

/** Host names compare case-insensitively; IPv6 literals without brackets, in their canonical form. */
function normalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare.toLowerCase();
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function parseEntry(entry: string, ranges: BlockList, hosts: HostEntry[]): string | undefined {
  const slash = entry.indexOf('/');
  if (slash !== -1) {
    const network = entry.slice(0, slash);
    const prefixText = entry.slice(slash + 1);
    const family = isIP(network);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === 0 || !(prefix <= (family === 4 ? 32 : 128))) return `${JSON.stringify(entry)} is not a CIDR range like 10.0.0.0/8`;
    ranges.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return undefined;
  }
  if (isIP(entry) === 6) {
    hosts.push({ host: normalHost(entry), port: undefined });
    return undefined;
  }
  const withPort = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(entry);
  const host = withPort ? (withPort[1] as string) : entry;
  const port = withPort ? Number(withPort[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return `${JSON.stringify(entry)}: the port must be from 1 to 65535`;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (host.startsWith('[') ? isIP(bare) !== 6 : isIP(bare) === 0 && !HOST_NAME.test(bare)) {
    return `${JSON.stringify(entry)} is not a host, host:port or CIDR range`;
  }
  hosts.push({ host: normalHost(host), port });
  return undefined;
}

/** Reads HTTP_ALLOWED_HOSTS; every entry that cannot be read is a problem (the server does not start). */
export function parseAllowedHosts(text: string): { hosts: AllowedHosts; problems: string[] } {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const ranges = new BlockList();
  const hosts: HostEntry[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const problem = parseEntry(entry, ranges, hosts);
    if (problem) problems.push(problem);
  }
  const allows = (hostname: string, port: number, address: string): boolean => {
    const name = normalHost(hostname);
    const ip = normalHost(address);
    if (hosts.some((entry) => (entry.host === name || entry.host === ip) && (entry.port === undefined || entry.port === port))) return true;
    const family = isIP(ip);
    return family !== 0 && ranges.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
  return { hosts: Object.freeze({ allows, entries: Object.freeze(entries) }), problems };
}
