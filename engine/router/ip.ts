/**
 * IPv4 and IPv6 addresses and CIDR blocks for the `cidr` operator. Addresses are read the way
 * EventBridge's engine reads them: a dotted quad of decimal octets, or colon-separated hex
 * groups with at most one `::`; anything else (host names, zone ids, dotted IPv6 tails) is not
 * an address.
 */

export type IpVersion = 4 | 6;

export interface IpAddress {
  readonly version: IpVersion;
  readonly value: bigint;
}

export interface CidrBlock {
  readonly version: IpVersion;
  readonly first: bigint;
  readonly last: bigint;
}

const ipv4Shape = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/;
const ipv6Shape = /^[0-9a-fA-F:]+$/;
const hexGroup = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const octets = ipv4Shape.exec(text);
  if (!octets) return undefined;
  let value = 0n;
  for (const octet of octets.slice(1)) {
    const number = Number(octet);
    if (number > 255) return undefined;
    value = (value << 8n) | BigInt(number);
  }
  return value;
}

function parseGroups(part: string): bigint[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  if (!groups.every((group) => hexGroup.test(group))) return undefined;
  return groups.map((group) => BigInt(`0x${group}`));
}

function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':') || !ipv6Shape.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const explicit = head.length + tail.length;
  if (halves.length === 2 ? explicit > 7 : explicit !== 8) return undefined;
  const groups = [...head, ...new Array<bigint>(8 - explicit).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { version: 6, value: v6 };
  return undefined;
}

/** The block a `cidr` operand denotes, or the reason EventBridge would refuse the operand. */
export function parseCidr(operand: string): CidrBlock | string {
  const parts = operand.split('/');
  const [address, bits] = parts;
  if (parts.length !== 2 || address === undefined || bits === undefined || bits === '') {
    return `cidr "${operand}" must be an address and a prefix length, e.g. "10.0.0.0/24"`;
  }
  if (!/^[+-]?\d+$/.test(bits)) return `cidr "${operand}" has a prefix length that is not an integer`;
  const prefixLength = Number(bits);
  if (prefixLength < 0) return `cidr "${operand}" has a negative prefix length`;
  const parsed = parseIpAddress(address);
  if (!parsed) return `cidr "${operand}": "${address}" is not an IPv4 or IPv6 address`;
  const width = parsed.version === 4 ? 32 : 128;
  // EventBridge's engine refuses a full-length prefix (/32, /128): an exact string match does that job.
  if (prefixLength >= width) {
    return `cidr "${operand}": an IPv${parsed.version} prefix length must be below ${width}; match a single address exactly instead`;
  }
  const hostBits = BigInt(width - prefixLength);
  const hostMask = (1n << hostBits) - 1n;
  const first = parsed.value & ~hostMask;
  return { version: parsed.version, first, last: first | hostMask };
}

export function cidrContains(block: CidrBlock, text: string): boolean {
  const address = parseIpAddress(text);
  return address !== undefined && address.version === block.version && address.value >= block.first && address.value <= block.last;
}
