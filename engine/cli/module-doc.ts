// `tsplay doc`: every module (one line each, from its schema's description), the template helpers
// and the CEL functions (engine/template/reference.ts); `tsplay doc MODULE`: its parameters from its
// schema (type, required, default, choices, aliases, description), laid out as ansible-doc does.
import type { Module } from '../modules/types.js';
import { UsageError } from '../errors.js';
import { didYouMean } from '../did-you-mean.js';
import { HELPER_DOCS, CEL_DOCS } from '../template/reference.js';

type Schema = Record<string, unknown>;

export interface ParamDoc {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  choices?: unknown[];
  aliases?: string[];
  description?: string;
}

/**
 * Every parameter a module's schema names: its properties, and those of the parts it combines
 * (if/then/else, allOf, anyOf, oneOf), the first definition of a name winning.
 */
export function moduleParams(schema: Schema): ParamDoc[] {
  const props = new Map<string, Schema>();
  const visit = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Schema;
    for (const [k, v] of Object.entries((o.properties as Record<string, Schema> | undefined) ?? {})) if (!props.has(k)) props.set(k, v);
    for (const key of ['allOf', 'anyOf', 'oneOf']) for (const part of (o[key] as unknown[] | undefined) ?? []) visit(part);
    for (const key of ['if', 'then', 'else']) visit(o[key]);
  };
  visit(schema);
  // an alias is listed under its parameter, not as one of its own (withAliases adds them as properties)
  const aliases = new Set([...props.values()].flatMap((p) => (Array.isArray(p.aliases) ? (p.aliases as string[]) : [])));
  const required = new Set((schema.required as string[] | undefined) ?? []);
  // a required parameter with aliases: one of them is required (aliases.ts)
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) {
    const either = part.anyOf as Schema[] | undefined;
    const first = either?.[0]?.required as string[] | undefined;
    if (first?.length === 1 && either!.every((e) => Array.isArray(e.required) && (e.required as string[]).length === 1)) required.add(first[0]);
  }
  return [...props.entries()].filter(([name]) => !aliases.has(name)).map(([name, p]) => ({
    name,
    type: typeOf(p),
    required: required.has(name),
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(choicesOf(p) ? { choices: choicesOf(p) } : {}),
    ...(Array.isArray(p.aliases) ? { aliases: p.aliases as string[] } : {}),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  }));
}

const TYPE_NAMES: Record<string, string> = { string: 'str', integer: 'int', number: 'float', boolean: 'bool', array: 'list', object: 'dict', null: 'null' };

function typeOf(p: Schema): string {
  if (Array.isArray(p.enum)) return 'str';
  const t = p.type;
  if (typeof t === 'string') return TYPE_NAMES[t] ?? t;
  if (Array.isArray(t)) return t.map((x) => TYPE_NAMES[x as string] ?? x).join(' or ');
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(p[key])) return [...new Set((p[key] as Schema[]).map(typeOf))].join(' or ');
  }
  return 'raw';
}

function choicesOf(p: Schema): unknown[] | undefined {
  if (Array.isArray(p.enum)) return p.enum;
  return undefined;
}

/** a module's one-line summary: its schema's description */
export function moduleSummary(m: Module): string {
  return typeof m.schema.description === 'string' ? m.schema.description : '';
}

function columns(rows: Array<[string, string]>, indent = '  '): string {
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}  ${b}`.trimEnd()).join('\n');
}

/** `tsplay doc`: modules, helpers, CEL, one line each */
export function docIndex(modules: Map<string, Module>): string {
  const names = [...modules.keys()].sort();
  const out: string[] = [];
  out.push('MODULES (tsplay doc MODULE shows its parameters; ansible.builtin.NAME names the same module)');
  out.push(columns(names.map((n) => [n, moduleSummary(modules.get(n)!)])));
  out.push('');
  out.push('TEMPLATE HELPERS (Handlebars, in {{ }}: module arguments, vars, templates)');
  out.push(columns(HELPER_DOCS.map((h) => [h.usage, `${h.summary}${h.jinja ? `  [Jinja: ${h.jinja}]` : ''}`])));
  out.push('');
  out.push('CEL (conditions: when, that, changed_when, failed_when, until)');
  out.push(columns(CEL_DOCS.map((c) => [c.usage, `${c.summary}${c.jinja ? `  [Jinja: ${c.jinja}]` : ''}`])));
  return `${out.join('\n')}\n`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `tsplay doc MODULE`: as ansible-doc, `=` before a required parameter and `-` before the others */
export function moduleDoc(name: string, modules: Map<string, Module>): string {
  const short = name.replace(/^ansible\.(builtin|legacy)\./, '');
  const m = modules.get(short);
  if (!m) throw new UsageError(`unknown module "${name}"${didYouMean(short, modules.keys())}; \`tsplay doc\` lists the modules`);
  const out: string[] = [`> ${short.toUpperCase()}`, '', `  ${moduleSummary(m)}`, ''];
  if (m.freeForm) out.push(`  A string instead of parameters is its ${m.freeForm} (${short}: TEXT).`, '');
  const params = moduleParams(m.schema).sort((a, b) => Number(b.required) - Number(a.required) || (a.name < b.name ? -1 : 1));
  if (!params.length) out.push('  (no parameters)');
  else out.push('OPTIONS (= is mandatory):', '');
  for (const p of params) {
    out.push(`${p.required ? '=' : '-'} ${p.name}`);
    out.push(`        ${p.description ?? ''}`);
    const facts: string[] = [`type: ${p.type}`];
    if (p.choices) facts.push(`choices: [${p.choices.map(show).join(', ')}]`);
    if (p.default !== undefined) facts.push(`default: ${show(p.default)}`);
    if (p.aliases?.length) facts.push(`aliases: [${p.aliases.join(', ')}]`);
    for (const f of facts) out.push(`        ${f}`);
    out.push('');
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const parts = m.schema[key] as Schema[] | undefined;
    const names = parts?.map((e) => (Array.isArray(e.required) && (e.required as string[]).length === 1 ? (e.required as string[])[0] : undefined));
    if (names?.length && names.every((n) => n)) out.push(`  ${key === 'oneOf' ? 'Exactly one' : 'At least one'} of ${names.join(', ')} is required.`, '');
  }
  if (m.schema.additionalProperties === true) out.push('  Other parameters are accepted too (see above).', '');
  return `${out.join('\n').trimEnd()}\n`;
}
