// x509_ca: a self-signed CA (certificate + private key). An existing CA is never regenerated, even
// when the parameters now say something else: every certificate of the cluster hangs on it.
import type { Module, TaskResult } from '../types.js';
import { keySpecFrom, keySpecSchema, describeKey, type KeySpec } from '../../pki/key-spec.js';
import { generatePrivateKey, inspectPrivateKey } from '../../pki/private-key.js';
import { tryCertFacts, day, type CertFacts } from '../../pki/cert-facts.js';
import { issueSelfSignedCa, type Subject } from '../../pki/issue.js';
import { readKeyFile, readText, modeDrift, writeFile, chmod, KEY_MODE, CERT_MODE, type KeyFile } from '../../pki/pki-files.js';
import { organizationsOf, sameSubject, describeSubject } from '../../pki/subject.js';
import { predictExists } from '../lib/predictions.js';

export interface X509CaParams {
  cert_path: string;
  key_path: string;
  common_name: string;
  organization?: string | string[];
  validity_days?: number;
  key_type?: 'RSA' | 'ECDSA';
  key_size?: number | string;
}

export interface X509CaCurrent {
  now: number;
  /** null: absent */
  cert: CertFacts | { error: string } | null;
  key: KeyFile;
}

interface CaPlanData {
  spec: KeySpec;
  /** issue the certificate (with a new key unless one exists) */
  issue: boolean;
  newKey: boolean;
  chmodKey: boolean;
}

export const x509CaModule: Module<X509CaParams, X509CaCurrent> = {
  name: 'x509_ca',
  readAhead: true,
  // check mode: later tasks (copies to hosts) see that this file will exist
  predict: (p) => predictExists([p.cert_path, p.key_path]),
  schema: {
    type: 'object',
    description: 'Make a self-signed CA certificate on the controller.',
    additionalProperties: false,
    required: ['cert_path', 'key_path', 'common_name'],
    properties: {
      cert_path: { type: 'string', minLength: 1, description: 'CA certificate (PEM).' },
      key_path: { type: 'string', minLength: 1, description: 'CA private key (PKCS#8 PEM), written 0600.' },
      common_name: { type: 'string', minLength: 1, description: 'Subject CN of a new CA.' },
      organization: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Subject O of a new CA.' },
      validity_days: { type: 'integer', minimum: 1, default: 3650, description: 'Lifetime of a new CA.' },
      ...keySpecSchema('key_type', 'key_size'),
    },
  },

  async read(ctx, params) {
    const now = Date.now();
    const certText = await readText(ctx, params.cert_path);
    const cert = certText === null ? null : tryCertFacts(certText);
    return { now, cert, key: await readKeyFile(ctx, params.key_path) };
  },

  diff(params, cur) {
    const spec = keySpecFrom(params.key_type, params.key_size);
    if ('error' in spec) return { kind: 'fail', msg: spec.error };
    const subject: Subject = { commonName: params.common_name, organizations: organizationsOf(params.organization) };
    const days = params.validity_days ?? 3650;
    const { cert, key } = cur;
    if (key.exists && 'error' in key) return { kind: 'fail', msg: `CA key ${key.error}; refusing to touch an existing CA` };

    if (cert === null) {
      if (key.exists) {
        // a key without its certificate (e.g. a run cut short): certify the existing key
        return {
          kind: 'change',
          summary: `create CA certificate ${params.cert_path} (${describeSubject(subject)}, ${days} days) for the existing ${key.info.description} key ${params.key_path}`,
          fileDiffs: [{ path: params.cert_path, summary: `new self-signed CA certificate ${describeSubject(subject)}` }],
          data: { spec, issue: true, newKey: false, chmodKey: !!modeDrift(key.mode, KEY_MODE) } satisfies CaPlanData,
        };
      }
      return {
        kind: 'change',
        summary: `create CA ${describeSubject(subject)} (${describeKey(spec)}, ${days} days): ${params.cert_path}, ${params.key_path}`,
        fileDiffs: [
          { path: params.key_path, summary: 'private key (not shown)' },
          { path: params.cert_path, summary: `new self-signed CA certificate ${describeSubject(subject)}` },
        ],
        data: { spec, issue: true, newKey: true, chmodKey: false } satisfies CaPlanData,
      };
    }
    if ('error' in cert) return { kind: 'fail', msg: `CA certificate ${params.cert_path} is ${cert.error}; refusing to replace an existing CA` };
    if (!key.exists) return { kind: 'fail', msg: `CA certificate ${params.cert_path} exists but its key ${params.key_path} is missing; refusing to create a new CA over it` };
    if (cert.publicKey !== key.info.spki) {
      return { kind: 'fail', msg: `CA certificate ${params.cert_path} and key ${params.key_path} do not match; refusing to regenerate an existing CA` };
    }
    if (!cert.isCA) return { kind: 'fail', msg: `${params.cert_path} is not a CA certificate (basicConstraints CA:FALSE)` };

    const state = cur.now > cert.notAfter ? `CA exists, EXPIRED on ${day(cert.notAfter)}` : `CA exists, valid until ${day(cert.notAfter)}`;
    const kept: string[] = [];
    if (!sameSubject(cert, subject)) kept.push(`subject is ${cert.subject}, parameters say ${describeSubject(subject)}`);
    if (key.info.description !== describeKey(spec)) kept.push(`key is ${key.info.description}, parameters say ${describeKey(spec)}`);
    const note = kept.length ? ` (${kept.join('; ')}: an existing CA is never regenerated)` : '';
    const drift = modeDrift(key.mode, KEY_MODE);
    if (drift) {
      return {
        kind: 'change',
        summary: `${state}${note}; key ${params.key_path}: ${drift}`,
        data: { spec, issue: false, newKey: false, chmodKey: true } satisfies CaPlanData,
      };
    }
    return { kind: 'noop', reason: `${state} (${cert.subject}, ${key.info.description})${note}` };
  },

  async apply(ctx, params, plan) {
    const data = plan.data as CaPlanData;
    let changed = false;
    try {
      if (data.chmodKey) {
        await chmod(ctx, params.key_path, KEY_MODE);
        changed = true;
      }
      const result: TaskResult = { changed: true, msg: plan.summary, cert_path: params.cert_path, key_path: params.key_path };
      if (!data.issue) return result;
      let pem;
      if (data.newKey) {
        pem = await generatePrivateKey(data.spec);
        // key first: a run cut short leaves a key without certificate, which the next run certifies
        await writeFile(ctx, params.key_path, pem.reveal(), KEY_MODE);
        changed = true;
      } else {
        const key = await readKeyFile(ctx, params.key_path);
        if (!key.exists || 'error' in key) throw new Error(`CA key ${params.key_path} changed since it was read`);
        pem = key.pem;
      }
      const subject = { commonName: params.common_name, organizations: organizationsOf(params.organization) };
      const certPem = await issueSelfSignedCa({ pem, info: inspectPrivateKey(pem) }, subject, params.validity_days ?? 3650, Date.now());
      await writeFile(ctx, params.cert_path, certPem, CERT_MODE);
      return result;
    } catch (e) {
      return { changed, failed: true, msg: `x509_ca ${params.cert_path}: ${(e as Error).message}` };
    }
  },
};

export default x509CaModule;
