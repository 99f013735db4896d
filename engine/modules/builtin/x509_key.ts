// x509_key: a private key file (PKCS#8 PEM), optionally with its public key (SPKI PEM) beside it.
// An existing key of the wanted kind is never regenerated; one of another kind is replaced only
// with force: true.
import type { Module, TaskResult, FileDiff } from '../types.js';
import { modeSchema } from '../lib/file-mode.js';
import { keySpecFrom, keySpecSchema, describeKey, sameKeySpec, type KeySpec } from '../../pki/key-spec.js';
import { generatePrivateKey, inspectPrivateKey } from '../../pki/private-key.js';
import { readKeyFile, readText, modeDrift, writeFile, chmod, KEY_MODE, type KeyFile } from '../../pki/pki-files.js';
import { predictExists } from '../lib/predictions.js';

export interface X509KeyParams {
  path: string;
  type?: 'RSA' | 'ECDSA';
  size?: number | string;
  mode?: string;
  public_path?: string;
  force?: boolean;
}

export interface X509KeyCurrent {
  key: KeyFile;
  /** text of public_path, null when absent, undefined when no public_path */
  publicText?: string | null;
}

interface KeyPlanData {
  spec: KeySpec;
  generate: boolean;
  chmod: boolean;
  /** the public key PEM to write when the key itself stays */
  publicPem?: string;
}

const PRIVATE_KEY_DIFF = 'private key (not shown)';

export const x509KeyModule: Module<X509KeyParams, X509KeyCurrent> = {
  name: 'x509_key',
  readAhead: true,
  // check mode: later tasks (copies to hosts) see that this file will exist
  predict: (p) => predictExists([p.path, p.public_path], '0600'),
  schema: {
    type: 'object',
    description: 'Make a private key (RSA, EC or Ed25519) on the controller.',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'Private key file (PKCS#8 PEM).' },
      ...keySpecSchema('type', 'size'),
      mode: { ...modeSchema('octal'), default: KEY_MODE, description: 'Mode of the private key file, quoted octal (\'0600\').' },
      public_path: { type: 'string', minLength: 1, description: 'Also write the public key (SPKI PEM) here, e.g. sa.pub.' },
      force: { type: 'boolean', default: false, description: 'Replace an existing key of another type or size (or an unreadable file).' },
    },
  },

  async read(ctx, params) {
    const key = await readKeyFile(ctx, params.path);
    const publicText = params.public_path === undefined ? undefined : await readText(ctx, params.public_path);
    return { key, publicText };
  },

  diff(params, cur) {
    const spec = keySpecFrom(params.type, params.size);
    if ('error' in spec) return { kind: 'fail', msg: spec.error };
    const want = describeKey(spec);
    const mode = params.mode ?? KEY_MODE;
    const { key } = cur;
    const keyDiff: FileDiff = { path: params.path, summary: PRIVATE_KEY_DIFF };
    const newPublicDiff: FileDiff[] = params.public_path ? [{ path: params.public_path, summary: 'public key of the new private key' }] : [];

    if (!key.exists || 'error' in key || !key.info.spec || !sameKeySpec(key.info.spec, spec)) {
      let why: string;
      if (!key.exists) why = `generate ${want} key`;
      else {
        const have = 'error' in key ? key.error : `key is ${key.info.description}`;
        if (!params.force) return { kind: 'fail', msg: `${params.path}: ${have}, wanted ${want}; refusing to replace an existing key without force: true` };
        why = `${have}, wanted ${want}: replacing it (force: true)`;
      }
      const data: KeyPlanData = { spec, generate: true, chmod: false };
      return { kind: 'change', summary: `${params.path}: ${why}`, fileDiffs: [keyDiff, ...newPublicDiff], data };
    }

    const what: string[] = [];
    const drift = modeDrift(key.mode, mode);
    if (drift) what.push(drift);
    let publicPem: string | undefined;
    const fileDiffs: FileDiff[] = [];
    if (params.public_path && cur.publicText !== key.info.publicPem) {
      publicPem = key.info.publicPem;
      what.push(`${cur.publicText === null ? 'write' : 'rewrite'} public key ${params.public_path}`);
      fileDiffs.push({ path: params.public_path, before: cur.publicText ?? undefined, after: publicPem });
    }
    if (!what.length) {
      const pub = params.public_path ? `, public key ${params.public_path} matches` : '';
      return { kind: 'noop', reason: `${want} key exists at ${params.path} (mode ${key.mode})${pub}; an existing key is never regenerated` };
    }
    const data: KeyPlanData = { spec, generate: false, chmod: !!drift, publicPem };
    return { kind: 'change', summary: `${params.path}: ${what.join('; ')}`, fileDiffs, data };
  },

  async apply(ctx, params, plan) {
    const data = plan.data as KeyPlanData;
    const mode = params.mode ?? KEY_MODE;
    const result: TaskResult = { changed: true, msg: plan.summary, path: params.path, type: data.spec.type, size: data.spec.size };
    let changed = false;
    try {
      let publicPem = data.publicPem;
      if (data.generate) {
        const pem = await generatePrivateKey(data.spec);
        await writeFile(ctx, params.path, pem.reveal(), mode);
        changed = true;
        publicPem = inspectPrivateKey(pem).publicPem;
      } else if (data.chmod) {
        await chmod(ctx, params.path, mode);
        changed = true;
      }
      if (params.public_path && publicPem) await writeFile(ctx, params.public_path, publicPem, '0644');
      return result;
    } catch (e) {
      return { changed, failed: true, msg: `x509_key ${params.path}: ${(e as Error).message}` };
    }
  },
};

export default x509KeyModule;
