// ansible.builtin.lineinfile: make one line present (replacing the last regexp match, else
// inserting after/before a marker line) or remove matching lines. Same rules as Ansible's.
import type { Module, Plan } from '../types.js';
import { attrSchema, type AttrParams } from '../lib/file-attrs.js';
import { applyWrite, planWrite, type WriteData } from '../lib/write-file.js';
import { asText } from '../lib/file-diff.js';
import { splitLines, stripEol, pyRegex, expandMatch, RegexSyntaxError } from '../lib/text-lines.js';
import { readTextFile, parentDir, notYetThere, notARegularFile, type TextFileCurrent } from '../lib/text-file.js';
import { predictWrite } from '../lib/predictions.js';

export interface LineinfileParams extends AttrParams {
  path: string;
  line?: string;
  regexp?: string;
  search_string?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backrefs?: boolean;
  firstmatch?: boolean;
  backup?: boolean;
}

interface Edit {
  lines: string[];
  msg: string;
  found?: number;
}

function present(p: LineinfileParams, lines: string[]): Edit {
  const line = p.line!;
  const insertbefore = p.insertbefore;
  const insertafter = p.insertafter ?? (insertbefore === undefined ? 'EOF' : undefined);
  const re = p.regexp !== undefined ? pyRegex(p.regexp, 'regexp') : undefined;
  const insRe =
    insertafter !== undefined && insertafter !== 'EOF' && insertafter !== 'BOF'
      ? pyRegex(insertafter, 'insertafter')
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? pyRegex(insertbefore, 'insertbefore')
        : undefined;
  let found = -1; // line replaced: last (or first) regexp/search_string match, else an exact copy of line
  let at = -1; // where to insert when nothing was found
  let match: RegExpExecArray | boolean | null = null;
  if (re) {
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(stripEol(lines[i]));
      if (m) {
        found = i;
        match = m;
        if (p.firstmatch) break;
      }
    }
  }
  if (p.search_string !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].includes(p.search_string)) {
        found = i;
        match = true;
        if (p.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      const cur = stripEol(lines[i]);
      if (cur === line) found = i;
      else if (insRe && insRe.test(cur)) {
        at = insertafter !== undefined ? i + 1 : i;
        if (p.firstmatch) break;
      }
    }
  }
  const out = [...lines];
  if (found !== -1) {
    let wanted = p.backrefs && match && match !== true ? expandMatch(match, line) : line;
    if (!wanted.endsWith('\n')) wanted += '\n';
    if (out[found] === wanted) return { lines: out, msg: '' };
    out[found] = wanted;
    return { lines: out, msg: 'line replaced' };
  }
  if (p.backrefs) return { lines: out, msg: '' }; // no match: a line with backrefs cannot be built
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    out.unshift(line + '\n');
    return { lines: out, msg: 'line added' };
  }
  if (insertafter === 'EOF' || at === -1) {
    if (out.length && !/[\n\r]$/.test(out[out.length - 1])) out[out.length - 1] += '\n';
    out.push(line + '\n');
    return { lines: out, msg: 'line added' };
  }
  if (insertafter !== undefined) {
    // the line is already right after the marker: nothing to do
    if (at === out.length ? stripEol(out[at - 1]) === line : stripEol(out[at]) === line) return { lines: out, msg: '' };
    if (at === out.length && !/[\n\r]$/.test(out[at - 1])) out[at - 1] += '\n';
    out.splice(at, 0, line + '\n');
    return { lines: out, msg: 'line added' };
  }
  out.splice(at, 0, line + '\n');
  return { lines: out, msg: 'line added' };
}

function absent(p: LineinfileParams, lines: string[]): Edit {
  const re = p.regexp !== undefined ? pyRegex(p.regexp, 'regexp') : undefined;
  const matches = (l: string) =>
    re ? re.test(stripEol(l)) : p.search_string !== undefined ? l.includes(p.search_string) : stripEol(l) === p.line;
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  return { lines: kept, msg: found ? `${found} line(s) removed` : '', found };
}

function invalid(p: LineinfileParams): string | undefined {
  if (p.insertafter !== undefined && p.insertbefore !== undefined) return 'parameters are mutually exclusive: insertbefore|insertafter';
  if (p.regexp !== undefined && p.search_string !== undefined) return 'parameters are mutually exclusive: regexp|search_string';
  if (p.backrefs && p.search_string !== undefined) return 'parameters are mutually exclusive: backrefs|search_string';
  if ((p.state ?? 'present') === 'present') {
    if (p.backrefs && p.regexp === undefined) return 'regexp is required with backrefs=true';
    if (p.line === undefined) return 'line is required with state=present';
  } else if (p.line === undefined && p.regexp === undefined && p.search_string === undefined) {
    return 'one of line, search_string, or regexp is required with state=absent';
  }
  return undefined;
}

export const lineinfile: Module<LineinfileParams, TextFileCurrent> = {
  name: 'lineinfile',
  readAhead: true,
  predict: (_p, plan) => predictWrite(plan),
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Make sure one line is in a file (or not), found by a regular expression or by its text.',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'The file to edit.' },
      line: { type: 'string', aliases: ['value'], description: 'The line to make present (state=present); with backrefs it may use \\1, \\g<name>.' },
      regexp: { type: 'string', aliases: ['regex'], description: 'Python-style regular expression: the last matching line is replaced (present) or all are removed (absent).' },
      search_string: { type: 'string', description: 'Literal string instead of regexp: a line containing it is replaced or removed.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the line should be there.' },
      insertafter: { type: 'string', description: "When nothing matches: insert after the last line matching this regex, or 'EOF' (default) / 'BOF'." },
      insertbefore: { type: 'string', description: "When nothing matches: insert before the last line matching this regex, or 'BOF'." },
      create: { type: 'boolean', default: false, description: 'Create the file (and its directory) when it is absent; otherwise that fails.' },
      backrefs: { type: 'boolean', default: false, description: 'Expand regexp groups in line; when regexp matches nothing the file is left alone.' },
      firstmatch: { type: 'boolean', default: false, description: 'Use the first match of regexp/insertafter/insertbefore instead of the last.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file before changing it.' },
      ...attrSchema,
    },
  },

  read: (ctx, params) => readTextFile(ctx, params.path),

  diff(p, cur): Plan {
    const bad = invalid(p);
    if (bad) return { kind: 'fail', msg: bad };
    const { stat } = cur;
    const state = p.state ?? 'present';
    const notFile = notARegularFile(p.path, stat);
    if (notFile) return notFile;
    if (!stat.exists) {
      if (state === 'absent') return { kind: 'noop', reason: `${p.path} does not exist: no line to remove`, result: { msg: 'file not present', found: 0 } };
      if (!p.create) return cur.unseen ? notYetThere(p.path) : { kind: 'fail', msg: `Destination ${p.path} does not exist !`, result: { rc: 257 } };
    }
    const text = cur.content ? asText(cur.content) : '';
    if (text === undefined) return { kind: 'fail', msg: `${p.path} is not a UTF-8 text file` };
    let edit: Edit;
    try {
      edit = state === 'present' ? present(p, splitLines(text)) : absent(p, splitLines(text));
    } catch (e) {
      if (e instanceof RegexSyntaxError) return { kind: 'fail', msg: e.message };
      throw e;
    }
    const after = edit.lines.join('');
    const changed = !stat.exists || after !== text;
    const extra = edit.found !== undefined ? { found: edit.found } : {};
    return planWrite({
      path: p.path,
      stat,
      before: cur.content,
      after: changed ? Buffer.from(after, 'utf8') : undefined,
      attrs: p,
      backup: p.backup,
      mkdir: stat.exists ? undefined : parentDir(p.path),
      sameReason: state === 'present' ? `line already present in ${p.path}` : `no matching line in ${p.path}`,
      changeMsg: edit.msg || (stat.exists ? undefined : 'file created'),
      result: extra,
    });
  },

  apply: (ctx, _p, plan) => applyWrite(ctx, plan.data as WriteData, plan.result),
};
