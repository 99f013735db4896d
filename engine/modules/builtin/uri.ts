// uri: an HTTP(S) request made ON THE HOST with curl. Like Ansible it reports changed: false.
// GET and HEAD are read-only, so they run in check mode too (done in read, never cached: an
// `until` loop polling a health endpoint must see each new answer); any other method is a
// change that check mode skips.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh, ShellCommand } from '../../transport/quote.js';
import { SECTION_MARK } from '../../facts/gather-sections.js';
import { parseCurlProbe, type HttpResponse } from '../../facts/http-response.js';
import { curlConfig, readSection, stdinSections } from '../lib/request-stdin.js';

export interface UriParams {
  url: string;
  method?: string;
  body?: unknown;
  body_format?: 'json' | 'raw';
  headers?: Record<string, string>;
  status_code?: number | number[];
  validate_certs?: boolean;
  ca_path?: string;
  client_cert?: string;
  client_key?: string;
  return_content?: boolean;
  timeout?: number;
  follow_redirects?: boolean;
}

type UriRead = { response: HttpResponse } | { deferred: true };

const READ_ONLY = new Set(['GET', 'HEAD']);
const methodOf = (p: UriParams) => (p.method ?? 'GET').toUpperCase();

function requestBody(p: UriParams): string | undefined {
  if (p.body === undefined) return undefined;
  if (p.body_format === 'json') return typeof p.body === 'string' ? p.body : JSON.stringify(p.body);
  return typeof p.body === 'string' ? p.body : JSON.stringify(p.body);
}

/** the request's headers, with the JSON Content-Type added when the body is JSON and none is set */
function requestHeaders(p: UriParams, body: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { ...(p.headers ?? {}) };
  if (p.body_format === 'json' && body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  return headers;
}

/**
 * One shell command: curl into a temp dir, then every part of the answer in sections. The URL
 * and headers are not in it: they come first on stdin (request-stdin.ts), then the body. With a
 * body, curl reads its config from the shell's pipe (fd 4) and the body from the command's own
 * stdin (fd 0): only a pipe can be opened again by name, and stdin may be a socket.
 */
export function uriCommand(p: UriParams): ShellCommand {
  const method = methodOf(p);
  const body = requestBody(p) !== undefined;
  const follow = p.follow_redirects ?? READ_ONLY.has(method);
  const t = String(p.timeout ?? 30);
  return sh`d=$(mktemp -d) || exit 70
trap 'rm -rf "$d"' EXIT INT TERM HUP
${readSection('k')}
${body ? sh`exec 3<&0` : sh`:`}
printf '%s' "$k" | curl -sS ${body ? sh`-K /dev/fd/4` : sh`-K -`} ${method === 'HEAD' ? sh`--head` : sh`-X ${method}`} ${follow ? sh`-L` : sh``} --max-time ${t} ${p.validate_certs === false ? sh`-k` : sh``} ${p.ca_path ? sh`--cacert ${p.ca_path}` : sh``} ${p.client_cert ? sh`--cert ${p.client_cert}` : sh``} ${p.client_key ? sh`--key ${p.client_key}` : sh``} ${body ? sh`--data-binary @-` : sh``} -D "$d/h" -o "$d/b" -w '%{http_code}' > "$d/c" ${body ? sh`4<&0 <&3 3<&-` : sh``}
rc=$?
echo ${SECTION_MARK + 'rc'}; echo "$rc"
echo ${SECTION_MARK + 'code'}; cat "$d/c" 2>/dev/null; echo
echo ${SECTION_MARK + 'headers'}; cat "$d/h" 2>/dev/null
echo ${SECTION_MARK + 'body'}; [ -f "$d/b" ] && base64 < "$d/b"
exit 0`;
}

/** what uriCommand reads on stdin: curl's config (URL, headers), then the body */
export function uriStdin(p: UriParams): Buffer {
  const body = requestBody(p);
  return stdinSections([curlConfig(p.url, requestHeaders(p, body))], body);
}

async function request(ctx: Parameters<Module['read']>[0], p: UriParams): Promise<HttpResponse> {
  const r = await ctx.transport.exec(uriCommand(p), {
    become: ctx.become,
    stdin: uriStdin(p),
    timeoutMs: ((p.timeout ?? 30) + 15) * 1000,
  });
  if (r.exitCode !== 0) return { curlExit: r.exitCode, status: -1, headers: {}, body: '', error: r.stderr.trim() || `exit ${r.exitCode}` };
  return parseCurlProbe(r.stdout, r.stderr);
}

/** Ansible's result shape: status, url, msg, content, json, and each header as a key. */
export function uriResult(p: UriParams, res: HttpResponse): TaskResult {
  const expected = p.status_code === undefined ? [200] : Array.isArray(p.status_code) ? p.status_code : [p.status_code];
  const out: TaskResult = { changed: false, status: res.status, url: p.url };
  for (const [k, v] of Object.entries(res.headers)) {
    const key = k.replace(/-/g, '_');
    if (!(key in out)) out[key] = v;
  }
  if (p.return_content) out.content = res.body;
  if (/\bjson\b/i.test(res.headers['content-type'] ?? '')) {
    try {
      out.json = JSON.parse(res.body);
    } catch {
      /* a JSON content type with a body that is not JSON: no json key, as Ansible */
    }
  }
  if (!expected.includes(res.status)) {
    out.failed = true;
    out.msg = `Status code was ${res.status} and not [${expected.join(', ')}]: ${res.status === -1 ? `Request failed: ${res.error}` : `HTTP Error ${res.status}`}`;
  } else out.msg = `OK (${Buffer.byteLength(res.body)} bytes)`;
  return out;
}

export const uriModule: Module<UriParams, UriRead> = {
  name: 'uri',
  schema: {
    type: 'object',
    description: 'Make an HTTP request from the host and check its answer.',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://', description: 'http or https URL to request (from the host).' },
      method: { type: 'string', pattern: '^[A-Za-z]+$', default: 'GET', description: 'HTTP method.' },
      body: { description: 'The request body: text, or data sent as JSON with body_format json.' },
      body_format: { enum: ['json', 'raw'], default: 'raw', description: 'json: body is encoded as JSON (with its Content-Type); raw: sent as it is.' },
      headers: { type: 'object', additionalProperties: { type: 'string', pattern: '^[^\\r\\n]*$' }, propertyNames: { pattern: '^[A-Za-z0-9-]+$' }, description: 'Extra HTTP request headers.' },
      status_code: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }], default: 200, description: 'Status code(s) that count as success.' },
      validate_certs: { type: 'boolean', default: true, description: 'Check the server\'s TLS certificate.' },
      ca_path: { type: 'string', pattern: '^/', description: 'CA bundle on the host to check the server against.' },
      client_cert: { type: 'string', pattern: '^/', description: 'Client certificate (PEM) on the host, for mutual TLS.' },
      client_key: { type: 'string', pattern: '^/', description: 'Key of client_cert, on the host.' },
      return_content: { type: 'boolean', default: false, description: 'Return the response body as content (and json when it parses).' },
      timeout: { type: 'integer', minimum: 1, default: 30, description: 'Seconds the request may take.' },
      follow_redirects: { type: 'boolean', description: 'Follow redirects (default: for GET and HEAD only).' },
    },
  },

  async read(ctx, p) {
    if (!READ_ONLY.has(methodOf(p))) return { deferred: true };
    return { response: await request(ctx, p) };
  },

  diff(p, cur): Plan {
    if ('deferred' in cur) {
      return { kind: 'change', unknowable: true, summary: `${methodOf(p)} ${p.url} (not read-only: check mode skips it)` };
    }
    const result = uriResult(p, cur.response);
    if (result.failed) return { kind: 'fail', msg: String(result.msg), result };
    return { kind: 'noop', reason: `${methodOf(p)} is read-only: ${p.url} answered ${cur.response.status}`, result };
  },

  async apply(ctx, p): Promise<TaskResult> {
    return uriResult(p, await request(ctx, p));
  },
};
