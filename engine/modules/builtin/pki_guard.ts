// pki_guard: compares the controller's PKI directory with what every host of the play holds
// (registered by pki_files), before anything is changed, and decides: go on, adopt what the
// controller lacks (each file from one host), or stop naming hosts and fingerprints. Runs once,
// on the controller (delegate_to: localhost); read-only, the same in --check. The decision
// itself is engine/pki/guard.ts.
import { posix } from 'node:path';
import type { Module } from '../types.js';
import { readFact } from '../../facts/read-fact.js';
import { fileStat } from '../../facts/file-stat.js';
import { heldFiles } from '../../pki/held-files.js';
import { decide, PKI_FILE_SCHEMA, type GuardDecision, type HeldFile, type HostView, type PkiFileSpec } from '../../pki/guard.js';

export interface PkiGuardParams {
  pki_dir: string;
  observed: HostView[];
  control_plane?: string[];
  create?: boolean;
  replace?: boolean;
  replace_confirm?: string;
  replace_new?: boolean;
  confirm_with?: string;
}

export interface PkiGuardCurrent {
  controller: Map<string, { fingerprint?: string }>;
}

export const pkiGuardModule: Module<PkiGuardParams, PkiGuardCurrent> = {
  name: 'pki_guard',
  schema: {
    type: 'object',
    description: 'Stop before any change when the controller\'s PKI and the cluster\'s differ.',
    additionalProperties: false,
    required: ['pki_dir', 'observed'],
    properties: {
      pki_dir: { type: 'string', minLength: 1, description: 'The site\'s PKI directory on the controller.' },
      observed: {
        type: 'array',
        description: 'What each host of the play holds: the registered results of pki_files, in play order.',
        items: {
          type: 'object',
          required: ['host', 'files'],
          properties: {
            host: { type: 'string', minLength: 1 },
            files: { type: 'array', items: { ...PKI_FILE_SCHEMA, properties: { ...PKI_FILE_SCHEMA.properties, held: { type: 'boolean' }, fingerprint: { type: 'string' } }, required: ['dest', 'src', 'held'] } },
          },
        },
      },
      control_plane: { type: 'array', items: { type: 'string' }, default: [], description: 'Hosts that hold the CA keys, in the order adoption prefers them.' },
      create: { type: 'boolean', default: true, description: 'A new PKI may be made when neither the controller nor the hosts hold one.' },
      replace: { type: 'boolean', default: false, description: 'replace-pki.yml: the controller\'s PKI replaces the hosts\', confirmed by replace_confirm.' },
      replace_confirm: { type: 'string', default: '', description: 'The fingerprint of the CA being replaced (with replace).' },
      replace_new: { type: 'boolean', default: false, description: 'With replace: a new PKI is made, replacing every host\'s (else the controller\'s replaces the hosts\' that differ).' },
      confirm_with: { type: 'string', default: 'ca.crt', description: 'The dest whose fingerprint replace_confirm must name.' },
    },
  },

  async read(ctx, p) {
    // every dest the hosts' table names, the extracted ones too; an identity row gets its fingerprint
    const rows = new Map<string, PkiFileSpec>();
    for (const h of p.observed) {
      for (const f of h.files) {
        for (const dest of [f.dest, f.key, f.client_cert, f.client_key]) if (dest && !rows.has(dest)) rows.set(dest, { dest, src: '' });
        rows.set(f.dest, { dest: f.dest, src: f.src, ...(f.identity ? { identity: f.identity } : {}) });
      }
    }
    // read directly, not through the fact cache: adoption writes these paths from another host's task
    const held: HeldFile[] = await heldFiles(
      {
        stat: (args) => readFact(fileStat, args, ctx.transport, undefined),
        text: async (path) => (await ctx.transport.get(path))?.toString('utf8') ?? null,
      },
      [...rows.values()],
      (s) => posix.join(p.pki_dir, s.dest),
    );
    return { controller: new Map(held.filter((f) => f.held).map((f) => [f.dest, f.fingerprint === undefined ? {} : { fingerprint: f.fingerprint }])) };
  },

  diff(p, cur) {
    const d: GuardDecision = decide({
      pkiDir: p.pki_dir,
      controller: cur.controller,
      hosts: p.observed.map((h) => ({ host: h.host, files: h.files })),
      controlPlane: p.control_plane ?? [],
      create: p.create ?? true,
      ...(p.replace ? { replace: { confirm: p.replace_confirm ?? '', confirmWith: p.confirm_with ?? 'ca.crt', replaceNew: p.replace_new ?? false } } : {}),
    });
    if (!d.ok) return { kind: 'fail', msg: d.msg };
    return { kind: 'noop', reason: d.msg, result: { pki_state: d.state, pki_adopt: d.adopt } };
  },

  async apply() {
    throw new Error('pki_guard never changes anything');
  },
};

export default pkiGuardModule;
