// pki_files: which of the PKI role's files this host holds, with the fingerprints of the ones
// the PKI guard compares (CA certificates, sa.pub, the encryption config's digest). Read-only,
// the same in --check; registered for pki_guard, which decides for all hosts at once.
import type { Module } from '../types.js';
import { fileStat } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import { heldFiles } from '../../pki/held-files.js';
import { PKI_FILE_SCHEMA, type HeldFile, type PkiFileSpec } from '../../pki/guard.js';

export interface PkiFilesParams {
  files: PkiFileSpec[];
}

export const pkiFilesModule: Module<PkiFilesParams, { host: string; files: HeldFile[] }> = {
  name: 'pki_files',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Put the PKI files a node needs on the host.',
    additionalProperties: false,
    required: ['files'],
    properties: {
      files: { type: 'array', items: PKI_FILE_SCHEMA, description: 'The table of PKI files: where the controller and a host keep each.' },
    },
  },

  async read(ctx, p) {
    const host = typeof ctx.vars.inventory_hostname === 'string' ? ctx.vars.inventory_hostname : ctx.host;
    const files = await heldFiles(
      {
        stat: (args) => ctx.facts.get(fileStat, args, ctx.become),
        text: async (path) => (await ctx.facts.get(fileContent, { path }, ctx.become))?.toString('utf8') ?? null,
      },
      p.files,
      (s) => s.src,
    );
    return { host, files };
  },

  diff(_p, cur) {
    const held = cur.files.filter((f) => f.held);
    const ids = held.filter((f) => f.identity).map((f) => `${f.dest} ${f.fingerprint}`);
    const reason = held.length ? `holds ${held.length} of ${cur.files.length} PKI files${ids.length ? `; ${ids.join(', ')}` : ''}` : 'holds no PKI file';
    return { kind: 'noop', reason, result: { host: cur.host, files: cur.files } };
  },

  async apply() {
    throw new Error('pki_files never changes anything');
  },
};

export default pkiFilesModule;
