/** IPv4 helpers shared by the config schema and the address guard. */

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ipv4Pattern = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`);

export function isIpv4(value: string): boolean {
  return ipv4Pattern.test(value);
}

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function isIpv4Cidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || address === undefined || bits === undefined || !isIpv4(address)) return false;
  if (!/^\d{1,2}$/.test(bits)) return false;
  return Number(bits) <= 32;
}

export function cidrContains(cidr: string, address: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((ipv4ToNumber(base) & mask) >>> 0) === ((ipv4ToNumber(address) & mask) >>> 0);
}

/** RFC 1918 private ranges: the only addresses an internal record may point at. */
const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

export function isPrivateIpv4(address: string): boolean {
  return isIpv4(address) && privateRanges.some((range) => cidrContains(range, address));
}

/** Whether every address of the CIDR is private: it lies inside one RFC 1918 range. */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  if (!isIpv4Cidr(cidr)) return false;
  const [base = '', bits = '32'] = cidr.split('/');
  return privateRanges.some((range) => Number(range.split('/')[1]) <= Number(bits) && cidrContains(range, base));
}
