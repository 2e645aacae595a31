// Which IP addresses a link fetched on a user's behalf may reach: only public unicast ones, so a
// sheet cannot make the server read its own cloud metadata or internal services (SSRF).
import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';
/** [network, prefix length, what it is, for a person]; the first match names the address. */
type Rule = readonly [string, number, string];

const V4_RULES: readonly Rule[] = [
  ['169.254.169.254', 32, 'a cloud metadata address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['0.0.0.0', 8, 'a reserved address'],
  ['10.0.0.0', 8, 'a private address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.168.0.0', 16, 'a private address'],
  ['100.64.0.0', 10, 'a private address'], // carrier-grade NAT: private to the provider
  ['169.254.0.0', 16, 'a link-local address'],
  ['192.0.0.0', 24, 'a reserved address'], // IETF protocol assignments
  ['192.0.2.0', 24, 'a documentation address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['255.255.255.255', 32, 'a broadcast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

const V6_RULES: readonly Rule[] = [
  ['fd00:ec2::254', 128, 'a cloud metadata address'], // AWS's IPv6 metadata endpoint
  ['::1', 128, 'a loopback address'],
  ['::', 128, 'an unspecified address'],
  ['fc00::', 7, 'a private address'],
  ['fec0::', 10, 'a private address'], // deprecated site-local
  ['fe80::', 10, 'a link-local address'],
  ['ff00::', 8, 'a multicast address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['2001::', 32, 'a reserved address'], // Teredo tunnels: the real endpoint is hidden
];

const LOOPBACK = 'a loopback address';

function firstMatch(ip: string, family: Family, rules: readonly Rule[]): string | null {
  for (const [net, prefix, label] of rules) {
    // One small list per rule keeps the label; built per call so no module state is shared.
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    if (list.check(ip, family)) return label;
  }
  return null;
}

/** The 16 bytes of an IPv6 literal (zone id dropped), or null when it is not one. */
function ipv6Bytes(ip: string): number[] | null {
  const bare = ip.split('%')[0] ?? '';
  if (isIP(bare) !== 6) return null;
  let text = bare;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const v4At = (bytes: number[], at: number): string => bytes.slice(at, at + 4).join('.');
const startsWith = (bytes: number[], prefix: number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/** An IPv4 address carried inside an IPv6 one that routes to it (mapped, NAT64, 6to4). */
function embeddedV4(bytes: number[]): string | null {
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return v4At(bytes, 12); // ::ffff:a.b.c.d
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return v4At(bytes, 12); // 64:ff9b::/96
  if (startsWith(bytes, [0x20, 0x02])) return v4At(bytes, 2); // 2002::/16
  return null;
}

/**
 * What kind of refused address `ip` is ("a private address", ...), or null when it may be
 * fetched. Anything that is not an IP literal is refused, so a mistake fails closed.
 */
export function blockedAddressKind(ip: string, allowLoopback = false): string | null {
  const family = isIP(ip);
  if (family === 4) {
    const label = firstMatch(ip, 'ipv4', V4_RULES);
    return label === LOOPBACK && allowLoopback ? null : label;
  }
  const bytes = ipv6Bytes(ip);
  if (family !== 6 || bytes === null) return 'an unusable address';
  const inner = embeddedV4(bytes);
  if (inner !== null) return blockedAddressKind(inner, allowLoopback);
  const bare = ip.split('%')[0] ?? '';
  const label = firstMatch(bare, 'ipv6', V6_RULES);
  if (label === LOOPBACK && allowLoopback) return null;
  if (label !== null) return label;
  // Only 2000::/3 is global unicast; the rest is unassigned or special.
  return ((bytes[0] ?? 0) & 0xe0) === 0x20 ? null : 'a reserved address';
}

/** Whether an IP literal is refused (exported for tests and for config checks). */
export function isBlockedAddress(ip: string, allowLoopback = false): boolean {
  return blockedAddressKind(ip, allowLoopback) !== null;
}
