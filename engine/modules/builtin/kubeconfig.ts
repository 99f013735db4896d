// kubeconfig: a kubeconfig file with the CA, client certificate and client key embedded. The
// file is rendered deterministically and compared as text; diffs show it with the key redacted.
import type { Module, TaskResult, FileDiff } from '../types.js';
import { modeSchema } from '../lib/file-mode.js';
import { tryCertFacts } from '../../pki/cert-facts.js';
import { tryInspectPrivateKey } from '../../pki/private-key.js';
import { renderKubeconfig, redactKubeconfig, redactedOrNothing } from '../../pki/kubeconfig-doc.js';
import { Secret } from '../../pki/secret.js';
import { readText, readSecret, fileModeOf, modeDrift, writeFile, chmod, rewrittenInCheck, KEY_MODE } from '../../pki/pki-files.js';
import { predictExists } from '../lib/predictions.js';

export interface KubeconfigParams {
  path: string;
  cluster_name?: string;
  server: string;
  ca_cert_path: string;
  client_cert_path: string;
  client_key_path: string;
  user: string;
  context?: string;
  mode?: string;
}

export interface KubeconfigCurrent {
  /** the wanted file text (holds the client key), or why it cannot be made or known yet (--check) */
  desired: Secret | { missing: string[] } | { rewritten: string[] } | { error: string };
  /** the file's text now (may hold a key), null when absent */
  existing: Secret | null;
  mode?: string;
}

interface KubeconfigPlanData {
  content?: Secret;
  chmod: boolean;
}

export const kubeconfigModule: Module<KubeconfigParams, KubeconfigCurrent> = {
  name: 'kubeconfig',
  readAhead: true,
  // check mode: later tasks (copies to hosts) see that this file will exist
  predict: (p) => predictExists([p.path], '0600'),
  schema: {
    type: 'object',
    description: 'Write a kubeconfig with embedded certificates.',
    additionalProperties: false,
    required: ['path', 'server', 'ca_cert_path', 'client_cert_path', 'client_key_path', 'user'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The kubeconfig file.' },
      cluster_name: { type: 'string', minLength: 1, default: 'kubernetes', description: 'Name of the cluster entry.' },
      server: { type: 'string', pattern: '^https://[^/\\s]+', description: 'API server URL (https).' },
      ca_cert_path: { type: 'string', minLength: 1, description: 'CA certificate to embed (certificate-authority-data).' },
      client_cert_path: { type: 'string', minLength: 1, description: 'Client certificate to embed.' },
      client_key_path: { type: 'string', minLength: 1, description: 'Client key to embed.' },
      user: { type: 'string', minLength: 1, description: 'User name in the kubeconfig.' },
      context: { type: 'string', minLength: 1, description: 'Context name; default <user>@<cluster_name>.' },
      mode: { ...modeSchema('octal'), default: KEY_MODE },
    },
  },

  async read(ctx, params) {
    const ca = await readText(ctx, params.ca_cert_path);
    const cert = await readText(ctx, params.client_cert_path);
    const key = await readSecret(ctx, params.client_key_path);
    const existing = await readSecret(ctx, params.path);
    const mode = existing === null ? undefined : await fileModeOf(ctx, params.path);
    const rewritten = [params.ca_cert_path, params.client_cert_path, params.client_key_path].filter((p) => rewrittenInCheck(ctx, p));
    if (rewritten.length) return { desired: { rewritten }, existing, mode };
    return { desired: desiredContent(params, ca, cert, key), existing, mode };
  },

  diff(params, cur) {
    const mode = params.mode ?? KEY_MODE;
    const { desired, existing } = cur;
    if ('error' in desired) return { kind: 'fail', msg: desired.error };
    if ('rewritten' in desired) {
      return {
        kind: 'change',
        summary: `${params.path}: write kubeconfig (${desired.rewritten.join(', ')} rewritten by an earlier task: content not known in check mode)`,
        fileDiffs: existing ? [beforeOnly(params.path, existing)] : [],
        data: { chmod: false } satisfies KubeconfigPlanData,
      };
    }
    if ('missing' in desired) {
      return {
        kind: 'change',
        summary: `${params.path}: write kubeconfig (${desired.missing.join(', ')} not present yet: the run fails unless an earlier task creates it)`,
        fileDiffs: existing ? [beforeOnly(params.path, existing)] : [],
        data: { chmod: false } satisfies KubeconfigPlanData,
      };
    }
    const want = desired.reveal();
    const sameContent = existing !== null && existing.reveal() === want;
    const drift = existing !== null ? modeDrift(cur.mode, mode) : undefined;
    if (sameContent && !drift) return { kind: 'noop', reason: `${params.path} is up to date (user ${params.user}, server ${params.server}, mode ${cur.mode})` };

    const what: string[] = [];
    const fileDiffs: FileDiff[] = [];
    if (!sameContent) {
      const before = existing === null ? undefined : redactedOrNothing(existing.reveal());
      const after = redactKubeconfig(want);
      what.push(existing === null ? 'created' : before === after ? 'client key changed (not shown)' : 'content changed');
      // a file whose key data cannot be redacted line by line is not shown at all
      if (existing !== null && before === undefined) fileDiffs.push({ path: params.path, summary: 'kubeconfig with client key data (not shown)' });
      else fileDiffs.push({ path: params.path, before, after });
    }
    if (drift) what.push(drift);
    const data: KubeconfigPlanData = { content: sameContent ? undefined : desired, chmod: !!drift };
    return { kind: 'change', summary: `${params.path}: ${what.join('; ')}`, fileDiffs, data };
  },

  async apply(ctx, params, plan) {
    const data = plan.data as KubeconfigPlanData;
    const mode = params.mode ?? KEY_MODE;
    const result: TaskResult = { changed: true, msg: plan.summary, path: params.path };
    try {
      if (data.content) await writeFile(ctx, params.path, data.content.reveal(), mode);
      else if (data.chmod) await chmod(ctx, params.path, mode);
      else throw new Error(`cannot write: ${plan.summary}`);
      return result;
    } catch (e) {
      return { changed: false, failed: true, msg: `kubeconfig ${params.path}: ${(e as Error).message}` };
    }
  },
};

function beforeOnly(path: string, existing: Secret): FileDiff {
  const before = redactedOrNothing(existing.reveal());
  return before === undefined ? { path, summary: 'kubeconfig with client key data (not shown)' } : { path, before };
}

/** The wanted file text, or which inputs are missing, or why they are unusable. Pure. */
function desiredContent(p: KubeconfigParams, ca: string | null, cert: string | null, key: Secret | null): KubeconfigCurrent['desired'] {
  const missing = [
    ca === null && `CA certificate ${p.ca_cert_path}`,
    cert === null && `client certificate ${p.client_cert_path}`,
    key === null && `client key ${p.client_key_path}`,
  ].filter((m): m is string => !!m);
  if (missing.length) return { missing };
  const caFacts = tryCertFacts(ca!);
  if ('error' in caFacts) return { error: `CA certificate ${p.ca_cert_path} is ${caFacts.error}` };
  const certFacts = tryCertFacts(cert!);
  if ('error' in certFacts) return { error: `client certificate ${p.client_cert_path} is ${certFacts.error}` };
  const keyInfo = tryInspectPrivateKey(key!);
  if ('error' in keyInfo) return { error: `client key ${p.client_key_path} is ${keyInfo.error}` };
  if (keyInfo.spki !== certFacts.publicKey) return { error: `client certificate ${p.client_cert_path} and key ${p.client_key_path} do not match` };
  const clusterName = p.cluster_name ?? 'kubernetes';
  return new Secret(
    renderKubeconfig({
      clusterName,
      server: p.server,
      user: p.user,
      context: p.context ?? `${p.user}@${clusterName}`,
      caPem: ca!,
      clientCertPem: cert!,
      clientKeyPem: key!.reveal(),
    }),
  );
}

export default kubeconfigModule;
