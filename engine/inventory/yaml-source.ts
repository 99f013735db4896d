// YAML as Ansible reads it (YAML 1.1 as PyYAML resolves it: yes/no/on/off are booleans, `y` and `n`
// are strings, dates stay strings), with source positions for every node, so errors name file:line:col.
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { InputError, type SourcePos } from '../errors.js';
import { assertSafeKey } from './safe-keys.js';
import { PYYAML_PARSE_OPTIONS } from '../yaml/pyyaml.js';

export class YamlSource {
  readonly lineCounter = new LineCounter();
  readonly doc: Document.Parsed;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, {
      ...PYYAML_PARSE_OPTIONS,
      lineCounter: this.lineCounter,
      uniqueKeys: false, // PyYAML keeps the last of duplicate keys
      prettyErrors: false,
    });
    const err = this.doc.errors[0];
    if (err) {
      const pos = this.pos(err.pos[0]);
      throw new InputError(`YAML syntax error: ${err.message.split('\n')[0]}`, pos);
    }
    // Walking every node costs about 0.15 s at 5,000 hosts. A forbidden key is either written out
    // in the text or spelled with a backslash escape in a double-quoted key: without either,
    // there is none to find.
    if (/__proto__|constructor|prototype|\\/.test(text)) visit(this.doc, {
      Pair: (_key, pair) => {
        const k = (pair as Pair).key;
        if (isScalar(k)) assertSafeKey(String(k.value), this.posOfNode(k));
      },
    });
  }

  /** the document as plain data */
  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  pos(offset: number): SourcePos {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  posOfNode(node: Node | null | undefined): SourcePos {
    return node?.range ? this.pos(node.range[0]) : { file: this.file, line: 1, col: 1 };
  }

  /**
   * The node at a JSON-pointer-like path of keys; with `key`, the key node of the last step
   * (where an unexpected or misspelled key is written).
   */
  nodeAt(path: string[], key = false): Node | null {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      if (!isMap(node)) return (node as Node) ?? null;
      const pair = this.pairsOf(node).get(path[i]!);
      if (!pair) return node;
      if (key && i === path.length - 1) return pair.key as Node;
      node = pair.value ?? pair.key;
    }
    return (node as Node) ?? null;
  }

  // key -> pair per mapping, built on first use so that looking up every key of a large map stays linear
  private readonly pairIndex = new WeakMap<object, Map<string, Pair>>();
  private pairsOf(map: { items: Pair[] }): Map<string, Pair> {
    let index = this.pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) if (isScalar(p.key)) index.set(String(p.key.value), p); // last duplicate wins, as in the data
      this.pairIndex.set(map, index);
    }
    return index;
  }

  /** position of the node at a path (see nodeAt) */
  posAt(path: string[], key = false): SourcePos {
    return this.posOfNode(this.nodeAt(path, key));
  }
}
