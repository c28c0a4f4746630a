import { BlockList, isIP } from 'node:net';

/**
 * Addresses an http block may not reach unless HTTP_ALLOWED_HOSTS lets it: everything that is not
 * the public internet. Node's BlockList does the CIDR matching; the IPv6 forms that carry an IPv4
 * address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are checked by the address they carry, so
 * `::ffff:127.0.0.1`, `64:ff9b::a00:1` or `2002:7f00:1::` are refused like 127.0.0.1 and 10.0.0.1.
 */
const IPV4_RANGES: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (broadcast included)'],
];

const IPV6_RANGES: ReadonlyArray<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function listOf(ranges: ReadonlyArray<[string, number, string]>, family: 'ipv4' | 'ipv6'): Array<[BlockList, string]> {
  return ranges.map(([network, prefix, kind]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [list, kind];
  });
}

const V4 = listOf(IPV4_RANGES, 'ipv4');
const V6 = listOf(IPV6_RANGES, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad included). */
function groupsOf(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function quadOf(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if it carries one. */
export function embeddedIpv4(address: string): string | undefined {
  const g = groupsOf(address);
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated; :: and ::1 are not IPv4).
  if (zeros(0, 5) && g[5] === 0xffff) return quadOf(g[6] as number, g[7] as number);
  if (zeros(0, 6) && ((g[6] as number) !== 0 || (g[7] as number) > 1)) return quadOf(g[6] as number, g[7] as number);
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052) and 64:ff9b:1::/48 (local-use NAT64, RFC 8215).
  if (g[0] === 0x64 && g[1] === 0xff9b && (zeros(2, 6) || g[2] === 1)) return quadOf(g[6] as number, g[7] as number);
  // 2002:AABB:CCDD::/48 (6to4).
  if (g[0] === 0x2002) return quadOf(g[1] as number, g[2] as number);
  return undefined;
}

/**
 * Why `address` (an IP address as text) is not a public one, in words ("loopback", "private", ...);
 * undefined for a public address. Anything that is not an IP address at all counts as not public.
 */
export function nonPublicRange(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return V4.find(([list]) => list.check(address, 'ipv4'))?.[1];
  if (family !== 6) return 'not an IP address';
  const carried = embeddedIpv4(address);
  if (carried !== undefined) {
    const kind = nonPublicRange(carried);
    return kind === undefined ? undefined : `${kind} (as ${address})`;
  }
  return V6.find(([list]) => list.check(address, 'ipv6'))?.[1];
}
