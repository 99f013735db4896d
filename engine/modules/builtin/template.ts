// ansible.builtin.template: render a controller template with the host's variables, then
// write it like copy does.
import type { Module } from '../types.js';
import { attrSchema } from '../lib/file-attrs.js';
import { readContentTarget, planContent, type ContentCurrent, type ContentParams } from '../lib/content-target.js';
import { applyWrite, type WriteData } from '../lib/write-file.js';
import { predictWrite } from '../lib/predictions.js';
import { utf8Text } from '../../utf8.js';

export interface TemplateParams extends ContentParams {
  src: string;
}

type TemplateCurrent = ContentCurrent & { src: string };

export const template: Module<TemplateParams, TemplateCurrent> = {
  name: 'template',
  readAhead: true,
  predict: (_p, plan) => predictWrite(plan),
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Render a Handlebars template from the controller and write it to the host.',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: "Template file on the controller, looked up in the role's templates/ and the playbook directory." },
      dest: { type: 'string', description: 'Host path of the rendered file; a directory receives it under the template name without .hbs.' },
      ...attrSchema,
      backup: { type: 'boolean', default: false, description: 'Keep a copy of the old file (dest.PID.YYYY-MM-DD@HH:MM:SS~, never overwriting another) before replacing it.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false: only create dest when it is absent.' },
    },
  },

  async read(ctx, params) {
    const src = await ctx.findFile('templates', params.src);
    const text = await ctx.controller.get(src);
    if (text === null) return { path: params.dest, desired: Buffer.alloc(0), stat: { path: params.dest, exists: false }, before: undefined, error: `could not find template ${params.src}`, src };
    const rendered = Buffer.from(ctx.renderTemplate(utf8Text(text, src, { keepBom: true }), src), 'utf8');
    const base = src.slice(src.lastIndexOf('/') + 1).replace(/\.hbs$/, '');
    return { ...(await readContentTarget(ctx, params.dest, rendered, base)), src };
  },

  diff(params, cur) {
    return planContent(params, cur, { src: cur.src });
  },

  apply(ctx, _params, plan) {
    return applyWrite(ctx, plan.data as WriteData, plan.result);
  },
};
