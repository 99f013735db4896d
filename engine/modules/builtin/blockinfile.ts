// ansible.builtin.blockinfile: a block of lines between two marker lines, inserted, replaced
// in place or removed. Same rules as Ansible's.
import type { Module, Plan } from '../types.js';
import { attrSchema, type AttrParams } from '../lib/file-attrs.js';
import { applyWrite, planWrite, type WriteData } from '../lib/write-file.js';
import { asText } from '../lib/file-diff.js';
import { splitLines, stripEol, pyRegex, RegexSyntaxError } from '../lib/text-lines.js';
import { readTextFile, parentDir, notYetThere, notARegularFile, type TextFileCurrent } from '../lib/text-file.js';
import { predictWrite } from '../lib/predictions.js';

export interface BlockinfileParams extends AttrParams {
  path: string;
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backup?: boolean;
  append_newline?: boolean;
  prepend_newline?: boolean;
}

function edit(p: BlockinfileParams, lines: string[]): { lines: string[]; msg: string } {
  const marker = p.marker ?? '# {mark} ANSIBLE MANAGED BLOCK';
  const begin = marker.replaceAll('{mark}', p.marker_begin ?? 'BEGIN');
  const end = marker.replaceAll('{mark}', p.marker_end ?? 'END');
  const present = (p.state ?? 'present') === 'present';
  const insertbefore = p.insertbefore;
  const insertafter = p.insertafter ?? (insertbefore === undefined ? 'EOF' : undefined);
  const insRe =
    insertafter !== undefined && insertafter !== 'EOF'
      ? pyRegex(insertafter, 'insertafter')
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? pyRegex(insertbefore, 'insertbefore')
        : undefined;
  const block = p.block ?? '';
  const body = block.endsWith('\n') ? block : block + '\n';
  const blockLines = present && block ? [begin + '\n', ...splitLines(body), end + '\n'] : [];

  let out = [...lines];
  let n0: number | undefined;
  let n1: number | undefined;
  for (let i = 0; i < out.length; i++) {
    if (stripEol(out[i]) === begin) n0 = i;
    if (stripEol(out[i]) === end) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insRe) {
      for (let i = 0; i < out.length; i++) if (insRe.test(stripEol(out[i]))) n0 = i;
      if (n0 === undefined) n0 = out.length;
      else if (insertafter !== undefined) n0 += 1;
    } else n0 = insertbefore !== undefined ? 0 : out.length;
  } else if (n0 < n1) {
    out.splice(n0, n1 - n0 + 1);
  } else {
    out.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !out[n0 - 1].endsWith('\n')) out[n0 - 1] += '\n';
  if (p.prepend_newline && present && n0 !== 0 && out[n0 - 1] !== '\n') out.splice(n0++, 0, '\n');
  // not splice(n0, 0, ...blockLines): a block of 100,000 lines would overflow the stack
  out = [...out.slice(0, n0), ...blockLines, ...out.slice(n0)];
  if (p.append_newline && present) {
    const after = n0 + blockLines.length;
    if (after < out.length && out[after] !== '\n') out.splice(after, 0, '\n');
  }
  return { lines: out, msg: blockLines.length ? 'Block inserted' : 'Block removed' };
}

export const blockinfile: Module<BlockinfileParams, TextFileCurrent> = {
  name: 'blockinfile',
  readAhead: true,
  predict: (_p, plan) => predictWrite(plan),
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Insert, update or remove a block of lines between marker lines.',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'The file to edit.' },
      block: { type: 'string', aliases: ['content'], default: '', description: 'The lines between the markers; empty removes the block.' },
      marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: '{mark} becomes marker_begin / marker_end.' },
      marker_begin: { type: 'string', default: 'BEGIN', description: 'Replaces {mark} in the opening marker.' },
      marker_end: { type: 'string', default: 'END', description: 'Replaces {mark} in the closing marker.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the block should be there.' },
      insertafter: { type: 'string', description: "New block: after the last line matching this regex, or 'EOF' (default)." },
      insertbefore: { type: 'string', description: "New block: before the last line matching this regex, or 'BOF'." },
      create: { type: 'boolean', default: false, description: 'Create the file when it is absent; otherwise that fails.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file before changing it.' },
      append_newline: { type: 'boolean', default: false, description: 'Keep a blank line after the block.' },
      prepend_newline: { type: 'boolean', default: false, description: 'Keep a blank line before the block.' },
      ...attrSchema,
    },
  },

  read: (ctx, params) => readTextFile(ctx, params.path),

  diff(p, cur): Plan {
    if (p.insertafter !== undefined && p.insertbefore !== undefined) return { kind: 'fail', msg: 'parameters are mutually exclusive: insertbefore|insertafter' };
    const { stat } = cur;
    const notFile = notARegularFile(p.path, stat);
    if (notFile) return notFile;
    if (!stat.exists && !p.create) return cur.unseen ? notYetThere(p.path) : { kind: 'fail', msg: `Path ${p.path} does not exist !`, result: { rc: 257 } };
    if (!stat.exists && p.state === 'absent') return { kind: 'noop', reason: `${p.path} does not exist: no block to remove`, result: { msg: `File ${p.path} not present` } };
    const text = cur.content ? asText(cur.content) : '';
    if (text === undefined) return { kind: 'fail', msg: `${p.path} is not a UTF-8 text file` };
    let e: { lines: string[]; msg: string };
    try {
      e = edit(p, splitLines(text));
    } catch (err) {
      if (err instanceof RegexSyntaxError) return { kind: 'fail', msg: err.message };
      throw err;
    }
    const after = e.lines.join('');
    const changed = !stat.exists || after !== text;
    const present = (p.state ?? 'present') === 'present' && !!p.block;
    return planWrite({
      path: p.path,
      stat,
      before: cur.content,
      after: changed ? Buffer.from(after, 'utf8') : undefined,
      attrs: p,
      backup: p.backup,
      mkdir: stat.exists ? undefined : parentDir(p.path),
      sameReason: present ? `block already present in ${p.path}` : `no block in ${p.path}`,
      changeMsg: stat.exists ? e.msg : 'File created',
    });
  },

  apply: (ctx, _p, plan) => applyWrite(ctx, plan.data as WriteData, plan.result),
};
