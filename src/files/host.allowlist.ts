import { BlockList, isIP } from 'node:net';
import { FileRefused, type FileRefusedReason } from './files.errors';

/** One parsed allow-list entry (`tenants.<id>.files.allowedHosts`). */
export interface AllowedHostRule {
  scheme: 'http' | 'https';
  /** Lower-case host name (punycode), or an IP address (IPv6 without brackets). */
  host: string;
  /** `*.cdn.example`: any subdomain of `host`, never `host` itself and never an IP address. */
  wildcard: boolean;
  port: number;
}

/** A URL the allow-list lets the hub fetch, and how much it trusts the host's addresses. */
export interface AllowedUrl {
  url: URL;
  scheme: 'http' | 'https';
  /** Host name or IP address as connected to (IPv6 without brackets). */
  host: string;
  port: number;
  /**
   * Listed by exact name or address (not through a wildcard): such a host may resolve to private
   * or loopback addresses (an intranet portal); a wildcard-matched one may not (DNS rebinding).
   */
  exact: boolean;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;
const unbracket = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/**
 * Parses an entry as the config schema admits it: `[http://|https://][*.]host[:port]`, where host
 * may be an IPv4 or a bracketed IPv6 literal. Throws on anything else (the loader has already
 * refused those, so a throw here is a bug, not an operator's mistake).
 */
export function parseAllowedHost(entry: string): AllowedHostRule {
  const m = /^(?:(https?):\/\/)?(\*\.)?(.+)$/.exec(entry);
  if (!m) throw new Error(`not an allow-list entry: ${entry}`);
  const scheme = (m[1] ?? 'https') as 'http' | 'https';
  const wildcard = Boolean(m[2]);
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${m[3]}`);
  } catch {
    throw new Error(`not an allow-list entry: ${entry}`);
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username || parsed.password) throw new Error(`an allow-list entry names a host, not a URL: ${entry}`);
  const host = unbracket(parsed.hostname);
  if (wildcard && isIP(host)) throw new Error(`a wildcard cannot cover IP addresses: ${entry}`);
  return { scheme, host, wildcard, port: parsed.port ? Number(parsed.port) : DEFAULT_PORT[scheme] };
}

/**
 * A tenant's allow-list. A URL passes when its scheme, host and port match one entry: an entry
 * without a scheme is https only, without a port the scheme's default port only (so an allowed
 * host's other services stay out of reach). URLs with userinfo never pass, nor IP addresses that
 * are not listed as such.
 */
export class HostAllowList {
  private readonly rules: AllowedHostRule[];

  constructor(
    readonly tenant: string,
    entries: readonly string[],
  ) {
    this.rules = entries.map(parseAllowedHost);
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /**
   * The URL as the hub may fetch it, or a {@link FileRefused} saying why not; `offList` is the
   * reason used for a host that is not listed (`redirect-off-list` for a redirect's target).
   */
  check(raw: string | URL, offList: FileRefusedReason = 'host-not-allowed'): AllowedUrl {
    let url: URL;
    try {
      url = typeof raw === 'string' ? new URL(raw) : raw;
    } catch {
      throw new FileRefused('bad-url', 'the file URL is not a valid absolute URL');
    }
    const scheme = url.protocol.slice(0, -1);
    if (scheme !== 'http' && scheme !== 'https') throw new FileRefused('scheme-not-allowed', `the file URL's scheme ${scheme} is not http or https`);
    const host = unbracket(url.hostname);
    if (url.username || url.password) throw new FileRefused('userinfo', `the file URL for host ${host} carries a user name or password, which the hub never sends`);
    const port = url.port ? Number(url.port) : DEFAULT_PORT[scheme];
    const literal = isIP(host) !== 0;
    const rule = this.rules.find((r) => r.scheme === scheme && r.port === port && (r.wildcard ? !literal && host.endsWith(`.${r.host}`) : host === r.host));
    const where = `${scheme}://${url.host}`;
    if (!rule) {
      const listed = `tenants.${this.tenant}.files.allowedHosts`;
      const what = `${offList === 'redirect-off-list' ? 'a redirect to ' : ''}${where}`;
      if (literal) throw new FileRefused(offList === 'host-not-allowed' ? 'ip-literal' : offList, `${what} is not allowed: an IP address must be listed as such in ${listed}`);
      throw new FileRefused(offList, `${what} is not allowed by ${listed}`);
    }
    return { url, scheme, host, port, exact: !rule.wildcard };
  }
}

/**
 * Addresses a host reached through a wildcard entry must not resolve to: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and the
 * IPv6 equivalents (IPv4-mapped addresses are checked as IPv4).
 */
const NOT_PUBLIC = (() => {
  const b = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 3],
  ] as const)
    b.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of [
    ['::', 127],
    ['64:ff9b::', 96],
    ['100::', 64],
    ['2001:db8::', 32],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const)
    b.addSubnet(net, bits, 'ipv6');
  return b;
})();

/** True for an address that is not on the public internet (see NOT_PUBLIC). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NOT_PUBLIC.check(mapped[1], 'ipv4');
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped) {
    const [hi, lo] = [parseInt(hexMapped[1], 16), parseInt(hexMapped[2], 16)];
    return NOT_PUBLIC.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  const family = isIP(address);
  if (family === 0) return true;
  return NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
