// ansible.builtin.include_vars: variables from YAML/JSON files on the controller (one file, or
// every file of a directory in name order), set on the host at Ansible's include_vars
// precedence: above task vars, below set_fact/register (the runner keeps them in their own
// layer). Files are read with the one vars-file loader, so a bad file names file:line:col.
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { Module, Plan } from '../types.js';
import { loadVarsFile } from '../../yaml/vars-file.js';
import { InputError } from '../../errors.js';
import { pyRegex, RegexSyntaxError } from '../lib/text-lines.js';

export interface IncludeVarsParams {
  file?: string;
  dir?: string;
  name?: string;
  depth?: number;
  files_matching?: string;
  ignore_files?: string[];
  extensions?: string[];
}

type IncludeVarsCurrent = { vars: Record<string, unknown>; files: string[] } | { error: string };

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Ansible's search for a relative path: the role's vars/ and the role, then the playbook's. */
async function locate(ctx: { vars: Record<string, unknown> }, path: string, sub: string): Promise<string | undefined> {
  if (isAbsolute(path)) return path;
  const bases = [ctx.vars.role_path, ctx.vars.playbook_dir].filter((b): b is string => typeof b === 'string');
  const tries = bases.flatMap((b) => [join(b, sub, path), join(b, path)]);
  for (const t of tries) if (await stat(t).then(() => true, () => false)) return t;
  return undefined;
}

async function walk(dir: string, depth: number, level = 1): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth === 0 || level < depth) out.push(...(await walk(p, depth, level + 1)));
    } else out.push(p);
  }
  return out;
}

export const includeVarsModule: Module<IncludeVarsParams, IncludeVarsCurrent> = {
  name: 'include_vars',
  freeForm: 'file',
  schema: {
    type: 'object',
    description: 'Load variables from a YAML/JSON file or directory on the controller.',
    additionalProperties: false,
    properties: {
      file: { type: 'string', description: "A vars file (YAML or JSON) on the controller; a relative path is looked up in the role's vars/ and the playbook's directory." },
      dir: { type: 'string', description: 'A directory on the controller: every vars file in it, in name order (later files win).' },
      name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Put the variables under this one variable instead of at the top level.' },
      depth: { type: 'integer', minimum: 0, default: 0, description: 'With dir: how many directory levels to read (0: all).' },
      files_matching: { type: 'string', description: 'With dir: only files whose name matches this regular expression.' },
      ignore_files: { type: 'array', items: { type: 'string' }, description: 'With dir: file names to leave out.' },
      extensions: { type: 'array', items: { type: 'string' }, default: ['json', 'yaml', 'yml'], description: 'With dir: the file extensions read.' },
    },
  },

  async read(ctx, p) {
    if ((p.file === undefined) === (p.dir === undefined)) return { error: 'include_vars needs exactly one of file or dir' };
    let files: string[];
    if (p.file !== undefined) {
      const f = await locate(ctx, p.file, 'vars');
      if (!f) return { error: `Could not find or access '${p.file}' (looked in the role's vars/, the role, the playbook's vars/ and directory)` };
      files = [f];
    } else {
      const d = await locate(ctx, p.dir!, 'vars');
      if (!d || !(await stat(d)).isDirectory()) return { error: `${p.dir} directory does not exist` };
      let match: RegExp | undefined;
      try {
        match = p.files_matching !== undefined ? pyRegex(p.files_matching, 'files_matching') : undefined;
      } catch (e) {
        if (e instanceof RegexSyntaxError) return { error: e.message };
        throw e;
      }
      const exts = p.extensions ?? ['json', 'yaml', 'yml'];
      const ignore = new Set(p.ignore_files ?? []);
      files = (await walk(d, p.depth ?? 0)).filter((f) => {
        const base = relative(d, f).split('/').pop()!;
        const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
        return exts.includes(ext) && !ignore.has(base) && (!match || match.test(base));
      });
    }
    const vars: Record<string, unknown> = {};
    for (const f of files) {
      try {
        // vaulted files and !vault values decrypt with the run's passwords, and become secrets
        const loaded = await loadVarsFile(f, undefined, ctx.secrets);
        for (const k of Object.keys(loaded)) if (!VAR_NAME.test(k)) return { error: `${f}: "${k}" is not a valid variable name` };
        Object.assign(vars, loaded);
      } catch (e) {
        if (e instanceof InputError) return { error: e.describe() };
        throw e;
      }
    }
    return { vars, files };
  },

  diff(p, cur): Plan {
    if ('error' in cur) return { kind: 'fail', msg: cur.error };
    const vars = p.name !== undefined ? { [p.name]: cur.vars } : cur.vars;
    const names = Object.keys(vars);
    return {
      kind: 'noop',
      reason: `variables set from ${cur.files.length} file(s): ${names.join(', ') || 'none'}`,
      result: { ansible_facts: vars, ansible_included_var_files: cur.files },
    };
  },

  async apply() {
    throw new Error('include_vars never changes a host');
  },
};
