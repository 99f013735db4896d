// IP addresses compared in one spelling: IPv6 compressed and lower case, IPv4 as is.
import { isIP } from 'node:net';

export function normalizeIp(ip: string): string | undefined {
  const v = isIP(ip);
  if (v === 4) return ip;
  // the URL parser prints IPv6 in its canonical compressed form
  if (v === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return undefined;
}
