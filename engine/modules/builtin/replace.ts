// ansible.builtin.replace: replace every match of a regular expression in a file (optionally only
// between an `after` and a `before` marker), as Python's re.subn with MULTILINE over the whole
// text. Differences from Python's re that JavaScript imposes are listed in the schema's regexp.
import type { Module, Plan } from '../types.js';
import { attrSchema, type AttrParams } from '../lib/file-attrs.js';
import { applyWrite, planWrite, type WriteData } from '../lib/write-file.js';
import { asText } from '../lib/file-diff.js';
import { pyRegex, expandMatch, RegexSyntaxError } from '../lib/text-lines.js';
import { readTextFile, notYetThere, notARegularFile, type TextFileCurrent } from '../lib/text-file.js';
import { predictWrite } from '../lib/predictions.js';

export interface ReplaceParams extends AttrParams {
  path: string;
  regexp: string;
  replace?: string;
  after?: string;
  before?: string;
  backup?: boolean;
}

function withFlags(re: RegExp, add: string): RegExp {
  return new RegExp(re.source, [...new Set(re.flags + add)].join(''));
}

/** Python's re.subn(regexp, replace, text) with MULTILINE: the new text and the number of matches. */
export function pySubn(re: RegExp, replace: string, text: string): { text: string; count: number } {
  const g = withFlags(re, 'gm');
  let count = 0;
  // String.replace skips past empty matches as Python 3.7+ does (an empty match right after a
  // non-empty one is replaced too); the callback gives each match as exec() would
  const out = text.replace(g, (...args: unknown[]) => {
    count++;
    const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
    const end = args.length - (hasGroups ? 3 : 2);
    const m = args.slice(0, end) as unknown as RegExpExecArray;
    if (hasGroups) m.groups = args[args.length - 1] as Record<string, string>;
    return expandMatch(m, replace);
  });
  return { text: out, count };
}

/** Ansible's DOTALL section pattern for after/before, and where its subsection is (absent: no match). */
function section(p: ReplaceParams, text: string): { pattern: string; at?: [number, number] } | undefined {
  if (p.after === undefined && p.before === undefined) return undefined;
  const both = p.after !== undefined && p.before !== undefined;
  const pattern = both ? `${p.after}(?P<subsection>.*?)${p.before}` : p.after !== undefined ? `${p.after}(?P<subsection>.*)` : `(?P<subsection>.*)${p.before}`;
  const m = withFlags(pyRegex(pattern, both ? 'after/before' : p.after !== undefined ? 'after' : 'before'), 'sd').exec(text);
  return { pattern, at: m?.indices?.groups?.subsection };
}

export const replaceModule: Module<ReplaceParams, TextFileCurrent> = {
  name: 'replace',
  readAhead: true,
  predict: (_p, plan) => predictWrite(plan),
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Replace every match of a regular expression in a file.',
    additionalProperties: false,
    required: ['path', 'regexp'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'The file to edit; it must exist.' },
      regexp: {
        type: 'string',
        description:
          'Python-style regular expression, matched with MULTILINE over the whole file; every match is replaced. ' +
          'Run by JavaScript: (?P<n>…), (?P=n), \\A, \\Z and leading (?i)/(?m)/(?s) are translated; other inline flags, ' +
          'possessive quantifiers and atomic groups are not supported.',
      },
      replace: { type: 'string', default: '', description: 'The replacement: \\1, \\g<1>, \\g<name> insert groups, \\n a newline. Default: remove the matches.' },
      after: { type: 'string', description: 'Replace only after the first match of this regular expression (`.` matches newlines).' },
      before: { type: 'string', description: 'Replace only before the last match of this regular expression; with after, before the first match following it.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file before changing it.' },
      ...attrSchema,
    },
  },

  read: (ctx, params) => readTextFile(ctx, params.path),

  diff(p, cur): Plan {
    const { stat } = cur;
    const notFile = notARegularFile(p.path, stat);
    if (notFile) return notFile;
    if (!stat.exists) return cur.unseen ? notYetThere(p.path) : { kind: 'fail', msg: `Path ${p.path} does not exist !`, result: { rc: 257 } };
    const text = asText(cur.content ?? Buffer.alloc(0));
    if (text === undefined) return { kind: 'fail', msg: `${p.path} is not a UTF-8 text file` };
    let after = text;
    let count = 0;
    let sameReason = `no match for regexp in ${p.path}`;
    try {
      const re = pyRegex(p.regexp, 'regexp');
      const sec = section(p, text);
      if (sec && !sec.at) {
        // as Ansible: nothing is replaced and the task is ok, saying which pattern missed
        sameReason = `Pattern for before/after params did not match the given file: ${sec.pattern}`;
      } else {
        const [from, to] = sec?.at ?? [0, text.length];
        const r = pySubn(re, p.replace ?? '', text.slice(from, to));
        count = r.count;
        after = text.slice(0, from) + r.text + text.slice(to);
        if (count > 0 && after === text) sameReason = `${count} match(es) of regexp in ${p.path} are already their replacement`;
      }
    } catch (e) {
      if (e instanceof RegexSyntaxError) return { kind: 'fail', msg: e.message };
      throw e;
    }
    const changed = after !== text;
    return planWrite({
      path: p.path,
      stat,
      before: cur.content,
      after: changed ? Buffer.from(after, 'utf8') : undefined,
      attrs: p,
      backup: p.backup,
      sameReason,
      changeMsg: changed ? `${count} replacements made` : undefined,
      result: changed ? {} : { msg: sameReason.startsWith('Pattern for') ? sameReason : '' },
    });
  },

  apply: (ctx, _p, plan) => applyWrite(ctx, plan.data as WriteData, plan.result),
};
