// get_url: download a URL ON THE HOST (curl, else wget) into a temp file beside dest, verify the
// checksum, then rename. Skipped when dest already has the checksum; without a checksum an
// existing dest is kept unless force.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh, raw, type ShellCommand } from '../../transport/quote.js';
import { pathChecksum, CHECKSUM_TOOLS, type ChecksumAlgo, type PathChecksum } from '../../facts/path-checksum.js';
import { octalMode, sameMode, modeSchema, ModeSyntaxError } from '../lib/file-mode.js';
import { ownerSpec, settleAttrsCommand } from '../../transport/atomic-put.js';
import { curlConfig, wgetConfig, readSection, stdinSections } from '../lib/request-stdin.js';

export interface GetUrlParams {
  url: string;
  dest: string;
  checksum?: string;
  mode?: string;
  owner?: string;
  group?: string;
  force?: boolean;
  timeout?: number;
  validate_certs?: boolean;
  ca_path?: string;
  headers?: Record<string, string>;
}

interface GetUrlPlanData {
  file: string;
  download: boolean;
  /** force without checksum: whether content changes is known only after the download */
  compareAfter: boolean;
}

export function parseChecksum(checksum: string | undefined): { algo: ChecksumAlgo; hex: string } | undefined {
  if (!checksum) return undefined;
  const [algo, hex] = checksum.split(':');
  return { algo: algo.toLowerCase() as ChecksumAlgo, hex: hex.toLowerCase() };
}

export function urlBasename(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'index.html';
  } catch {
    return 'index.html';
  }
}

type FetchParams = Pick<GetUrlParams, 'url' | 'timeout' | 'validate_certs' | 'ca_path' | 'headers'>;

/**
 * The shell fetch of `url` into `out`: curl when present, else wget. The URL and headers are not
 * in it: they come on stdin (fetchStdin; request-stdin.ts says why).
 */
export function fetchCommand(p: FetchParams, out: ShellCommand): ShellCommand {
  const t = String(p.timeout ?? 10);
  const insecure = p.validate_certs === false;
  const wgetOpts = sh`-q -T ${t} ${insecure ? sh`--no-check-certificate` : sh``} ${p.ca_path ? sh`--ca-certificate=${p.ca_path}` : sh``}`;
  // wget reads a config only from a file it can open twice, not from a pipe: an empty temp file,
  // removed before anything is written to it and read through the descriptors held open. And
  // --config replaces wget's own startup files (proxy settings…), so they come first in it.
  const wget = Object.keys(p.headers ?? {}).length
    ? sh`c=$(mktemp) || exit 70
  exec 4>"$c" 5<"$c"
  rm -f "$c"
  { cat "\${SYSTEM_WGETRC:-/etc/wgetrc}" 2>/dev/null || :; echo; cat "\${WGETRC:-$HOME/.wgetrc}" 2>/dev/null || :; echo; printf '%s' "$w"; } >&4
  exec 4>&-
  printf '%s' "$u" | wget ${wgetOpts} --config=/dev/fd/5 -i - -O ${out}`
    : sh`printf '%s' "$u" | wget ${wgetOpts} -i - -O ${out}`;
  return sh`${readSection('k')}
${readSection('w')}
${readSection('u')}
if command -v curl >/dev/null 2>&1; then
  printf '%s' "$k" | curl -fsSL -K - --connect-timeout ${t} --max-time ${String((p.timeout ?? 10) * 6)} ${insecure ? sh`-k` : sh``} ${p.ca_path ? sh`--cacert ${p.ca_path}` : sh``} -o ${out}
else
  ${wget}
fi`;
}

/** what fetchCommand reads on stdin: curl's config, wget's config (headers) and the URL for wget */
export function fetchStdin(p: FetchParams): Buffer {
  const headers = p.headers ?? {};
  return stdinSections([curlConfig(p.url, headers), wgetConfig(headers), `${p.url}\n`]);
}

export const getUrlModule: Module<GetUrlParams, PathChecksum> = {
  name: 'get_url',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Download a file from a URL on the host.',
    additionalProperties: false,
    required: ['url', 'dest'],
    properties: {
      url: { type: 'string', pattern: '^(https?|ftp|file)://[^\\r\\n]*$', description: 'http, https, ftp or file URL to download (on the host).' }, // one line: wget reads it from a list of URLs
      dest: { type: 'string', pattern: '^/', description: 'Absolute path of the file to write (a directory: the file keeps the URL\'s name).' },
      checksum: { type: 'string', pattern: '^(md5|sha1|sha224|sha256|sha384|sha512):[0-9A-Fa-f]+$', description: 'algorithm:hex (sha256:…): the download must match; an existing dest that matches is not downloaded again.' },
      mode: modeSchema('octal'),
      owner: { type: 'string', minLength: 1, description: 'Owner of dest.' },
      group: { type: 'string', minLength: 1, description: 'Group of dest.' },
      force: { type: 'boolean', default: false, description: 'Without checksum: download even when dest exists, replacing it when the content differs.' },
      timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds the download may take to connect and read.' },
      validate_certs: { type: 'boolean', default: true, description: 'Check the server\'s TLS certificate.' },
      ca_path: { type: 'string', pattern: '^/', description: 'CA bundle on the host to check the server against.' },
      headers: { type: 'object', additionalProperties: { type: 'string', pattern: '^[^\\r\\n]*$' }, propertyNames: { pattern: '^[A-Za-z0-9-]+$' }, description: 'Extra HTTP request headers.' },
    },
  },

  read(ctx, p) {
    const cs = parseChecksum(p.checksum);
    return ctx.facts.get(pathChecksum, { path: p.dest, basename: urlBasename(p.url), algo: cs?.algo }, ctx.become);
  },

  diff(p, cur): Plan {
    try {
      octalMode(p.mode);
    } catch (e) {
      // refused when the task is loaded; this is for callers that skip that check
      if (e instanceof ModeSyntaxError) return { kind: 'fail', msg: e.message };
      throw e;
    }
    if (!cur.curl && !cur.wget) return { kind: 'fail', msg: 'get_url needs curl or wget on the host; neither is installed' };
    if (cur.exists && !cur.isFile) return { kind: 'fail', msg: `${cur.file} exists and is not a regular file` };
    const cs = parseChecksum(p.checksum);
    const attrsOk = sameMode(cur.mode, p.mode) && (!p.owner || p.owner === cur.owner) && (!p.group || p.group === cur.group);
    const data: GetUrlPlanData = { file: cur.file, download: true, compareAfter: false };
    let summary: string;
    let reason: string | undefined;
    if (!cur.exists) summary = `download ${p.url} to ${cur.file}`;
    else if (cs && cur.checksum === cs.hex) reason = `${cur.file} already has ${cs.algo}:${cs.hex}`;
    else if (cs) summary = `download ${p.url} to ${cur.file} (its ${cs.algo} differs: ${cur.checksum})`;
    else if (!p.force) reason = `${cur.file} exists and force is false (no checksum given to compare)`;
    else {
      summary = `download ${p.url} and replace ${cur.file} if its content differs (force)`;
      data.compareAfter = true;
    }
    if (reason !== undefined) {
      if (attrsOk) return { kind: 'noop', reason, result: { dest: cur.file, checksum_dest: cur.checksum } };
      data.download = false;
      summary = `set ${[p.mode !== undefined ? `mode ${octalMode(p.mode)}` : '', p.owner ? `owner ${p.owner}` : '', p.group ? `group ${p.group}` : ''].filter(Boolean).join(', ')} on ${cur.file}`;
    }
    return { kind: 'change', summary: summary!, data, result: { dest: cur.file, url: p.url } };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as GetUrlPlanData;
    const cs = parseChecksum(p.checksum);
    const mode = octalMode(p.mode);
    const owner = ownerSpec(p.owner, p.group);
    // owner before mode: chown clears setuid/setgid bits
    const attrs = (target: ShellCommand) =>
      sh`${owner ? sh`chown -- ${owner} ${target}` : sh`:`}; ${mode ? sh`chmod -- ${mode} ${target}` : sh`:`}`;
    const dir = data.file.slice(0, data.file.lastIndexOf('/')) || '/';
    const T = raw('"$t"');
    const script = data.download
      ? sh`set -e
t=$(mktemp ${dir + '/.tsplay-get_url.XXXXXX'})
trap 'rm -f "$t"' EXIT INT TERM HUP
${fetchCommand(p, sh`${T}`)}
${cs ? sh`got=$(${CHECKSUM_TOOLS[cs.algo]} < "$t" | cut -d' ' -f1)
if [ "$got" != ${cs.hex} ]; then echo "checksum mismatch: expected "${`${cs.algo}:${cs.hex}`}", got $got" >&2; exit 65; fi` : sh`:`}
if [ -f ${data.file} ] && cmp -s "$t" ${data.file}; then echo unchanged; ${attrs(sh`${data.file}`)}; exit 0; fi
${settleAttrsCommand(sh`${T}`, data.file, { mode, owner: p.owner, group: p.group })}
mv -f "$t" ${data.file}
trap - EXIT INT TERM HUP
echo changed`
      : sh`set -e; ${attrs(sh`${data.file}`)}; echo changed`;
    const r = await ctx.transport.exec(script, { become: ctx.become, stdin: data.download ? fetchStdin(p) : undefined, timeoutMs: ((p.timeout ?? 10) * 6 + 30) * 1000 });
    if (r.exitCode !== 0) {
      const why = r.exitCode === 65 ? r.stderr.trim() : `download of ${p.url} failed (exit ${r.exitCode}): ${r.stderr.trim()}`;
      return { changed: false, failed: true, rc: r.exitCode, stderr: r.stderr, msg: why, dest: data.file, url: p.url };
    }
    const changed = r.stdout.trim().split('\n').pop() === 'changed';
    return { changed, msg: changed ? plan.summary : `${data.file} already had the downloaded content`, dest: data.file, url: p.url, checksum_dest: cs?.hex };
  },
};
