// ansible.builtin.slurp: a file's content, base64-encoded, in the result (register it). Read-only.
// Reads through the file-content fact, so in --check a file an earlier task would write with
// known content (pki_adopt on the controller) reads as that content.
import type { Module } from '../types.js';
import { fileContent } from '../../facts/file-content.js';

export interface SlurpParams {
  src: string;
}

export const slurp: Module<SlurpParams, Buffer | null> = {
  name: 'slurp',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Return a file\'s content, base64-encoded.',
    additionalProperties: false,
    required: ['src'],
    properties: {
      src: { type: 'string', minLength: 1, aliases: ['path'], description: 'The file to read (on the host the task runs on).' },
    },
  },

  read(ctx, p) {
    return ctx.facts.get(fileContent, { path: p.src }, ctx.become);
  },

  diff(p, content) {
    if (content === null) return { kind: 'fail', msg: `file not found: ${p.src}` };
    return { kind: 'noop', reason: `read ${p.src} (${content.length} bytes)`, result: { content: content.toString('base64'), encoding: 'base64', source: p.src } };
  },

  async apply() {
    throw new Error('slurp never changes anything');
  },
};

export default slurp;
