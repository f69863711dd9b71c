/**
 * IP address literals and CIDR blocks, read the way aws/event-ruler (the engine behind EventBridge)
 * reads them (CIDR.java): a value is only treated as an address when it looks like a dotted quad
 * (`[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+`) or a colon-hex IPv6 literal (`[0-9a-fA-F:]*:[0-9a-fA-F:]*`, so no
 * embedded dotted quad, no zone id, no brackets), and is then parsed as java.net.InetAddress parses
 * literals: IPv4 octets are decimal (leading zeros allowed, 0..255), IPv6 groups are 1..4 hex digits
 * with at most one `::` standing for at least one zero group, and an IPv4-mapped IPv6 address
 * (`::ffff:a00:1`) becomes the 4-byte IPv4 address.
 *
 * Parsing is hand-written (no regex, no split) because event values are parsed on every match.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** Whether `s` has the shape Ruler accepts as an IP literal (it may still fail to parse). */
function looksLikeIp(s: string): boolean {
  return IPV4_SHAPE.test(s) || IPV6_SHAPE.test(s);
}

/** A dotted quad: four runs of decimal digits, each at most 255 (leading zeros allowed). */
function parseV4(s: string): number[] | null {
  const bytes = [0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (value > 255) return null;
      digits++;
    } else if (c === 46 && digits > 0 && part < 3) {
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (part !== 3 || digits === 0) return null;
  bytes[3] = value;
  return bytes;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Colon-hex IPv6: 1..4 hex digits per group, at most one "::" standing for at least one zero group. */
function parseV6(s: string): number[] | null {
  const n = s.length;
  const groups: number[] = [];
  let gap = -1; // index in groups where "::" stands
  let i = 0;
  if (n >= 2 && s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let value = 0;
    let digits = 0;
    for (; i < n; i++) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0) break;
      if (++digits > 4) return null;
      value = value * 16 + d;
    }
    if (digits === 0 || groups.length === 8) return null;
    groups.push(value);
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return null;
    i++;
    if (i < n && s.charCodeAt(i) === 58) {
      if (gap >= 0) return null;
      gap = groups.length;
      i++;
    } else if (i === n) {
      return null; // a single trailing ':'
    }
  }
  if (gap < 0) {
    if (groups.length !== 8) return null;
  } else {
    if (groups.length > 7) return null; // "::" must stand for at least one zero group
    groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  // IPv4-mapped (::ffff:w.x.y.z in hex form) is an IPv4 address, as InetAddress returns Inet4Address.
  for (let b = 0; b < 10; b++) if (bytes[b] !== 0) return bytes;
  return bytes[10] === 0xff && bytes[11] === 0xff ? bytes.slice(12) : bytes;
}

/** The address bytes (4 or 16) of an IP literal, or null when `s` is not one. */
function parseIp(s: string): number[] | null {
  if (s.length < 2) return null;
  const c = s.charCodeAt(0);
  // A dotted quad has a '.' and no ':'; IPv6 needs a ':' (and never has a '.').
  if (s.indexOf(':') >= 0) return parseV6(s);
  if (c >= 48 && c <= 57) return parseV4(s);
  return null;
}

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

function toHex(bytes: readonly number[]): string {
  let out = '';
  for (const b of bytes) out += HEX2[b];
  return out;
}

/** Canonical hex form of an IP literal (8 or 32 hex digits), or null when `s` is not an IP literal. */
export function ipHex(s: string): string | null {
  const bytes = parseIp(s);
  return bytes ? toHex(bytes) : null;
}

/** An inclusive address range; `low` and `high` have the same length (4 or 16 bytes). */
export interface IpRange {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** Whether the IP literal `s` falls inside `range`. */
export function ipInRange(s: string, range: IpRange): boolean {
  const bytes = parseIp(s);
  if (!bytes || bytes.length !== range.low.length) return false;
  return compareBytes(bytes, range.low) >= 0 && compareBytes(bytes, range.high) <= 0;
}

function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Java's String.split("/"): trailing empty strings are dropped. */
function javaSplitSlash(s: string): string[] {
  const parts = s.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Parses CIDR notation into an address range; throws an Error whose message says what is wrong.
 * Follows Ruler's CIDR.cidr: exactly one '/', an integer mask (Java Integer.parseInt), mask bits
 * 0..31 for IPv4 and 0..127 for IPv6 (Ruler refuses /32 and /128 — use the plain address as an
 * exact-match value instead), and the range covers the whole block the address belongs to.
 */
export function parseCidr(cidr: string): IpRange {
  const parts = javaSplitSlash(cidr);
  if (parts.length !== 2) throw new Error(`Malformed CIDR "${cidr}", one '/' required`);
  const [address, maskText] = parts as [string, string];
  if (!/^[+-]?\d+$/.test(maskText) || Math.abs(Number(maskText)) > 2147483647) {
    throw new Error(`Malformed CIDR "${cidr}", mask bits must be an integer`);
  }
  const mask = Number(maskText);
  if (mask < 0) throw new Error(`Malformed CIDR "${cidr}", mask bits must not be negative`);
  if (!looksLikeIp(address)) throw new Error(`Nonstandard IP address: ${address}`);
  const bytes = parseIp(address);
  if (!bytes) throw new Error(`Invalid IP address: ${address}`);
  if (bytes.length === 4 && mask > 31) throw new Error(`IPv4 mask bits must be < 32 (got ${mask}) in CIDR "${cidr}"`);
  if (bytes.length === 16 && mask > 127) throw new Error(`IPv6 mask bits must be < 128 (got ${mask}) in CIDR "${cidr}"`);
  const low: number[] = [];
  const high: number[] = [];
  let remaining = mask;
  for (const b of bytes) {
    const keep = remaining >= 8 ? 0xff : remaining <= 0 ? 0 : (0xff << (8 - remaining)) & 0xff;
    low.push(b & keep);
    high.push((b & keep) | (~keep & 0xff));
    remaining -= 8;
  }
  return { low, high };
}
