// ansible.builtin.find: the files under directories that match names, type, age, size and content,
// with their stat fields, as Ansible returns them (files, matched, examined, skipped_paths).
// Read-only. One listing of the tree; content and checksums are read only for the regular files
// that every other filter keeps. The filters themselves are pure (selectFound).
import type { Module, Plan } from '../types.js';
import { sh } from '../../transport/quote.js';
import { findTree, type FindTree, type FoundEntry } from '../../facts/find-tree.js';
import { fileContent } from '../../facts/file-content.js';
import { globToRegex } from '../../inventory/pattern-parse.js';
import { pyRegex, RegexSyntaxError } from '../lib/text-lines.js';
import { ModuleError } from '../../errors.js';

export interface FindParams {
  paths: string | string[];
  patterns?: string | string[];
  excludes?: string | string[];
  contains?: string;
  read_whole_file?: boolean;
  file_type?: 'any' | 'directory' | 'file' | 'link';
  age?: string | number;
  age_stamp?: 'atime' | 'ctime' | 'mtime';
  size?: string | number;
  recurse?: boolean;
  depth?: number;
  hidden?: boolean;
  get_checksum?: boolean;
  use_regex?: boolean;
}

export interface FindCurrent {
  tree: FindTree;
  /** contents of the candidate files, when `contains` is given (null: unreadable) */
  contents: Map<string, Buffer | null>;
  /** sha1 of the candidate files, when get_checksum */
  checksums: Map<string, string>;
}

/** Ansible's list parameters: a string is a comma-separated list */
function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : v.split(',').map((s) => s.trim());
}

const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "-2d" -> -172800; a negative age means "newer than" (Ansible's agefilter) */
export function parseAge(age: string | number): number {
  const m = /^(-?\d+)([smhdw])?$/.exec(String(age).toLowerCase());
  if (!m) throw new ModuleError(`failed to process age: ${age} (a whole number with an optional unit s, m, h, d or w, e.g. 2d or -1h)`);
  return Number(m[1]) * AGE_UNITS[m[2] ?? 's'];
}

/** "10k" -> 10240; a negative size means "at most" (Ansible's sizefilter) */
export function parseSize(size: string | number): number {
  const m = /^(-?\d+)([bkmgt])?$/.exec(String(size).toLowerCase());
  if (!m) throw new ModuleError(`failed to process size: ${size} (a whole number with an optional unit b, k, m, g or t, e.g. 10k or -1m)`);
  return Number(m[1]) * SIZE_UNITS[m[2] ?? 'b'];
}

interface Filters {
  names: (name: string) => boolean;
  age?: number;
  size?: number;
}

function filtersOf(p: FindParams): Filters {
  const useRegex = p.use_regex ?? false;
  const pats = list(p.patterns);
  const patterns = pats.length ? pats : [useRegex ? '.*' : '*'];
  const excludes = list(p.excludes);
  // Python's re.match: anchored at the start only; fnmatch: the whole name
  const compile = (s: string, what: string): RegExp => (useRegex ? new RegExp(pyRegex(s, what).source, `${pyRegex(s, what).flags}y`) : globToRegex(s));
  const inc = patterns.map((s) => compile(s, 'patterns'));
  const exc = excludes.map((s) => compile(s, 'excludes'));
  const test = (re: RegExp, name: string) => {
    re.lastIndex = 0;
    return re.test(name);
  };
  return {
    names: (name) => inc.some((re) => test(re, name)) && !exc.some((re) => test(re, name)),
    age: p.age === undefined ? undefined : parseAge(p.age),
    size: p.size === undefined ? undefined : parseSize(p.size),
  };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const TYPE_OF: Record<string, FindParams['file_type']> = { f: 'file', d: 'directory', l: 'link' };

/** the entries the walk looks at (Ansible's os.walk stops after the first level unless recurse) */
function walked(p: FindParams, tree: FindTree): FoundEntry[] {
  if (!(p.recurse ?? false)) return tree.entries.filter((e) => e.depth === 1);
  return tree.entries;
}

/** every filter but content: the entries that pass, in walk order */
function preselect(p: FindParams, tree: FindTree, f: Filters): FoundEntry[] {
  const type = p.file_type ?? 'file';
  const hidden = p.hidden ?? false;
  const stamp = p.age_stamp ?? 'mtime';
  return walked(p, tree).filter((e) => {
    if (p.recurse && p.depth && e.depth > p.depth) return false;
    if (!hidden && basename(e.path).startsWith('.')) return false;
    const kind = TYPE_OF[e.type];
    if (type !== 'any' && kind !== type) return false;
    if (!f.names(basename(e.path))) return false;
    if (f.age !== undefined) {
      const old = tree.now - e[stamp];
      if (f.age >= 0 ? old < f.age : old > -f.age) return false;
    }
    // size applies to regular files only (file_type any keeps directories and links of any size)
    if (f.size !== undefined && kind === 'file' && (f.size >= 0 ? e.size < f.size : e.size > -f.size)) return false;
    return true;
  });
}

function contentMatches(p: FindParams, re: RegExp, content: Buffer | null | undefined): boolean {
  if (!content) return false;
  const text = content.toString('utf8');
  if (p.read_whole_file) return new RegExp(re.source, re.flags.replace('y', '')).test(text);
  // Python's re.match on each line (anchored at its start), the line without its ending
  return text.split('\n').some((line) => {
    re.lastIndex = 0;
    return re.test(line.replace(/\r$/, ''));
  });
}

/** Ansible's statinfo() of an entry */
function statinfo(e: FoundEntry): Record<string, unknown> {
  const m = e.mode;
  return {
    path: e.path,
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: e.type === 'd',
    ischr: e.type === 'c',
    isblk: e.type === 'b',
    isreg: e.type === 'f',
    isfifo: e.type === 'p',
    islnk: e.type === 'l',
    issock: e.type === 's',
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    dev: e.dev,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    gr_name: e.group,
    pw_name: e.owner,
    wusr: !!(m & 0o200),
    rusr: !!(m & 0o400),
    xusr: !!(m & 0o100),
    wgrp: !!(m & 0o20),
    rgrp: !!(m & 0o40),
    xgrp: !!(m & 0o10),
    woth: !!(m & 0o2),
    roth: !!(m & 0o4),
    xoth: !!(m & 0o1),
    isuid: !!(m & 0o4000),
    isgid: !!(m & 0o2000),
  };
}

function containsRegex(p: FindParams): RegExp | undefined {
  if (p.contains === undefined) return undefined;
  const re = pyRegex(p.contains, 'contains');
  return new RegExp(re.source, `${re.flags}y`);
}

export const findModule: Module<FindParams, FindCurrent> = {
  name: 'find',
  readAhead: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    description: 'Find files under directories by name, type, age, size and content (read-only); returns files, matched and examined as Ansible does.',
    properties: {
      paths: {
        type: ['array', 'string'],
        items: { type: 'string', pattern: '^/' },
        aliases: ['name', 'path'],
        description: 'Absolute directories to search (a list, or a comma-separated string). A path that is not a directory is skipped and named in skipped_paths.',
      },
      patterns: {
        type: ['array', 'string'],
        items: { type: 'string' },
        aliases: ['pattern'],
        description: "Names to keep: shell globs (fnmatch, the whole base name) or, with use_regex, Python regular expressions matched at the start of the base name. Default: every name ('*').",
      },
      excludes: { type: ['array', 'string'], items: { type: 'string' }, aliases: ['exclude'], description: 'Names to leave out, in the same syntax as patterns.' },
      contains: { type: 'string', description: "A Python regular expression that a line of the file must match from its start (re.match); regular files only." },
      read_whole_file: { type: 'boolean', default: false, description: 'Search contains anywhere in the whole file (re.search) instead of matching each line.' },
      file_type: { enum: ['any', 'directory', 'file', 'link'], default: 'file', description: 'The kind of entry to return.' },
      age: { type: ['string', 'integer'], description: 'Keep entries at least this old (2d, 1h, 30m, 60s, 1w); a negative age keeps those at most this old.' },
      age_stamp: { enum: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'The time that age is compared with.' },
      size: { type: ['string', 'integer'], description: 'Keep regular files at least this large (10k, 1m, 2g, 512b); a negative size keeps those at most this large.' },
      recurse: { type: 'boolean', default: false, description: 'Search subdirectories too (links to directories are not followed).' },
      depth: { type: 'integer', minimum: 1, description: 'With recurse: how many levels below each path to search (1: its direct entries).' },
      hidden: { type: 'boolean', default: false, description: "Include entries whose name starts with '.' (their contents are searched either way)." },
      get_checksum: { type: 'boolean', default: false, description: 'Add the sha1 checksum of each regular file found.' },
      use_regex: { type: 'boolean', default: false, description: 'patterns and excludes are Python regular expressions rather than globs.' },
    },
  },

  async read(ctx, p) {
    const recurse = p.recurse ?? false;
    // os.walk looks one level past `depth` (those entries count as examined, none is returned)
    const maxdepth = !recurse ? 1 : p.depth ? p.depth + 1 : undefined;
    const tree = await ctx.facts.get(findTree, { paths: list(p.paths), maxdepth }, ctx.become);
    const contents = new Map<string, Buffer | null>();
    const checksums = new Map<string, string>();
    const wantContent = p.contains !== undefined && (p.file_type ?? 'file') === 'file';
    if (!wantContent && !p.get_checksum) return { tree, contents, checksums };
    let files: FoundEntry[];
    try {
      files = preselect(p, tree, filtersOf(p)).filter((e) => e.type === 'f');
    } catch (e) {
      // diff says what is wrong with the parameters
      if (e instanceof ModuleError || e instanceof RegexSyntaxError) return { tree, contents, checksums };
      throw e;
    }
    if (wantContent) {
      await Promise.all(
        files.map(async (e) => {
          // an unreadable file does not contain the text (Ansible's contentfilter)
          contents.set(e.path, await ctx.facts.get(fileContent, { path: e.path }, ctx.become).catch(() => null));
        }),
      );
    }
    if (p.get_checksum && files.length) {
      const r = await ctx.transport.exec(sh`sha1sum -z -- ${files.map((e) => e.path)}`, { become: ctx.become });
      for (const line of r.stdout.split('\0')) {
        const m = /^([0-9a-f]{40}) [ *]([\s\S]*)$/.exec(line);
        if (m) checksums.set(m[2], m[1]);
      }
    }
    return { tree, contents, checksums };
  },

  diff(p, cur): Plan {
    let found: FoundEntry[];
    let contains: RegExp | undefined;
    try {
      found = preselect(p, cur.tree, filtersOf(p));
      contains = containsRegex(p);
    } catch (e) {
      if (e instanceof ModuleError || e instanceof RegexSyntaxError) return { kind: 'fail', msg: e.message };
      throw e;
    }
    // content is matched for file_type file only (Ansible)
    if (contains && (p.file_type ?? 'file') === 'file') {
      const re = contains;
      found = found.filter((e) => contentMatches(p, re, cur.contents.get(e.path)));
    }
    // sorted, so that a result registered twice compares equal (os.walk's order is the directory's)
    const files = [...found].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((e) => {
      const r = statinfo(e);
      const sum = cur.checksums.get(e.path);
      if (p.get_checksum && e.type === 'f' && sum) r.checksum = sum;
      return r;
    });
    const skipped = cur.tree.skipped;
    const examined = walked(p, cur.tree).length;
    const msg = Object.keys(skipped).length ? 'Not all paths examined, check warnings for details' : 'All paths examined';
    return {
      kind: 'noop',
      reason: `find only reads: ${files.length} of ${examined} entries examined match`,
      result: { files, matched: files.length, examined, skipped_paths: skipped, msg },
    };
  },

  async apply() {
    throw new Error('find never changes anything');
  },
};
