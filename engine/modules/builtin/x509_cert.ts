// x509_cert: a leaf certificate signed by a CA, with its private key. Re-issued only for a reason
// the plan names: missing, key mismatch, other CA, near expiry, missing SAN/usage, other subject.
// A re-issue keeps the existing key; a key is generated only when there is none.
import type { Module, TaskResult, FileDiff } from '../types.js';
import { keySpecFrom, keySpecSchema, describeKey, type KeySpec } from '../../pki/key-spec.js';
import { generatePrivateKey, inspectPrivateKey } from '../../pki/private-key.js';
import { loadCertificate, certFacts, tryCertFacts, issuedByPem, day, type CertFacts } from '../../pki/cert-facts.js';
import { issueLeaf, type LeafProfile, type SigningKey } from '../../pki/issue.js';
import { reissueReasons, remaining } from '../../pki/leaf-reasons.js';
import { organizationsOf, describeSubject } from '../../pki/subject.js';
import { normalizeIp } from '../../pki/ip.js';
import { KEY_USAGES, EXTENDED_KEY_USAGES, type KeyUsageName, type ExtendedKeyUsageName } from '../../pki/usages.js';
import { readKeyFile, readText, modeDrift, writeFile, chmod, KEY_MODE, CERT_MODE, type KeyFile } from '../../pki/pki-files.js';
import { predictExists } from '../lib/predictions.js';

export interface X509CertParams {
  cert_path: string;
  key_path: string;
  ca_cert_path: string;
  ca_key_path: string;
  common_name: string;
  organization?: string | string[];
  dns_names?: string[];
  ip_addresses?: string[];
  key_usage?: KeyUsageName[];
  extended_key_usage?: ExtendedKeyUsageName[];
  validity_days?: number;
  renew_before_days?: number;
  key_type?: 'RSA' | 'ECDSA';
  key_size?: number | string;
  force?: boolean;
}

export interface X509CertCurrent {
  now: number;
  /** null: the CA certificate file is absent */
  ca: { pem: string; facts: CertFacts } | { error: string } | null;
  caKey: KeyFile;
  key: KeyFile;
  cert: CertFacts | { error: string } | null;
  /** undefined when there is no readable certificate or CA to check against */
  signedByCa?: boolean;
}

interface CertPlanData {
  reasons: string[];
  profile: LeafProfile;
  spec: KeySpec;
  /** the signing CA; undefined when it is missing (the run then fails) */
  ca?: { certPem: string; key: SigningKey };
  /** the key to certify; undefined: generate one */
  key?: SigningKey;
  chmodKey: boolean;
}

const DEFAULT_KEY_USAGE: KeyUsageName[] = ['digitalSignature', 'keyEncipherment'];

function profileOf(p: X509CertParams): LeafProfile {
  return {
    subject: { commonName: p.common_name, organizations: organizationsOf(p.organization) },
    dnsNames: p.dns_names ?? [],
    ipAddresses: p.ip_addresses ?? [],
    keyUsage: p.key_usage ?? DEFAULT_KEY_USAGE,
    extendedKeyUsage: p.extended_key_usage ?? [],
    validityDays: p.validity_days ?? 365,
  };
}

/** Parameter problems a schema cannot express; undefined when the parameters are sound. */
function paramError(p: X509CertParams, profile: LeafProfile, renewBeforeDays: number): string | undefined {
  const badIp = profile.ipAddresses.find((ip) => normalizeIp(ip) === undefined);
  if (badIp !== undefined) return `ip_addresses: ${JSON.stringify(badIp)} is not an IPv4 or IPv6 address`;
  if (profile.validityDays <= renewBeforeDays) {
    return `validity_days (${profile.validityDays}) must be greater than renew_before_days (${renewBeforeDays}): every run would re-issue the certificate`;
  }
  if (p.cert_path === p.ca_cert_path || p.key_path === p.ca_key_path) return 'the leaf certificate and key paths must differ from the CA paths';
  return undefined;
}

export const x509CertModule: Module<X509CertParams, X509CertCurrent> = {
  name: 'x509_cert',
  readAhead: true,
  // check mode: later tasks (copies to hosts) see that this file will exist
  predict: (p) => predictExists([p.cert_path, p.key_path]),
  schema: {
    type: 'object',
    description: 'Issue a certificate signed by a CA, on the controller.',
    additionalProperties: false,
    required: ['cert_path', 'key_path', 'ca_cert_path', 'ca_key_path', 'common_name'],
    properties: {
      cert_path: { type: 'string', minLength: 1, description: 'Certificate (PEM).' },
      key_path: { type: 'string', minLength: 1, description: 'Private key (PKCS#8 PEM, 0600); created when missing, reused otherwise.' },
      ca_cert_path: { type: 'string', minLength: 1, description: 'Certificate of the signing CA.' },
      ca_key_path: { type: 'string', minLength: 1, description: 'Private key of the signing CA.' },
      common_name: { type: 'string', minLength: 1, description: 'Subject CN.' },
      organization: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Subject O (one or several).' },
      dns_names: { type: 'array', items: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9*_.-]+$' }, description: 'DNS subject alternative names.' },
      ip_addresses: { type: 'array', items: { type: 'string', minLength: 2 }, description: 'IP subject alternative names (IPv4 or IPv6).' },
      key_usage: { type: 'array', items: { enum: [...KEY_USAGES] }, default: DEFAULT_KEY_USAGE, description: 'Key usage bits.' },
      extended_key_usage: { type: 'array', items: { enum: Object.keys(EXTENDED_KEY_USAGES) }, description: 'serverAuth and/or clientAuth.' },
      validity_days: { type: 'integer', minimum: 1, default: 365, description: 'Lifetime of a newly issued certificate.' },
      renew_before_days: { type: 'integer', minimum: 0, default: 30, description: 'Re-issue when the certificate expires within this many days.' },
      ...keySpecSchema('key_type', 'key_size'),
      force: { type: 'boolean', default: false, description: 'Re-issue even when the certificate is fine (a renewal now); the key is kept.' },
    },
  },

  async read(ctx, params) {
    const now = Date.now();
    const caText = await readText(ctx, params.ca_cert_path);
    let ca: X509CertCurrent['ca'] = null;
    if (caText !== null) {
      const facts = tryCertFacts(caText);
      ca = 'error' in facts ? facts : { pem: caText, facts };
    }
    const caKey = await readKeyFile(ctx, params.ca_key_path);
    const key = await readKeyFile(ctx, params.key_path);
    const certText = await readText(ctx, params.cert_path);
    const cert = certText === null ? null : tryCertFacts(certText);
    let signedByCa: boolean | undefined;
    if (certText !== null && cert && !('error' in cert) && ca && !('error' in ca)) {
      signedByCa = await issuedByPem(certText, ca.pem);
    }
    return { now, ca, caKey, key, cert, signedByCa };
  },

  diff(params, cur) {
    const spec = keySpecFrom(params.key_type, params.key_size);
    if ('error' in spec) return { kind: 'fail', msg: spec.error };
    const profile = profileOf(params);
    const renewBeforeDays = params.renew_before_days ?? 30;
    const bad = paramError(params, profile, renewBeforeDays);
    if (bad) return { kind: 'fail', msg: bad };

    const { ca, caKey, key, cert } = cur;
    if (ca && 'error' in ca) return { kind: 'fail', msg: `CA certificate ${params.ca_cert_path} is ${ca.error}` };
    if (caKey.exists && 'error' in caKey) return { kind: 'fail', msg: `CA key ${caKey.error}` };
    if (ca && caKey.exists && ca.facts.publicKey !== caKey.info.spki) {
      return { kind: 'fail', msg: `CA certificate ${params.ca_cert_path} and CA key ${params.ca_key_path} do not match` };
    }
    if (key.exists && 'error' in key) return { kind: 'fail', msg: `key ${key.error}; remove it or fix it, it is not replaced` };

    const reasons = reissueReasons(
      { ...profile, renewBeforeDays },
      {
        now: cur.now,
        cert,
        keyMissing: !key.exists,
        keyMatches: key.exists && !!cert && !('error' in cert) && cert.publicKey === key.info.spki,
        signedByCa: cur.signedByCa,
        caLabel: params.ca_cert_path,
      },
    );
    if (params.force && !reasons.length) reasons.push('renewal forced (force: true)');
    const caMissing = [!ca && `CA certificate ${params.ca_cert_path}`, !caKey.exists && `CA key ${params.ca_key_path}`].filter(Boolean);
    if (caMissing.length && cert) reasons.push(`cannot check the signature: ${caMissing.join(' and ')} missing`);
    const drift = key.exists ? modeDrift(key.mode, KEY_MODE) : undefined;

    const data: CertPlanData = {
      reasons,
      profile,
      spec,
      ca: ca && caKey.exists ? { certPem: ca.pem, key: { pem: caKey.pem, info: caKey.info } } : undefined,
      key: key.exists ? { pem: key.pem, info: key.info } : undefined,
      chmodKey: !!drift,
    };
    if (!reasons.length) {
      const c = cert as CertFacts;
      const state =
        `${params.cert_path} valid until ${day(c.notAfter)} (${remaining(c.notAfter - cur.now)} left, renewal within ${renewBeforeDays} days), ` +
        `signed by ${params.ca_cert_path}, matches ${params.key_path}, has the requested subject, SANs and usages`;
      if (!drift) return { kind: 'noop', reason: state };
      return { kind: 'change', summary: `${state}; key ${params.key_path}: ${drift}`, data, result: { reasons: [] } };
    }

    const keyNote = key.exists
      ? `reusing the existing ${key.info.description} key ${params.key_path}` +
        (key.info.description !== describeKey(spec) ? ` (key_type/key_size apply to new keys only)` : '')
      : `new ${describeKey(spec)} key ${params.key_path}`;
    const verb = cert === null ? 'issue' : 're-issue';
    const notes = [keyNote];
    if (drift) notes.push(`key ${drift}`);
    if (caMissing.length) notes.push(`${caMissing.join(' and ')} not present yet: the run fails unless an earlier task creates it`);
    const fileDiffs: FileDiff[] = [];
    if (!key.exists) fileDiffs.push({ path: params.key_path, summary: 'private key (not shown)' });
    fileDiffs.push({ path: params.cert_path, summary: `${verb} certificate ${describeSubject(profile.subject)}: ${reasons.join('; ')}` });
    return {
      kind: 'change',
      summary: `${verb} ${params.cert_path} (${describeSubject(profile.subject)}): ${reasons.join('; ')}; ${notes.join('; ')}`,
      fileDiffs,
      data,
      result: { reasons },
    };
  },

  async apply(ctx, params, plan) {
    const data = plan.data as CertPlanData;
    const result: TaskResult = { changed: true, msg: plan.summary, reasons: data.reasons, cert_path: params.cert_path, key_path: params.key_path };
    let changed = false;
    try {
      if (data.chmodKey) {
        await chmod(ctx, params.key_path, KEY_MODE);
        changed = true;
      }
      if (!data.reasons.length) return result;
      if (!data.ca) throw new Error(`cannot sign: CA certificate ${params.ca_cert_path} or its key ${params.ca_key_path} does not exist`);
      let key = data.key;
      if (!key) {
        const pem = await generatePrivateKey(data.spec);
        key = { pem, info: inspectPrivateKey(pem) };
        await writeFile(ctx, params.key_path, pem.reveal(), KEY_MODE);
        changed = true;
      }
      const certPem = await issueLeaf(key.info.publicPem, data.ca, data.profile, Date.now());
      await writeFile(ctx, params.cert_path, certPem, CERT_MODE);
      const issued = certFacts(loadCertificate(certPem));
      return { ...result, serial: issued.serial, not_after: new Date(issued.notAfter).toISOString() };
    } catch (e) {
      return { changed, failed: true, msg: `x509_cert ${params.cert_path}: ${(e as Error).message}`, reasons: data.reasons };
    }
  },
};

export default x509CertModule;
