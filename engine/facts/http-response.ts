// The output of the uri module's curl probe: curl's exit code, the status code (-w), the header
// dump (-D, one block per response when redirects were followed) and the body (base64).
import { splitSections } from './gather-sections.js';

export interface HttpResponse {
  /** curl's exit code: 0 when a response arrived (any status) */
  curlExit: number;
  /** HTTP status; -1 when no response (connection, TLS or timeout error) */
  status: number;
  /** lower-cased header names of the final response */
  headers: Record<string, string>;
  body: string;
  error?: string;
}

export function parseHeaderBlock(text: string): Record<string, string> {
  const blocks = text.replace(/\r/g, '').split(/\n\n+/).filter((b) => /^HTTP\//.test(b.trim()));
  const last = blocks.pop() ?? '';
  const out: Record<string, string> = {};
  for (const line of last.split('\n').slice(1)) {
    const c = line.indexOf(':');
    if (c > 0) out[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return out;
}

export function parseCurlProbe(stdout: string, stderr: string): HttpResponse {
  const s = splitSections(stdout);
  const curlExit = Number((s.get('rc') ?? '').trim() || '1');
  const code = Number((s.get('code') ?? '').trim() || '0');
  const status = code > 0 ? code : -1;
  return {
    curlExit,
    status,
    headers: parseHeaderBlock(s.get('headers') ?? ''),
    body: Buffer.from((s.get('body') ?? '').replace(/\s+/g, ''), 'base64').toString('utf8'),
    error: status === -1 ? stderr.trim() || `curl exited with ${curlExit}` : undefined,
  };
}
