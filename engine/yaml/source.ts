// The one YAML reader for every input (playbooks, role files, inventories, group_vars/host_vars,
// vars_files, -e @file): YAML 1.1 as PyYAML reads it, with source positions. Values are plain JS; a
// side table maps every object/array (and each key of a map, each value, each item of a list) to
// its file:line:col, so any later error can point at the line a person wrote. The same rules hold
// for every kind of file: a key written twice in one mapping is an error naming both places (PyYAML
// keeps the last silently, and a repeated `ansible_connection:` then changes a host unseen), one
// bound on aliases, UTF-8 only (a BOM is dropped), no key that would reach Object.prototype.
// Ansible's inline `!vault` values are decrypted as they are read (and become secrets); without a
// vault password one is an error at its line, never its ciphertext taken as the value.
import { stat } from 'node:fs/promises';
import { readInput, learnSecrets, vaultKeys, type InputText, type SecretInputs } from '../secrets/inputs.js';
import { parseDocument, visit, LineCounter, isMap, isSeq, isScalar, isAlias, isPair, isNode, type Node, type Document } from 'yaml';
import { utf8Text } from '../utf8.js';
import { NO_PASSWORD_HINT } from '../vault/keys.js';
import { InputError, type SourcePos } from '../errors.js';
import { PYYAML_PARSE_OPTIONS } from './pyyaml.js';
import { caretLines, yamlSyntaxError } from './syntax-error.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_NODES = 2_000_000;
const MAX_ALIASES = 10_000;
/** what aliases may expand to, counted as if copied (billion-laughs documents stop here) */
const MAX_EXPANDED = 1_000_000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface Positions {
  node: SourcePos;
  keys?: Map<string, SourcePos>;
  /** where each scalar value of a map was written (a collection value has its own entry) */
  values?: Map<string, SourcePos>;
  items?: SourcePos[];
  /** integers not written in decimal (0644, 0x1a4), as written, by key: an error can quote them */
  written?: Map<string, string>;
}

/** Source positions of loaded YAML values, keyed by object identity. */
export class SourceMap {
  private table = new WeakMap<object, Positions>();
  set(obj: object, p: Positions): void {
    this.table.set(obj, p);
  }
  /** position of an object, or of one of its keys / items */
  pos(obj: unknown, key?: string | number): SourcePos | undefined {
    if (obj === null || typeof obj !== 'object') return undefined;
    const p = this.table.get(obj);
    if (!p) return undefined;
    if (key === undefined) return p.node;
    if (typeof key === 'number') return p.items?.[key] ?? p.node;
    return p.keys?.get(key) ?? p.node;
  }
  /** position of the value under a key: the collection itself, or where the scalar was written */
  valuePos(obj: unknown, key: string): SourcePos | undefined {
    if (obj === null || typeof obj !== 'object') return undefined;
    const v = (obj as Record<string, unknown>)[key];
    return (Object.hasOwn(obj, key) ? this.pos(v) : undefined) ?? this.table.get(obj)?.values?.get(key) ?? this.pos(obj, key);
  }
  /**
   * The position at a path of keys under root: with `key`, where the last key is written (a
   * misspelled or unexpected key), else where its value is. A path that leaves the data stops at
   * the deepest place found.
   */
  posIn(root: unknown, path: readonly string[], key = false): SourcePos | undefined {
    let cur: unknown = root;
    let best = this.pos(root);
    for (const [i, seg] of path.entries()) {
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) break;
      if (key && i === path.length - 1) return this.pos(cur, seg) ?? best;
      best = this.valuePos(cur, seg) ?? best;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return best;
  }
  /**
   * Positions for a map made by merging `sources` (later ones win, as in {...a, ...b}): each key
   * keeps where it was written, so errors about the merged map point at the source; `node` is
   * where the merged map as a whole is said to be.
   */
  combine(target: object, sources: readonly object[], node: SourcePos): void {
    const ps = sources.map((s) => this.table.get(s)).filter((p): p is Positions => p !== undefined);
    const merge = <V>(pick: (p: Positions) => Map<string, V> | undefined) => {
      const m = new Map<string, V>();
      for (const p of ps) for (const [k, v] of pick(p) ?? []) m.set(k, v);
      return m;
    };
    this.table.set(target, { node, keys: merge((p) => p.keys), values: merge((p) => p.values), written: merge((p) => p.written) });
  }
  /** how a map's integer value was written, when not in decimal (YAML 1.1 reads 0644 as 420) */
  written(obj: unknown, key: string): string | undefined {
    if (obj === null || typeof obj !== 'object') return undefined;
    return this.table.get(obj)?.written?.get(key);
  }
  /** position of the value at a JSON pointer path (ajv instancePath) under root */
  posAtPath(root: unknown, path: string): SourcePos | undefined {
    const segs = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur: unknown = root;
    let best = this.pos(root);
    for (const seg of segs) {
      if (cur === null || typeof cur !== 'object') break;
      const key = Array.isArray(cur) ? Number(seg) : seg;
      best = this.pos(cur, key) ?? best;
      cur = (cur as Record<string, unknown>)[seg];
      best = this.pos(cur) ?? best;
    }
    return best;
  }
}

export interface LoadedYaml {
  file: string;
  data: unknown;
  positions: SourceMap;
}

/** decrypts the text of an inline `!vault` value written at `at` */
export type InlineVault = (vaulted: string, at: SourcePos) => string;

/** where the value (or with `key`, the last key) at a path of keys was written; the file's start when unknown */
export function posAt(loaded: LoadedYaml, path: readonly string[], key = false): SourcePos {
  return loaded.positions.posIn(loaded.data, path, key) ?? { file: loaded.file, line: 1, col: 1 };
}

export async function loadYamlFile(file: string, positions = new SourceMap(), secrets?: SecretInputs): Promise<LoadedYaml> {
  let input: InputText;
  try {
    const { size } = await stat(file);
    if (size > MAX_FILE_BYTES) throw new InputError(`file is ${size} bytes; YAML inputs are limited to ${MAX_FILE_BYTES}`, { file });
    input = await readInput(file, secrets);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file: ${(e as Error).message}`, { file });
  }
  const loaded = await parseYamlInput(input.text, file, positions, secrets);
  learnSecrets(input, loaded.data, secrets);
  return loaded;
}

/**
 * A YAML text read from `file` whose `!vault` values are decrypted with the vault keys of `secrets`
 * (asked for on a terminal, once, when there are none and the text has one); each becomes a secret.
 */
export async function parseYamlInput(text: string, file: string, positions = new SourceMap(), secrets?: SecretInputs): Promise<LoadedYaml> {
  const parsed = parseDoc(text, file);
  let first: Node | undefined;
  visit(parsed.doc, (_k, n) => {
    if (isNode(n) && n.tag === VAULT_TAG) {
      first = n;
      return visit.BREAK;
    }
  });
  if (!first) return convert(parsed, positions);
  const keys = vaultKeys(secrets);
  await keys.ensure(vaultAt(parsed, first), 'this !vault value');
  const inline: InlineVault = (vaulted, at) => {
    const plain = utf8Text(keys.decrypt(vaulted, at, 'this !vault value'), where(at));
    secrets?.redactor?.add(plain, `the !vault value at ${where(at)}`);
    return plain;
  };
  return convert(parsed, positions, inline);
}

const VAULT_TAG = '!vault';

interface ParsedDoc {
  text: string;
  file: string;
  doc: Document;
  at: (offset: number | undefined) => SourcePos;
}

/** where a `!vault` value's text starts (its header line, below a `|`), else the node */
function vaultAt(p: ParsedDoc, node: Node): SourcePos {
  const [start, end] = node.range ?? [];
  const header = start === undefined ? -1 : p.text.indexOf('$ANSIBLE_VAULT;', start);
  return p.at(header >= 0 && end !== undefined && header < end ? header : start);
}

/** `vault` decrypts inline `!vault` values; without it one is an error naming its line */
export function parseYamlText(text: string, file: string, positions = new SourceMap(), vault?: InlineVault): LoadedYaml {
  return convert(parseDoc(text, file), positions, vault);
}

function convert(p: ParsedDoc, positions: SourceMap, vault?: InlineVault): LoadedYaml {
  const conv = new Converter(p, positions, vault);
  const data = p.doc.contents ? conv.value(p.doc.contents as Node) : null;
  return { file: p.file, data, positions };
}

function parseDoc(text: string, file: string): ParsedDoc {
  const lc = new LineCounter();
  // YAML as PyYAML reads it (Ansible habits: `gather_facts: no`); duplicate keys are found while
  // converting, where both places are known.
  const doc = parseDocument(text, { ...PYYAML_PARSE_OPTIONS, lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number | undefined): SourcePos => {
    if (offset === undefined) return { file };
    const { line, col } = lc.linePos(offset);
    return { file, line, col };
  };
  if (doc.errors.length) throw yamlSyntaxError(text, file, doc.errors[0], lc);
  return { text, file, doc, at };
}

function where(p: SourcePos): string {
  return [p.file, p.line, p.col].filter((x) => x !== undefined).join(':');
}

class Converter {
  private nodes = 0;
  private aliases = 0;
  private done = new Map<Node, unknown>();
  /** nodes each converted collection stands for, aliases counted as copies */
  private sizes = new Map<Node, number>();
  private expanded = 0;
  private doc: Document;
  private at: (offset: number | undefined) => SourcePos;
  private text: string;
  constructor(
    private parsed: ParsedDoc,
    private positions: SourceMap,
    private vault?: InlineVault,
  ) {
    this.doc = parsed.doc;
    this.at = parsed.at;
    this.text = parsed.text;
  }

  /** an inline `!vault` value: its plaintext, or an error at its line (never the ciphertext as a value) */
  private vaulted(node: Node): string {
    const at = vaultAt(this.parsed, node);
    if (!isScalar(node) || typeof node.value !== 'string') throw new InputError('a !vault value must be the text ansible-vault encrypt_string printed (a string)', at);
    if (!this.vault) throw new InputError(`this !vault value needs the vault password, and none can be asked for here: ${NO_PASSWORD_HINT}`, at);
    return this.vault(node.value, at);
  }

  value(node: Node | null | undefined, depth = 0): unknown {
    if (node == null) return null;
    if (++this.nodes > MAX_NODES) throw new InputError('YAML document too large', this.at(node.range?.[0]));
    if (depth > 200) throw new InputError('YAML nesting deeper than 200 levels', this.at(node.range?.[0]));
    if (isAlias(node)) {
      if (++this.aliases > MAX_ALIASES) throw new InputError('too many YAML aliases', this.at(node.range?.[0]));
      const target = node.resolve(this.doc);
      if (!target) throw new InputError(`unknown YAML alias *${node.source}`, this.at(node.range?.[0]));
      // an alias shares the converted value: memory stays linear even for alias bombs
      if (this.done.has(target)) {
        this.expanded += this.sizes.get(target) ?? 1;
        if (this.expanded > MAX_EXPANDED) throw new InputError(`YAML aliases expand to more than ${MAX_EXPANDED} nodes`, this.at(node.range?.[0]));
        return this.done.get(target);
      }
      return this.value(target, depth + 1);
    }
    if (node.tag === VAULT_TAG) return this.vaulted(node);
    if (isScalar(node)) {
      const v = node.value;
      return typeof v === 'bigint' ? Number(v) : v;
    }
    if (isMap(node) || isSeq(node)) {
      const before = this.nodes + this.expanded;
      const v = this.collection(node, depth);
      this.sizes.set(node, this.nodes + this.expanded - before + 1);
      return v;
    }
    return null;
  }

  private collection(node: Node, depth: number): unknown {
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      this.done.set(node, obj);
      const keys = new Map<string, SourcePos>();
      let written: Map<string, string> | undefined;
      let values: Map<string, SourcePos> | undefined;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (keyNode && isAlias(keyNode) === false && isMap(keyNode)) {
          // `msg: {{ x }}` unquoted is a map whose key is a map: the usual mistake is a missing quote
          if (pair.value == null && node.flow) {
            const p = this.at(node.range?.[0]);
            throw new InputError(`a map cannot be a key: a value that starts with "{{" must be quoted, as in msg: "{{ x }}"${caretLines(this.text, p.line ?? 1, p.col ?? 1)}`, p);
          }
          throw new InputError('a map cannot be a key', this.at(keyNode.range?.[0]));
        }
        const rawKey = keyNode == null ? null : isScalar(keyNode) ? keyNode.value : this.value(keyNode, depth + 1);
        if (keyNode && isScalar(keyNode) && keyNode.source === '<<') {
          // merge key: copy the referenced map(s) under keys not set explicitly
          const merged = this.value(pair.value as Node, depth + 1);
          for (const m of Array.isArray(merged) ? merged : [merged]) {
            if (m && typeof m === 'object') for (const [k, v] of Object.entries(m)) if (!(k in obj)) obj[k] = v;
          }
          continue;
        }
        const key = String(rawKey);
        const kpos = this.at(keyNode?.range?.[0]);
        if (FORBIDDEN_KEYS.has(key)) throw new InputError(`key "${key}" is not allowed (it would reach the object prototype)`, kpos);
        const first = keys.get(key);
        if (first) {
          throw new InputError(
            `duplicate key "${key}": written at ${where(first)} and again at ${where(kpos)}; YAML would keep only the last one silently, so remove or rename one of them`,
            kpos,
          );
        }
        keys.set(key, kpos);
        const value = this.value(pair.value as Node, depth + 1);
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        if (isScalar(pair.value)) (values ??= new Map()).set(key, this.at(pair.value.range?.[0]));
        const source = isScalar(pair.value) ? pair.value.source : undefined;
        if (typeof value === 'number' && typeof source === 'string' && source !== String(value)) (written ??= new Map()).set(key, source);
      }
      this.positions.set(obj, { node: this.at(node.range?.[0]), keys, ...(values ? { values } : {}), ...(written ? { written } : {}) });
      return obj;
    }
    if (isSeq(node)) {
      const arr: unknown[] = [];
      this.done.set(node, arr);
      const items: SourcePos[] = [];
      for (const item of node.items) {
        items.push(this.at((item as Node | null)?.range?.[0] ?? node.range?.[0]));
        arr.push(this.value(item as Node, depth + 1));
      }
      this.positions.set(arr, { node: this.at(node.range?.[0]), items });
      return arr;
    }
    return null;
  }
}
