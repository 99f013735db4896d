// ansible.builtin.copy: a controller file (src) or literal text (content) to a host path.
import type { Module } from '../types.js';
import { readFact } from '../../facts/read-fact.js';
import { fileStat } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import { attrSchema } from '../lib/file-attrs.js';
import { readContentTarget, planContent, type ContentCurrent, type ContentParams } from '../lib/content-target.js';
import { applyWrite, type WriteData } from '../lib/write-file.js';
import { predictWrite, predictUnknownContent } from '../lib/predictions.js';

export interface CopyParams extends ContentParams {
  src?: string;
  content?: string;
}

/**
 * pendingSrc: --check, and src is made (new) or rewritten (a re-issued certificate) by an earlier
 * task: its content is not known yet
 */
type CopyCurrent = ContentCurrent & { src?: string; pendingSrc?: 'new' | 'rewritten' };

export const copy: Module<CopyParams, CopyCurrent> = {
  name: 'copy',
  readAhead: true,
  // a rewritten src (--check): dest gets content that is not known yet, which later tasks see
  predict: (p, plan) => (plan.data ? predictWrite(plan) : plan.result?.rewritten === true ? predictUnknownContent(p.dest!) : []),
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Write a file on the host from a controller file (src) or from text (content), with owner, group and mode.',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      src: { type: 'string', description: "Controller file to copy, looked up in the role's files/ and the playbook directory." },
      content: { type: 'string', description: 'Literal content for dest, instead of src.' },
      dest: { type: 'string', description: 'Host path; a directory (or a path ending in /) receives the file under its source name.' },
      ...attrSchema,
      backup: { type: 'boolean', default: false, description: 'Keep a copy of the old file (dest.PID.YYYY-MM-DD@HH:MM:SS~, never overwriting another) before replacing it.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false: only create dest when it is absent.' },
    },
    oneOf: [{ required: ['src'] }, { required: ['content'] }],
  },

  async read(ctx, params) {
    if (params.content !== undefined) return readContentTarget(ctx, params.dest, Buffer.from(params.content, 'utf8'));
    // --check: a src that an earlier task would create on the controller (a new certificate)
    const predicted = async (path: string) => ctx.check && !!(await ctx.controllerFacts?.get(fileStat, { path, follow: true }))?.exists;
    const src = await ctx.findFile('files', params.src!).catch(async (e) => {
      if (params.src!.startsWith('/') && (await predicted(params.src!))) return params.src!;
      throw e;
    });
    // the controller's own file: in-process (fileStat.local) unless only stat(1) can name its owner
    const st = await readFact(fileStat, { path: src, follow: true }, ctx.controller, undefined);
    // --check: a src an earlier task would fetch to the controller (pki_adopt): its content is known
    const fetched = !st.exists && ctx.check ? ctx.controllerFacts?.predicted(fileContent, { path: src }) : undefined;
    if (fetched) return { ...(await readContentTarget(ctx, params.dest, fetched, src.slice(src.lastIndexOf('/') + 1))), src };
    if (!st.exists && (await predicted(src))) {
      return { path: params.dest, desired: Buffer.alloc(0), stat: { path: params.dest, exists: false }, before: undefined, src, pendingSrc: 'new' };
    }
    // --check: a src an earlier task rewrites (a re-issued certificate): its new content is not known
    if (st.exists && ctx.check && ctx.controllerFacts?.predictedUnknown(fileContent, { path: src })) {
      return { path: params.dest, desired: Buffer.alloc(0), stat: { path: params.dest, exists: false }, before: undefined, src, pendingSrc: 'rewritten' };
    }
    if (!st.exists) return { path: params.dest, desired: Buffer.alloc(0), stat: st, before: undefined, error: `could not find src ${params.src}`, src };
    if (st.type !== 'file') return { path: params.dest, desired: Buffer.alloc(0), stat: st, before: undefined, error: `src ${src} is a ${st.type}: only files can be copied`, src };
    const bytes = await ctx.controller.get(src);
    if (bytes === null) return { path: params.dest, desired: Buffer.alloc(0), stat: st, before: undefined, error: `could not find src ${params.src}`, src };
    const cur = await readContentTarget(ctx, params.dest, bytes, src.slice(src.lastIndexOf('/') + 1));
    return { ...cur, src };
  },

  diff(params, cur) {
    if (cur.pendingSrc === 'new') return { kind: 'change', summary: `${params.dest}: would copy ${cur.src}, which an earlier task makes (content not known in check mode)`, result: { src: cur.src } };
    if (cur.pendingSrc) {
      return { kind: 'change', summary: `${params.dest}: would copy ${cur.src}, which an earlier task rewrites (content not known in check mode)`, result: { src: cur.src, rewritten: true } };
    }
    return planContent(params, cur, cur.src ? { src: cur.src } : {});
  },

  apply(ctx, _params, plan) {
    return applyWrite(ctx, plan.data as WriteData, plan.result);
  },
};
