// Walks the keyword table (engine/playbook/keywords.ts): it covers every keyword Ansible 2.14
// documents; each keyword tsplay implements has a playbook case (test/cases/playbook) that uses
// it; each keyword it refuses, and each keyword written where it is not allowed, is refused when a
// playbook is loaded, naming the file and line; the shipped schema and the README's list are the
// table's.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import yaml from 'js-yaml';
import { projectRoot, schemasDir } from '../../../engine/paths.js';
import { KEYWORDS, refusal, keywordProblem, type Level } from '../../../engine/playbook/keywords.js';
import { schemaText } from '../../../engine/playbook/playbook-schema.js';
import { keywordsMarkdown, README_START, README_END } from '../../../engine/playbook/keywords-doc.js';
import { loadRun } from '../../../engine/runner/run.js';
import { orderHosts } from '../../../engine/runner/host-order.js';
import { TsplayError } from '../../../engine/errors.js';

// Ansible 2.14's "Playbook Keywords" page, per object (handlers are tasks, plus listen)
const ANSIBLE: Record<'play' | 'role' | 'block' | 'task', string[]> = {
  play: [
    'any_errors_fatal', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user', 'check_mode', 'collections',
    'connection', 'debugger', 'diff', 'environment', 'fact_path', 'force_handlers', 'gather_facts', 'gather_subset',
    'gather_timeout', 'handlers', 'hosts', 'ignore_errors', 'ignore_unreachable', 'max_fail_percentage', 'module_defaults',
    'name', 'no_log', 'order', 'port', 'post_tasks', 'pre_tasks', 'remote_user', 'roles', 'run_once', 'serial', 'strategy',
    'tags', 'tasks', 'throttle', 'timeout', 'vars', 'vars_files', 'vars_prompt',
  ],
  role: [
    'any_errors_fatal', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user', 'check_mode', 'collections',
    'connection', 'debugger', 'delegate_facts', 'delegate_to', 'diff', 'environment', 'ignore_errors', 'ignore_unreachable',
    'module_defaults', 'name', 'no_log', 'port', 'remote_user', 'run_once', 'tags', 'throttle', 'timeout', 'vars', 'when',
  ],
  block: [
    'always', 'any_errors_fatal', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user', 'block', 'check_mode',
    'collections', 'connection', 'debugger', 'delegate_facts', 'delegate_to', 'diff', 'environment', 'ignore_errors',
    'ignore_unreachable', 'module_defaults', 'name', 'no_log', 'notify', 'port', 'remote_user', 'rescue', 'run_once', 'tags',
    'throttle', 'timeout', 'vars', 'when',
  ],
  task: [
    'action', 'any_errors_fatal', 'args', 'async', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user',
    'changed_when', 'check_mode', 'collections', 'connection', 'debugger', 'delay', 'delegate_facts', 'delegate_to', 'diff',
    'environment', 'failed_when', 'ignore_errors', 'ignore_unreachable', 'local_action', 'loop', 'loop_control',
    'module_defaults', 'name', 'no_log', 'notify', 'poll', 'port', 'register', 'remote_user', 'retries', 'run_once', 'tags',
    'throttle', 'timeout', 'until', 'vars', 'when', 'with_items', 'with_list',
  ],
};

/** every key of every map in the cases' playbooks and task files */
function keysUsedByCases(): Set<string> {
  const used = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        used.add(k);
        walk(x);
      }
    }
  };
  const dir = join(projectRoot(), 'test', 'cases', 'playbook');
  for (const f of readdirSync(dir)) {
    if (!/\.(ya?ml|json)$/.test(f)) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    const cases = (f.endsWith('.json') ? JSON.parse(text) : yaml.load(text)) as { playbook?: unknown; files?: unknown }[];
    for (const c of cases) {
      walk(c.playbook);
      walk(c.files);
    }
  }
  return used;
}

/**
 * A playbook with `key: x` written at `level`, and the line it is on. The value does not matter:
 * the key itself is refused, before its value is looked at.
 */
function playbookWith(key: string, level: Level): { files: Record<string, string>; line: number } {
  const head = '- hosts: all\n  gather_facts: false\n';
  const task = '- debug: {msg: x}\n';
  const at = (text: string) => ({ line: text.split('\n').findIndex((l) => l.includes(`${key}: x`)) + 1 });
  switch (level) {
    case 'play': {
      const pb = `${head}  ${key}: x\n  tasks: []\n`;
      return { files: { 'playbook.yml': pb }, ...at(pb) };
    }
    case 'role': {
      const pb = `${head}  roles:\n    - role: r\n      ${key}: x\n`;
      return { files: { 'playbook.yml': pb, 'roles/r/tasks/main.yml': task }, ...at(pb) };
    }
    case 'block': {
      const pb = `${head}  tasks:\n    - block:\n        - debug: {msg: x}\n      ${key}: x\n`;
      return { files: { 'playbook.yml': pb }, ...at(pb) };
    }
    case 'task': {
      const pb = `${head}  tasks:\n    - debug: {msg: x}\n      ${key}: x\n`;
      return { files: { 'playbook.yml': pb }, ...at(pb) };
    }
    case 'handler': {
      const pb = `${head}  handlers:\n    - name: h\n      debug: {msg: x}\n      ${key}: x\n`;
      return { files: { 'playbook.yml': pb }, ...at(pb) };
    }
    case 'include': {
      const pb = `${head}  tasks:\n    - import_tasks: t.yml\n      ${key}: x\n`;
      return { files: { 'playbook.yml': pb, 't.yml': task }, ...at(pb) };
    }
    case 'import_playbook': {
      const pb = `- import_playbook: other.yml\n  ${key}: x\n`;
      return { files: { 'playbook.yml': pb, 'other.yml': `${head}  tasks: []\n` }, ...at(pb) };
    }
  }
}

async function loadError(files: Record<string, string>): Promise<{ err: TsplayError; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-kw-'));
  try {
    for (const [rel, text] of Object.entries({ ...files, 'inventory/hosts.yml': 'all:\n  hosts:\n    h1:\n  vars:\n    ansible_connection: local\n' })) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
    let err: unknown;
    await loadRun({ playbook: join(dir, 'playbook.yml'), inventory: [join(dir, 'inventory')], reporters: [] }).catch((e) => (err = e));
    expect(err, JSON.stringify(files)).to.be.instanceOf(TsplayError);
    return { err: err as TsplayError, dir };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const LEVELS: Level[] = ['play', 'role', 'block', 'task', 'handler', 'include', 'import_playbook'];

describe('the keyword table', function () {
  this.timeout(120_000);

  it("holds every keyword Ansible 2.14 documents, at each of the places Ansible allows it", () => {
    for (const [level, names] of Object.entries(ANSIBLE) as [keyof typeof ANSIBLE, string[]][]) {
      for (const k of names) {
        expect(KEYWORDS, k).to.have.property(k);
        expect(KEYWORDS[k].levels, `${k} on ${level}`).to.include(level);
        if (level === 'task') expect(KEYWORDS[k].levels, `${k} on a handler`).to.include('handler');
      }
    }
    expect(KEYWORDS.listen.levels).to.deep.equal(['handler']);
    expect(keywordProblem('with_dict', 'task')).to.match(/^`with_dict` is not supported by tsplay: this lookup is not implemented/);
  });

  it('every keyword is either implemented (naming the code) or refused (saying why), never both', () => {
    for (const [k, spec] of Object.entries(KEYWORDS)) {
      expect(Boolean(spec.implemented) !== Boolean(spec.refused), `${k}: implemented xor refused`).to.equal(true);
      for (const l of Object.keys(spec.refusedAt ?? {})) expect(spec.levels, `${k}: refused on ${l}, which it is not allowed on`).to.include(l);
    }
  });

  it('every implemented keyword is used by a playbook case (test/cases/playbook)', () => {
    const used = keysUsedByCases();
    const missing = Object.keys(KEYWORDS).filter((k) => !KEYWORDS[k].refused && !used.has(k));
    expect(missing, 'implemented keywords no case uses').to.deep.equal([]);
  });

  it('every refused keyword is refused at load, at every place it may be written, naming the file and line', async () => {
    let checked = 0;
    for (const [k, spec] of Object.entries(KEYWORDS)) {
      for (const level of spec.levels) {
        const why = refusal(spec, level);
        if (why === undefined) continue;
        const { files, line } = playbookWith(k, level);
        const { err } = await loadError(files);
        expect(err.message, `${k} on ${level}`).to.include(`\`${k}\` is not supported by tsplay`);
        expect(err.message, `${k} on ${level}`).to.include(why);
        expect(err.where.file, `${k} on ${level}`).to.match(/playbook\.yml$/);
        expect([err.where.line, typeof err.where.col], `${k} on ${level}`).to.deep.equal([line, 'number']);
        checked++;
      }
    }
    // the loop was not vacuous (the count falls as keywords get implemented)
    expect(checked).to.be.greaterThan(20);
  });

  it('a keyword written where it is not allowed is refused at load, naming the file and line', async () => {
    let checked = 0;
    for (const [k, spec] of Object.entries(KEYWORDS)) {
      // a block's own parts make a block of whatever holds them
      if (['block', 'rescue', 'always'].includes(k)) continue;
      for (const level of LEVELS.filter((l) => !spec.levels.includes(l))) {
        const { files, line } = playbookWith(k, level);
        const { err } = await loadError(files);
        expect(err.message, `${k} on ${level}`).to.match(new RegExp(`^\`${k}\` is not a keyword of `));
        expect([err.where.line, typeof err.where.col], `${k} on ${level}`).to.deep.equal([line, 'number']);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(100);
  });

  it('schemas/playbook.schema.json is the schema the table makes (node dist/engine/playbook/playbook-schema.js --write)', () => {
    expect(readFileSync(join(schemasDir(), 'playbook.schema.json'), 'utf8')).to.equal(schemaText());
  });

  it("the README's keyword list is the table's (node dist/engine/playbook/keywords-doc.js --write)", () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const a = readme.indexOf(README_START);
    const b = readme.indexOf(README_END);
    expect(a, 'README keyword list markers').to.be.greaterThan(-1);
    expect(readme.slice(a, b + README_END.length)).to.equal(keywordsMarkdown());
  });
});

describe('order (orderHosts)', () => {
  it('shuffle is a permutation drawn with the random source given', () => {
    expect(orderHosts(['a', 'b', 'c', 'd'], 'shuffle', () => 0)).to.deep.equal(['b', 'c', 'd', 'a']);
    const names = Array.from({ length: 50 }, (_, i) => `h${i}`);
    const shuffled = orderHosts(names, 'shuffle');
    expect([...shuffled].sort()).to.deep.equal([...names].sort());
  });

  it('sorted compares code points, as Python (Ansible) does, not the locale', () => {
    expect(orderHosts(['b', 'B', 'a', 'A10', 'A9'], 'sorted')).to.deep.equal(['A10', 'A9', 'B', 'a', 'b']);
    expect(orderHosts(['b', 'B', 'a'], 'reverse_sorted')).to.deep.equal(['b', 'a', 'B']);
  });
});
