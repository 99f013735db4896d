// The PKI guard's decision, pure: given what the controller's PKI directory holds and what each
// host holds, before anything is changed, either
//   - the two agree (or the hosts hold nothing yet): go on;
//   - the controller lacks files the cluster has: adopt them, each from one host;
//   - they differ (or the hosts differ among themselves): stop, naming hosts and fingerprints.
// A CA, the service-account key pair or the encryption-at-rest key is never replaced by a run that
// merely lacks or holds another copy: only replace-pki.yml, confirmed by the fingerprint of the CA
// it replaces, goes on past a difference (and never past one of the encryption key).
import { confirmValue, fingerprintHex } from './fingerprint.js';

/** One row of the role's table: a controller file and where a host keeps it. */
export interface PkiFileSpec {
  /** path under the controller's PKI directory */
  dest: string;
  /** path on the host */
  src: string;
  /** written 0600 on the controller (keys, kubeconfigs, the encryption config) */
  private?: boolean;
  /** compared between the controller and every host: what it is, for messages */
  identity?: string;
  /** never replaced, not even by replace-pki.yml (the encryption-at-rest key) */
  keep?: boolean;
  /** dest of the private key that belongs to this certificate */
  key?: string;
  /** a kubeconfig: dests of its embedded client certificate and key */
  client_cert?: string;
  client_key?: string;
  /** a config holding a secret: the first capture group of this regular expression is the content */
  pattern?: string;
}

/** A row as one side sees it: held or not, and an identity row's fingerprint. */
export interface HeldFile extends PkiFileSpec {
  held: boolean;
  fingerprint?: string;
}

export interface HostView {
  host: string;
  files: HeldFile[];
}

export interface GuardInput {
  pkiDir: string;
  /** dests present on the controller, with the fingerprint of identity rows */
  controller: Map<string, { fingerprint?: string }>;
  /** in play order */
  hosts: HostView[];
  /** kube_control_plane in inventory order: adoption prefers these as sources */
  controlPlane: string[];
  /** may a new PKI be made when neither side holds one (false for scale.yml) */
  create: boolean;
  /**
   * replace-pki.yml: the confirmation given, which dest it must name the fingerprint of, and
   * whether a new PKI is made (then every host's is replaced, else those that differ)
   */
  replace?: { confirm: string; confirmWith: string; replaceNew: boolean };
}

export type GuardState = 'match' | 'adopt' | 'new' | 'fresh-hosts' | 'replace';

export type GuardDecision =
  | { ok: true; state: GuardState; adopt: Record<string, PkiFileSpec[]>; msg: string }
  | { ok: false; msg: string };

interface Difference {
  dest: string;
  what: string;
  keep: boolean;
  controller?: string;
  /** fingerprint → hosts holding it */
  hosts: Map<string, string[]>;
}

const outputsOf = (f: PkiFileSpec) => [f.dest, f.client_cert, f.client_key].filter((d): d is string => !!d);

function differences(input: GuardInput): Difference[] {
  const rows = new Map<string, Difference>();
  for (const h of input.hosts) {
    for (const f of h.files) {
      if (!f.identity || !f.held) continue;
      let d = rows.get(f.dest);
      if (!d) rows.set(f.dest, (d = { dest: f.dest, what: f.identity, keep: !!f.keep, controller: input.controller.get(f.dest)?.fingerprint, hosts: new Map() }));
      const fp = f.fingerprint ?? 'unknown';
      d.hosts.set(fp, [...(d.hosts.get(fp) ?? []), h.host]);
    }
  }
  return [...rows.values()].filter((d) => (d.controller !== undefined ? [...d.hosts.keys()].some((fp) => fp !== d.controller) : d.hosts.size > 1));
}

function describe(d: Difference): string {
  const held = [...d.hosts].map(([fp, hosts]) => `${hosts.join(', ')}: ${fp}`).join('; ');
  return d.controller !== undefined ? `${d.dest} (${d.what}): controller ${d.controller}; ${held}` : `${d.dest} (${d.what}), the hosts disagree: ${held}`;
}

/** the identity rows of some host, whatever the controller holds: what "the hosts hold a PKI" means */
const hostsHoldIdentity = (input: GuardInput) => input.hosts.some((h) => h.files.some((f) => f.identity && f.held));
const controllerHoldsIdentity = (input: GuardInput) => input.hosts.some((h) => h.files.some((f) => f.identity && input.controller.has(f.dest)));

export function decide(input: GuardInput): GuardDecision {
  const diffs = differences(input);
  const dir = input.pkiDir;
  const none = Object.fromEntries(input.hosts.map((h) => [h.host, [] as PkiFileSpec[]]));
  if (input.replace) return decideReplace(input, diffs, none);
  if (diffs.length) {
    const cluster = diffs.find((d) => d.controller !== undefined && d.hosts.size === 1);
    const confirm = cluster ? [...cluster.hosts.keys()][0] : undefined;
    const theirs = diffs.every((d) => d.controller === undefined);
    const how = theirs
      ? `The hosts hold different PKIs, so there is no single one to adopt. Restore the site's PKI backup into ${dir} (README, "What the main job builds", item 3) and make the stray hosts take it with playbooks/replace-pki.yml, which asks for the fingerprint of the CA it replaces.`
      : `If ${dir} is not this cluster's PKI (another checkout, another site, a new clone that ran against fresh hosts), move it aside and run again: the cluster's PKI is then adopted from its control plane; or restore the site's PKI backup into ${dir}. ` +
        `To replace the cluster's PKI with this one on purpose (every certificate changes, etcd restarts all members together): tsplay run playbooks/replace-pki.yml -e pki_replace_confirm=${confirm ? confirmValue(confirm) : '<the fingerprint of the CA it replaces>'}.`;
    return { ok: false, msg: `The PKI guard stopped the run before any host was changed: ${theirs ? 'the hosts do not agree on their PKI' : `the PKI on the controller (${dir}) is not the one the hosts use`}. ${diffs.map(describe).join('. ')}. ${how}` };
  }

  const hostsHold = hostsHoldIdentity(input);
  const controllerHolds = controllerHoldsIdentity(input);
  if (!hostsHold && !controllerHolds) {
    if (!input.create) {
      return { ok: false, msg: `No PKI on the controller (${dir}) and none on the hosts of this play to adopt: this playbook never creates one. Restore the site's PKI backup into ${dir}, or run playbooks/ha-cluster.yml, which adopts the cluster's PKI from its control plane.` };
    }
    return { ok: true, state: 'new', adopt: none, msg: `no PKI on the controller (${dir}) or on the hosts: a new one is made` };
  }

  // each file the controller lacks comes from the first host holding it, the control plane first
  const rank = (h: string) => {
    const i = input.controlPlane.indexOf(h);
    return i < 0 ? input.controlPlane.length : i;
  };
  const order = input.hosts.map((h, i) => ({ h, i })).sort((a, b) => rank(a.h.host) - rank(b.h.host) || a.i - b.i).map((x) => x.h);
  const adopt: Record<string, PkiFileSpec[]> = { ...none };
  const claimed = new Set<string>();
  for (const h of order) {
    for (const f of h.files) {
      if (!f.held) continue;
      const wanted = outputsOf(f).filter((d) => !input.controller.has(d) && !claimed.has(d));
      if (!wanted.length) continue;
      for (const d of outputsOf(f)) claimed.add(d);
      adopt[h.host] = [...adopt[h.host], specOf(f)];
    }
  }
  // a certificate is adopted only with its key; a CA's key must be there, a leaf is re-issued
  const orphans = Object.values(adopt).flat().filter((f) => f.key && !input.controller.has(f.key) && !claimed.has(f.key));
  const lostCa = orphans.filter((f) => f.identity);
  if (lostCa.length) {
    const list = lostCa.map((f) => `${f.dest} (${f.identity}, held by ${holders(input, f.dest).join(', ')}) without its key ${f.key}`).join('; ');
    const masters = input.hosts.filter((h) => input.controlPlane.includes(h.host)).map((h) => h.host);
    const how = masters.length
      ? `No host of this play holds the key, not even the control plane (${masters.join(', ')}): a cluster converged before the masters were given the CA keys has them on the controller only. Restore the site's PKI backup into ${dir}; a CA whose key is lost can only be replaced (playbooks/replace-pki.yml).`
      : `Adoption reads the keys from a control-plane host: run without --limit (or with a master in it), or restore the site's PKI backup into ${dir}.`;
    return { ok: false, msg: `The PKI guard stopped the run before any host was changed: the controller has no ${lostCa.map((f) => f.dest).join(', ')} and the hosts of this play cannot give it whole: ${list}. ${how}` };
  }
  const dropped = new Set(orphans.map((f) => f.dest));
  for (const host of Object.keys(adopt)) adopt[host] = adopt[host].filter((f) => !dropped.has(f.dest));

  const count = Object.values(adopt).reduce((n, l) => n + l.length, 0);
  const ids = new Map<string, string>();
  for (const h of input.hosts) for (const f of h.files) if (f.identity && f.held && f.fingerprint) ids.set(f.dest, f.fingerprint);
  const idText = [...ids].map(([d, fp]) => `${d} ${fp}`).join(', ');
  if (!count) {
    if (!hostsHold) return { ok: true, state: 'fresh-hosts', adopt, msg: `the hosts hold no PKI yet: they receive the controller's (${dir})` };
    return { ok: true, state: 'match', adopt, msg: `the controller's PKI (${dir}) is the one the hosts use: ${idText}` };
  }
  const bySource = Object.entries(adopt)
    .filter(([, l]) => l.length)
    .map(([h, l]) => `${h}: ${l.map((f) => f.dest).join(', ')}`)
    .join('; ');
  const skipped = dropped.size ? ` (not adopted, re-issued from the adopted CA instead: ${[...dropped].join(', ')}, whose keys no host holds)` : '';
  return { ok: true, state: 'adopt', adopt, msg: `the controller lacks ${count} file(s) of the cluster's PKI (${dir}): adopted from the hosts, whose PKI is ${idText || 'unchanged'}; ${bySource}${skipped}` };
}

function holders(input: GuardInput, dest: string): string[] {
  return input.hosts.filter((h) => h.files.some((f) => f.dest === dest && f.held)).map((h) => h.host);
}

function specOf(f: HeldFile): PkiFileSpec {
  const { held: _held, fingerprint: _fp, ...spec } = f;
  return spec;
}

function decideReplace(input: GuardInput, diffs: Difference[], none: Record<string, PkiFileSpec[]>): GuardDecision {
  const r = input.replace!;
  const kept = diffs.filter((d) => d.keep);
  if (kept.length) {
    return {
      ok: false,
      msg: `replace-pki.yml stopped before any host was changed: ${kept.map(describe).join('. ')}. This is never replaced (every Secret stored in etcd would become unreadable): put the cluster's copy (from a master) into ${input.pkiDir} and run again.`,
    };
  }
  const rows = input.hosts.flatMap((h) => h.files.filter((f) => f.dest === r.confirmWith && f.held).map((f) => ({ host: h.host, fp: f.fingerprint ?? 'unknown' })));
  if (!rows.length) return { ok: false, msg: `replace-pki.yml: no host of this play holds ${r.confirmWith}: there is nothing to replace (fresh hosts get the controller's PKI from playbooks/ha-cluster.yml)` };
  const controller = input.controller.get(r.confirmWith)?.fingerprint;
  const replaced = r.replaceNew ? rows : rows.filter((x) => x.fp !== controller);
  if (!replaced.length) {
    return { ok: false, msg: `replace-pki.yml: the controller's PKI (${input.pkiDir}) is already the one the hosts use (${r.confirmWith} ${controller}): nothing to replace. For a new PKI add -e pki_replace_new=true` };
  }
  const fps = [...new Set(replaced.map((x) => x.fp))];
  const list = fps.map((fp) => `${replaced.filter((x) => x.fp === fp).map((x) => x.host).join(', ')}: ${fp}`).join('; ');
  if (fps.length !== 1) return { ok: false, msg: `replace-pki.yml stopped before any host was changed: the hosts hold more than one ${r.confirmWith} that would be replaced (${list}); make them agree first (replace one set at a time with --limit)` };
  const want = fingerprintHex(fps[0]);
  if (!r.confirm.trim()) return { ok: false, msg: `replace-pki.yml replaces the cluster's PKI; confirm with the fingerprint of the CA it replaces: -e pki_replace_confirm=${confirmValue(fps[0])} (${list})` };
  if (!want || fingerprintHex(r.confirm) !== want) {
    return { ok: false, msg: `replace-pki.yml stopped before any host was changed: pki_replace_confirm (${r.confirm}) is not the fingerprint of the ${r.confirmWith} it would replace (${list})` };
  }
  const by = r.replaceNew ? `a new PKI made in ${input.pkiDir}` : `the controller's PKI (${input.pkiDir})`;
  return { ok: true, state: 'replace', adopt: none, msg: `replacing ${r.confirmWith} ${fps[0]} on ${replaced.map((x) => x.host).join(', ')} with ${by}` };
}

// a dest stays inside the PKI directory: relative, no ".." component
const DEST = { type: 'string', minLength: 1, pattern: '^(?!/)(?!(.*/)?\\.\\.(/|$))' } as const;

/** JSON Schema of a table row, for the modules' parameters. */
export const PKI_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['dest', 'src'],
  properties: {
    dest: { ...DEST, description: 'Path under the controller\'s PKI directory (relative, no "..").' },
    src: { type: 'string', pattern: '^/', description: 'Absolute path on the host.' },
    private: { type: 'boolean', default: false, description: 'Written 0600 on the controller.' },
    identity: { type: 'string', minLength: 1, description: 'Compared between the controller and every host; what it is, for messages.' },
    keep: { type: 'boolean', default: false, description: 'Never replaced, not even by replace-pki.yml.' },
    key: { ...DEST, description: 'Dest of the private key of this certificate or public key.' },
    client_cert: { ...DEST, description: 'A kubeconfig: dest of its embedded client certificate.' },
    client_key: { ...DEST, description: 'A kubeconfig: dest of its embedded client key.' },
    pattern: { type: 'string', minLength: 1, description: 'The first capture group of this regular expression (multiline) in src is the content.' },
  },
} as const;
