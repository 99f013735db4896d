// A seeded, reproducible corpus of malformed and adversarial inputs: playbooks, inventories,
// templates and conditions. Every case is invalid by construction.

/** mulberry32: small, fast, reproducible */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CorpusCase {
  name: string;
  playbook: string;
  inventory: string;
  /** extra files relative to the case dir */
  files?: Record<string, string>;
}

const INVENTORY = 'all:\n  hosts:\n    h1: { ansible_host: 127.0.0.1, ansible_port: 1 }\n';
const HEAD = '- name: p\n  hosts: all\n  gather_facts: false\n';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const word = (r: () => number, n = 6) => Array.from({ length: 1 + Math.floor(r() * n) }, () => pick(r, 'abcdefghijklmnopqrstuvwxyz_'.split(''))).join('');
const yamlStr = (s: string) => JSON.stringify(s);

const VALID_TASKS = [
  '    - name: dir\n      file: { path: /tmp/x, state: directory, mode: "0755" }\n',
  '    - name: copy\n      copy: { dest: /tmp/y, content: "hello {{ inventory_hostname }}" }\n',
  '    - name: line\n      lineinfile: { path: /tmp/z, line: "a = 1", regexp: "^a =" }\n',
  '    - name: cmd\n      command: echo hi\n      args: { creates: /tmp/q }\n',
  '    - name: show\n      debug: { msg: "{{ inventory_hostname }}" }\n      when: inventory_hostname == "h1"\n',
];

type Gen = (r: () => number) => CorpusCase;

const generators: Record<string, Gen> = {
  // a valid playbook cut inside a quoted or flow value: always unterminated
  truncated: (r) => {
    const body = HEAD + '  tasks:\n' + VALID_TASKS.map((t) => t).join('');
    // only opening delimiters: a cut after one always leaves it unclosed
    const cuts = [...body.matchAll(/(?<=[\s:])"|[{[]/g)].map((m) => m.index!);
    const at = pick(r, cuts) + 1 + Math.floor(r() * 2);
    return { name: 'truncated', playbook: body.slice(0, at) + '\n', inventory: INVENTORY };
  },
  unknownModule: (r) => ({ name: 'unknown module', playbook: HEAD + `  tasks:\n    - ${word(r)}zz: { a: 1 }\n`, inventory: INVENTORY }),
  unknownParam: (r) => ({ name: 'unknown parameter', playbook: HEAD + `  tasks:\n    - file: { path: /tmp/x, ${word(r)}_zz: 1 }\n`, inventory: INVENTORY }),
  wrongType: (r) => {
    const bad = pick(r, ['[1, 2]', '{ a: 1 }', 'true', '3.5']);
    const t = pick(r, [
      `    - file: { path: ${bad} }\n`,
      `    - copy: { dest: /tmp/x, content: "x", backup: ${pick(r, ['[1]', '{a: 1}', '"maybe"'])} }\n`,
      `    - lineinfile: { path: /tmp/x, line: a, create: ${pick(r, ['[1]', '{a: 1}', '"sometimes"'])} }\n`,
      `    - command: { argv: ${pick(r, ['"x"', '{a: 1}', '5'])} }\n`,
      `    - debug: { msg: hi }\n      register: ${pick(r, ['[a]', '"1bad"', '"a-b"'])}\n`,
      `    - debug: { msg: hi }\n      loop: ${pick(r, ['5', '{a: 1}', 'true'])}\n`,
    ]);
    return { name: 'wrong type', playbook: HEAD + '  tasks:\n' + t, inventory: INVENTORY };
  },
  playType: (r) => ({
    name: 'wrong play shape',
    playbook: pick(r, ['hosts: all\n', '- 5\n', '- hosts: [1, 2]\n  tasks: 3\n', `- ${word(r)}: 1\n  hosts: all\n`, '- tasks: []\n', '"just a string"\n']),
    inventory: INVENTORY,
  }),
  protoKey: (r) => {
    const k = pick(r, ['__proto__', 'constructor', 'prototype']);
    const where = pick(r, ['vars', 'args', 'inventory', 'hostvar', 'group']);
    if (where === 'inventory') return { name: `proto key in inventory (${k})`, playbook: HEAD + '  tasks: []\n', inventory: `all:\n  hosts:\n    h1:\n      ${k}: { polluted: true }\n` };
    if (where === 'hostvar') return { name: `proto host name (${k})`, playbook: HEAD + '  tasks: []\n', inventory: `all:\n  hosts:\n    ${k}: {}\n` };
    if (where === 'group') return { name: `proto group (${k})`, playbook: HEAD + '  tasks: []\n', inventory: `all:\n  children:\n    ${k}:\n      hosts:\n        h1:\n` };
    if (where === 'vars') return { name: `proto key in vars (${k})`, playbook: HEAD + `  vars:\n    ${k}: { polluted: true }\n  tasks: []\n`, inventory: INVENTORY };
    return { name: `proto key in args (${k})`, playbook: HEAD + `  tasks:\n    - set_fact:\n        ${k}: { polluted: true }\n`, inventory: INVENTORY };
  },
  duplicateKey: (r) => {
    const k = pick(r, ['hosts', 'name', 'tasks', 'vars']);
    const dup = k === 'tasks' ? '  tasks: []\n' : k === 'vars' ? '  vars: {}\n' : `  ${k}: all\n`;
    return { name: `duplicate key ${k}`, playbook: HEAD + '  tasks: []\n  vars: {}\n' + (k === 'tasks' || k === 'vars' ? dup : dup), inventory: INVENTORY };
  },
  aliasBomb: (r) => {
    const width = 6 + Math.floor(r() * 4);
    const lines = [HEAD.trimEnd(), '  vars:', `    l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < 10; i++) lines.push(`    l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
    return { name: 'alias bomb', playbook: lines.join('\n') + '\n  tasks: []\n', inventory: INVENTORY };
  },
  deepNesting: (r) => {
    const n = 250 + Math.floor(r() * 5000);
    const kind = pick(r, ['flow', 'block']);
    const value = kind === 'flow' ? '['.repeat(n) + ']'.repeat(n) : '\n' + Array.from({ length: Math.min(n, 400) }, (_, i) => ' '.repeat(4 + i * 2) + 'k:').join('\n') + ' 1';
    return { name: `deep nesting (${kind} ${n})`, playbook: HEAD + `  vars:\n    x: ${value}\n  tasks: []\n`, inventory: INVENTORY };
  },
  badPattern: (r) => ({ name: 'bad host pattern', playbook: `- hosts: "${pick(r, ['web[1:', '~(', 'web[', '~[z-a]', 'a:&', '~*x'])}"\n  tasks: []\n`, inventory: INVENTORY }),
  badTemplate: (r) => {
    const t = pick(r, ['{{#if x}} open', '{{/if}}', '{{ a | upper }}', '{{ }}', '{{> partial}}x{{', '{{#with}}', '{{{ x }}', '{{ x y z ((( }}', '{{#if a}}{{/each}}']);
    return { name: `bad template ${t}`, playbook: HEAD + `  tasks:\n    - debug: { msg: ${yamlStr(t)} }\n`, inventory: INVENTORY };
  },
  badCondition: (r) => {
    const c = pick(r, ['x == = 1', '((((a)', 'a.b.', '"unterminated', '{{ x }}', 'x ? y', '1 +', 'a.exists(', '!'.repeat(200) + '(', 'x'.repeat(5000), '[' + '['.repeat(100) + ']'.repeat(99)]);
    return { name: 'bad condition', playbook: HEAD + `  tasks:\n    - debug: { msg: hi }\n      when: ${yamlStr(c)}\n`, inventory: INVENTORY };
  },
  badInventory: (r) => ({
    name: 'bad inventory',
    playbook: HEAD + '  tasks: []\n',
    inventory: pick(r, ['all:\n  hosts:\n    a: [\n', 'all:\n  hostz:\n    a:\n', 'all: 5\n', 'all:\n  hosts:\n    web[3:1]:\n', 'all:\n  children:\n    g: [1]\n', '- a\n- b\n', 'all:\n  vars: [1]\n']),
  }),
  missingFile: (r) => ({
    name: 'missing file',
    playbook: HEAD + `  tasks:\n    - ${pick(r, ['template: { src: nope.hbs, dest: /tmp/x }', 'copy: { src: nope.txt, dest: /tmp/x }', `import_tasks: ${word(r)}.yml`, `include_role: { name: ${word(r)}_missing }`])}\n`,
    inventory: INVENTORY,
  }),
  garbage: (r) => {
    const bytes = Array.from({ length: 20 + Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 0x2ff) + 1));
    return { name: 'garbage', playbook: HEAD + '  tasks:\n    - debug: { msg: "' + bytes.join('').replace(/["\\\n]/g, '') + '" }\n  ' + pick(r, ['{', '[', '"', ': :', '- - -\n x']) + '\n', inventory: INVENTORY };
  },
};

export const GENERATOR_NAMES = Object.keys(generators);

export function* corpus(seed: number, count: number): Generator<CorpusCase> {
  const r = prng(seed);
  for (let i = 0; i < count; i++) yield generators[GENERATOR_NAMES[i % GENERATOR_NAMES.length]](r);
}
