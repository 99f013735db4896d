// `tsplay migrate`: a role or playbook written for Ansible, rewritten in tsplay's syntax for the
// common subset. Templates (`templates/`, `*.j2`): Jinja -> Handlebars. YAML: each string's
// `{{ }}` -> Handlebars, conditions (when, changed_when, failed_when, until, assert's that) ->
// CEL, with_dict -> loop over dict2items, other with_* named, `module: k=v` -> a map, an octal
// mode: 0644 -> "0644".
// The YAML is edited in place by source range, so comments, order and quoting stay as written.
// Pure: files in, texts and problems out; the command writes (engine/cli/migrate-command.ts).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair, type Node, type Scalar, type YAMLMap, type Pair } from 'yaml';
import { isKeyword } from '../playbook/keywords.js';
import { parseFreeForm } from '../playbook/kv.js';
import { translateCondition, translateString, translateTemplate, type Problem } from '../template/jinja.js';
import { parseJinja, toHbs, Unconvertible } from '../template/jinja-expr.js';
import { ConditionEvaluator } from '../template/condition.js';

export interface Left {
  file: string;
  line: number;
  col: number;
  /** the construct as written */
  what: string;
  why: string;
}

export interface MigratedFile {
  file: string;
  before: string;
  after: string;
}

export interface Migration {
  files: MigratedFile[];
  left: Left[];
}

const CONDITION_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);
const TASK_LIST_KEYS = new Set(['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always']);
/** modules whose k=v text is a command or a file name, not only parameters: left as written */
const FREE_FORM = new Set(['command', 'shell', 'raw', 'script', 'meta', 'include', 'include_tasks', 'import_tasks', 'import_playbook', 'include_vars', 'win_command', 'win_shell']);

const WITH_HINTS: Record<string, string> = {
  with_indexed_items: 'loop: over the list and use {{@index}} in a template (loop_control: index_var: i for a task)',
  with_together: 'loop: over one list and {{lookup other_list i}} with loop_control: index_var: i',
  with_nested: 'loop: over one list, with an include_tasks that loops over the other',
  with_subelements: 'loop: over the outer list, with an include_tasks that loops over item.<subkey>',
  with_sequence: 'loop: "{{range START END}}" (END excluded, numbers not strings)',
  with_fileglob: 'list the files in vars, or find them with a find task and loop over its files',
  with_file: 'read the files with slurp (register) or put their content in vars',
  with_lines: 'run the command in a task (register) and loop: over {{split r.stdout "\\n"}}',
  with_first_found: 'name the file in a variable (first_found has no equivalent)',
  with_random_choice: 'no random choice: a run must render the same each time',
  with_inventory_hostnames: 'loop: "{{ groups.NAME }}"',
};

class Edits {
  private readonly list: Array<{ start: number; end: number; text: string }> = [];
  add(start: number, end: number, text: string): void {
    this.list.push({ start, end, text });
  }
  apply(src: string): string {
    let out = src;
    for (const e of [...this.list].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    return out;
  }
  get size(): number {
    return this.list.length;
  }
}

const PLAIN_SAFE = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^\n]*$/;
const RETYPED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?[0-9][0-9_]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|\.inf|\.nan)$/;

/** A string as a YAML scalar of the same style where that can hold it, else double-quoted. */
function scalarText(value: string, style: Scalar['type']): string {
  if (style === 'QUOTE_SINGLE' && !value.includes('\n')) return `'${value.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && PLAIN_SAFE.test(value) && !/: |\s#|\s$/.test(value) && !RETYPED.test(value)) return value;
  return JSON.stringify(value);
}

/** A k=v value as a flow-map value: strings stay strings, as k=v gives them. */
function flowValue(value: string): string {
  return /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(value) && !RETYPED.test(value) ? value : JSON.stringify(value);
}

class FileMigration {
  readonly edits = new Edits();
  readonly left: Left[] = [];
  private readonly lines = new LineCounter();
  private readonly cel = new ConditionEvaluator(false);

  constructor(
    readonly file: string,
    readonly src: string,
  ) {}

  private pos(offset: number): { line: number; col: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  private leave(offset: number, what: string, why: string, inner?: Problem): void {
    const p = this.pos(offset);
    this.left.push({ file: this.file, line: p.line + (inner ? inner.line - 1 : 0), col: inner && inner.line > 1 ? inner.col : p.col, what: inner?.jinja || what, why: inner?.why ?? why });
  }

  run(kind: 'tasks' | 'any'): string {
    const doc = parseDocument(this.src, { lineCounter: this.lines, keepSourceTokens: true, uniqueKeys: false });
    if (doc.errors.length > 0) {
      this.leave(doc.errors[0].pos[0], '', `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      return this.src;
    }
    this.walk(doc.contents as Node | null, kind === 'tasks' ? 'tasks' : 'any');
    return this.edits.apply(this.src);
  }

  /** `tasks`: a list of tasks (or blocks); `any`: a play, vars, anything else */
  private walk(node: Node | null | undefined, ctx: 'tasks' | 'any'): void {
    if (!node) return;
    if (isSeq(node)) {
      for (const item of node.items) {
        if (ctx === 'tasks' && isMap(item)) this.task(item as YAMLMap);
        else this.walk(item as Node, ctx);
      }
    } else if (isMap(node)) {
      for (const pair of node.items) this.pair(pair as Pair<Node, Node>, false);
    } else if (isScalar(node)) this.string(node);
  }

  private keyOf(pair: Pair<Node, Node>): string | undefined {
    return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
  }

  private pair(pair: Pair<Node, Node>, inTask: boolean): void {
    const key = this.keyOf(pair);
    const value = pair.value;
    if (key !== undefined && CONDITION_KEYS.has(key)) return this.conditions(value);
    if (key !== undefined && TASK_LIST_KEYS.has(key)) return this.walk(value, 'tasks');
    if (inTask && key === 'with_dict') return this.withDict(pair);
    if (inTask && key !== undefined && WITH_HINTS[key]) {
      const at = (pair.key as Scalar).range?.[0] ?? 0;
      return this.leave(at, key, WITH_HINTS[key]);
    }
    // YAML 1.1 (Ansible) reads mode: 0644 as octal; tsplay's YAML asks for the string, which means the same
    if (key === 'mode' && isScalar(value) && value.type === 'PLAIN' && value.range && /^0[0-7]{3,4}$/.test(this.src.slice(value.range[0], value.range[1]))) {
      this.edits.add(value.range[0], value.range[1], `"${this.src.slice(value.range[0], value.range[1])}"`);
      return;
    }
    if (inTask && key === 'assert' && isMap(value)) {
      for (const p of (value as YAMLMap).items) {
        const k = this.keyOf(p as Pair<Node, Node>);
        if (k === 'that') this.conditions((p as Pair<Node, Node>).value);
        else this.pair(p as Pair<Node, Node>, false);
      }
      return;
    }
    this.walk(value, 'any');
  }

  private task(map: YAMLMap): void {
    for (const p of map.items) {
      const pair = p as Pair<Node, Node>;
      const key = this.keyOf(pair);
      if (key === 'include' && isScalar(pair.key)) this.leave(pair.key.range?.[0] ?? 0, 'include', 'write include_tasks (or import_tasks) with the same file');
      if (key !== undefined && !isKeyword(key) && !FREE_FORM.has(key.replace(/^ansible\.builtin\./, '')) && isScalar(pair.value) && typeof pair.value.value === 'string' && /^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(pair.value.value)) {
        if (this.kv(pair.value)) continue;
      }
      this.pair(pair, true);
    }
  }

  /** `file: path=/x state=directory` -> `file: {path: /x, state: directory}`, values translated */
  private kv(node: Scalar): boolean {
    let args: Record<string, unknown>;
    try {
      args = parseFreeForm(node.value as string, new Set());
    } catch {
      return false;
    }
    const parts: string[] = [];
    for (const [k, v] of Object.entries(args)) {
      const t = translateString(String(v));
      for (const pr of t.problems) this.leave(node.range![0], pr.jinja, pr.why);
      parts.push(`${k}: ${flowValue(t.text)}`);
    }
    this.edits.add(node.range![0], node.range![1], `{${parts.join(', ')}}`);
    return true;
  }

  private string(node: Scalar): void {
    if (typeof node.value !== 'string' || !node.range) return;
    const v = node.value;
    if (!v.includes('{{') && !v.includes('{%') && !v.includes('{#')) return;
    const [start, end] = node.range;
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      // the content as written (indented lines) is translated where it stands
      const headerEnd = this.src.indexOf('\n', start) + 1;
      const body = this.src.slice(headerEnd, end);
      const t = translateString(body);
      for (const pr of t.problems) this.leave(headerEnd, pr.jinja, pr.why, pr);
      if (t.text !== body) this.edits.add(headerEnd, end, t.text);
      return;
    }
    const t = translateString(v);
    for (const pr of t.problems) this.leave(start, pr.jinja, pr.why);
    if (t.text !== v) this.edits.add(start, end, scalarText(t.text, node.type));
  }

  private conditions(node: Node | null | undefined): void {
    if (!node) return;
    if (isSeq(node)) {
      for (const item of node.items) this.conditions(item as Node);
      return;
    }
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
    const expr = node.value;
    const t = translateCondition(expr);
    if (!('cel' in t)) {
      if (t.why !== 'not a Jinja expression either') this.leave(node.range[0], expr, t.why);
      else if (!this.isCel(expr)) this.leave(node.range[0], expr, 'neither CEL nor a Jinja expression tsplay can read');
      return;
    }
    // what CEL reads as Jinja does (a == 'b', x.y, 'a' in xs) stays as written
    if (this.isCel(expr) && !/\b(True|False|None)\b/.test(expr) && !/^\s*\{\{/.test(expr)) return;
    this.edits.add(node.range[0], node.range[1], scalarText(t.cel, node.type === 'PLAIN' ? 'PLAIN' : 'QUOTE_DOUBLE'));
  }

  private isCel(expr: string): boolean {
    try {
      this.cel.check(expr);
      return true;
    } catch {
      return false;
    }
  }

  /** with_dict: X -> loop: "{{dict2items X}}" (item.key and item.value, as with_dict gives them) */
  private withDict(pair: Pair<Node, Node>): void {
    const key = pair.key as unknown as Scalar;
    const value = pair.value;
    const m = isScalar(value) && typeof value.value === 'string' ? /^\s*\{\{(.*)\}\}\s*$/s.exec(value.value) : null;
    const expr = m ? parseJinja(m[1]) : undefined;
    if (!expr || !value?.range || !key.range) {
      this.leave(key.range?.[0] ?? 0, 'with_dict', 'with_dict over a literal map: put the map in vars and write loop: "{{dict2items NAME}}"');
      return;
    }
    try {
      const h = toHbs(expr);
      this.edits.add(key.range[0], key.range[1], 'loop');
      this.edits.add(value.range[0], value.range[1], JSON.stringify(`{{dict2items ${h.call ? `(${h.code})` : h.code}}}`));
    } catch (e) {
      if (!(e instanceof Unconvertible)) throw e;
      this.leave(value.range[0], String((value as Scalar).value), e.message);
    }
  }
}

/** Which kind of YAML a file of a role or playbook holds. */
function yamlKind(file: string): 'tasks' | 'any' {
  const parts = file.split(sep);
  const dir = parts[parts.length - 2];
  return dir === 'tasks' || dir === 'handlers' ? 'tasks' : 'any';
}

function isTemplateFile(file: string): boolean {
  return file.endsWith('.j2') || file.split(sep).includes('templates');
}

/** Every file below a directory (or the file itself), in a stable order; files/ is data, left alone. */
function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'files') walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** The migration of one file's text (exported for tests of single files). */
export function migrateText(file: string, src: string): { after: string; left: Left[] } {
  if (isTemplateFile(file)) {
    const t = translateTemplate(src);
    return { after: t.text, left: t.problems.map((p) => ({ file, line: p.line, col: p.col, what: p.jinja, why: p.why })) };
  }
  if (/\.ya?ml$/.test(file)) {
    const m = new FileMigration(file, src);
    const after = m.run(yamlKind(file));
    return { after, left: m.left };
  }
  return { after: src, left: [] };
}

/** Everything under PATH (a role, a playbook's directory, or one file). */
export function migrate(path: string): Migration {
  const files: MigratedFile[] = [];
  const left: Left[] = [];
  for (const file of filesUnder(path)) {
    if (!isTemplateFile(file) && !/\.ya?ml$/.test(file)) continue;
    const before = readFileSync(file, 'utf8');
    const shown = relative(process.cwd(), file) || basename(file);
    const r = migrateText(file, before);
    for (const l of r.left) left.push({ ...l, file: shown });
    if (r.after !== before) files.push({ file, before, after: r.after });
  }
  return { files, left };
}
