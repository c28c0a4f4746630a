import { embeddedIpv4, nonPublicRange } from '../../src/outbound/address-ranges';
import { parseAllowedHosts } from '../../src/outbound/allowed-hosts';

describe('the address guard: which addresses are not public', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['169.254.0.1', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['0.1.2.3', 'unspecified ("this network")'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved (broadcast included)'],
    ['240.0.0.1', 'reserved (broadcast included)'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['198.18.0.1', 'benchmarking'],
  ])('refuses IPv4 %s (%s)', (address, kind) => {
    expect(nonPublicRange(address)).toBe(kind);
  });

  it.each([
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456:789a::1', 'private (unique local)'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['100::1', 'discard-only'],
  ])('refuses IPv6 %s (%s)', (address, kind) => {
    expect(nonPublicRange(address)).toBe(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local (cloud metadata)'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['::ffff:100.64.0.1', 'carrier-grade NAT'],
    ['::ffff:0.0.0.0', 'unspecified ("this network")'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b:1::a9fe:a9fe', 'link-local (cloud metadata)'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
  ])('refuses %s, which carries an IPv4 address that is %s', (address, kind) => {
    expect(nonPublicRange(address)).toBe(`${kind} (as ${address})`);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('lets the public address %s through', (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });

  it('counts anything that is not an IP address as not public', () => {
    expect(nonPublicRange('localhost')).toBe('not an IP address');
    expect(nonPublicRange('')).toBe('not an IP address');
  });

  it('reads the IPv4 address carried by mapped, compatible, NAT64 and 6to4 forms', () => {
    expect(embeddedIpv4('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(embeddedIpv4('::ffff:c000:201')).toBe('192.0.2.1');
    expect(embeddedIpv4('64:ff9b::c000:201')).toBe('192.0.2.1');
    expect(embeddedIpv4('2002:c000:201::')).toBe('192.0.2.1');
    expect(embeddedIpv4('::1')).toBeUndefined();
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
  });
});

describe('HTTP_ALLOWED_HOSTS', () => {
  const { hosts, problems } = parseAllowedHosts('orders.internal, 127.0.0.1:4000, 10.1.0.0/16, [::1]:5000, fd00::/8, ::ffff:127.0.0.2');

  it('reads hosts, host:port pairs and CIDR ranges', () => {
    expect(problems).toEqual([]);
    expect(hosts.entries).toEqual(['orders.internal', '127.0.0.1:4000', '10.1.0.0/16', '[::1]:5000', 'fd00::/8', '::ffff:127.0.0.2']);
  });

  it('lets a host name through on any port, whatever it resolves to', () => {
    expect(hosts.allows('orders.internal', 443, '10.9.9.9')).toBe(true);
    expect(hosts.allows('ORDERS.internal', 8080, '192.168.0.4')).toBe(true);
    expect(hosts.allows('other.internal', 443, '10.9.9.9')).toBe(false);
  });

  it('lets host:port through on that port only', () => {
    expect(hosts.allows('127.0.0.1', 4000, '127.0.0.1')).toBe(true);
    expect(hosts.allows('127.0.0.1', 4001, '127.0.0.1')).toBe(false);
    expect(hosts.allows('localhost', 4000, '127.0.0.1')).toBe(true);
    expect(hosts.allows('::1', 5000, '::1')).toBe(true);
    expect(hosts.allows('::1', 5001, '::1')).toBe(false);
  });

  it('lets a CIDR range through on any port', () => {
    expect(hosts.allows('db.internal', 1, '10.1.200.3')).toBe(true);
    expect(hosts.allows('db.internal', 1, '10.2.0.1')).toBe(false);
    expect(hosts.allows('x', 1, 'fd00::5')).toBe(true);
  });

  it('names every entry it cannot read', () => {
    expect(parseAllowedHosts('10.0.0.0/33, host:99999, bad host, 300.1.1.1/8, ok.example').problems).toEqual([
      '"10.0.0.0/33" is not a CIDR range like 10.0.0.0/8',
      '"host:99999": the port must be from 1 to 65535',
      '"bad host" is not a host, host:port or CIDR range',
      '"300.1.1.1/8" is not a CIDR range like 10.0.0.0/8',
    ]);
    expect(parseAllowedHosts('').hosts.allows('127.0.0.1', 80, '127.0.0.1')).toBe(false);
  });
});
