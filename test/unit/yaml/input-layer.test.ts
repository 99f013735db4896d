// Every kind of YAML input (playbook, inventory, group_vars file, host_vars directory file, both
// beside the inventory and beside the playbook, vars_files, -e @file, role defaults/vars/tasks/handlers) goes through one reader, so one rule
// holds for all of them. Each case writes real files in a temporary directory and loads them the
// way `tsplay run` does (loadRun, parseExtraVars).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../../../engine/errors.js';
import { loadRun } from '../../../engine/runner/run.js';
import { parseExtraVars } from '../../../engine/cli/extra-vars.js';
import { ansibleVault } from '../vault/ansible-vault-bin.js';

const BASE: Record<string, string> = {
  'inv/hosts.yml': 'all:\n  hosts:\n    h1:\n      ansible_connection: local\n',
  'site.yml': '- hosts: all\n  gather_facts: no\n  vars_files: [vars.yml]\n  roles: [r]\n  tasks: []\n',
  'vars.yml': 'placeholder: 1\n',
  'roles/r/tasks/main.yml': '- debug: { msg: hi }\n',
  'roles/r/handlers/main.yml': '- name: h\n  debug: { msg: hi }\n',
  'roles/r/defaults/main.yml': 'placeholder: 1\n',
};

interface Kind {
  name: string;
  /** the file under test, relative to the temp dir */
  file: string;
  /** text before the variables, and how far they are indented */
  head: string;
  indent: number;
  /** where the variable `answer` ends up once loaded (checks that a file with a BOM was read) */
  answer?: (dir: string, vaultPassword?: string) => Promise<unknown>;
}

const viaRun = async (dir: string, vaultPassword?: string) => loadRun({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'inv')], vaultPassword });
const hostAnswer = async (dir: string, pw?: string) => (await viaRun(dir, pw)).run.inventory.hostVars('h1').answer;
const playAnswer = async (dir: string, pw?: string) => (await viaRun(dir, pw)).playVars.get(0)!.answer;
const extraVars = async (dir: string, pw?: string) => parseExtraVars([`@${join(dir, 'ev.yml')}`], { password: pw });

const KINDS: Kind[] = [
  { name: 'playbook', file: 'site.yml', head: BASE['site.yml'] + '  vars:\n', indent: 4, answer: playAnswer },
  { name: 'inventory YAML', file: 'inv/hosts.yml', head: BASE['inv/hosts.yml'], indent: 6, answer: hostAnswer },
  { name: 'group_vars file', file: 'inv/group_vars/all.yml', head: '', indent: 0, answer: hostAnswer },
  { name: 'host_vars directory file', file: 'inv/host_vars/h1/main.yml', head: '', indent: 0, answer: hostAnswer },
  { name: 'group_vars file beside the playbook', file: 'group_vars/all.yml', head: '', indent: 0, answer: hostAnswer },
  { name: 'host_vars directory file beside the playbook', file: 'host_vars/h1/sub/main.yml', head: '', indent: 0, answer: hostAnswer },
  { name: 'vars_files file', file: 'vars.yml', head: '', indent: 0, answer: playAnswer },
  { name: 'role defaults', file: 'roles/r/defaults/main.yml', head: '', indent: 0 },
  { name: 'role vars', file: 'roles/r/vars/main.yml', head: '', indent: 0 },
  { name: 'role tasks', file: 'roles/r/tasks/main.yml', head: '- debug: { msg: hi }\n  vars:\n', indent: 4 },
  { name: 'role handlers', file: 'roles/r/handlers/main.yml', head: '- name: h\n  debug: { msg: hi }\n  vars:\n', indent: 4 },
  { name: '-e @file', file: 'ev.yml', head: '', indent: 0, answer: async (dir, pw) => (await extraVars(dir, pw)).answer },
];

function load(kind: Kind, dir: string, vaultPassword?: string): Promise<unknown> {
  return kind.file === 'ev.yml' ? extraVars(dir, vaultPassword) : viaRun(dir, vaultPassword);
}

/** the base project with the kind's file holding `vars` (YAML lines at top level, indented into place) */
function project(kind: Kind, vars: string, opts: { bom?: boolean; bytes?: Buffer; whole?: boolean } = {}): { dir: string; file: string; line1: number; col1: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-input-'));
  const pad = ' '.repeat(kind.indent);
  const text = opts.whole ? vars : kind.head + vars.replace(/^(?=.)/gm, pad);
  const files: Record<string, Buffer> = {};
  for (const [rel, t] of Object.entries(BASE)) files[rel] = Buffer.from(t);
  let body = Buffer.from(text);
  if (opts.bytes) body = Buffer.concat([body, opts.bytes, Buffer.from('\n')]);
  if (opts.bom) body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
  files[kind.file] = body;
  for (const [rel, b] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), b);
  }
  return { dir, file: join(dir, kind.file), line1: kind.head.split('\n').length, col1: kind.indent + 1 };
}

async function refusal(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e, String((e as Error).stack)).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** eight levels of ten aliases each: a billion laughs if copied out */
function aliasBomb(): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= 8; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

const PASSWORD = 'input layer password';
/** made by the real ansible-vault in before() */
let inlineAnswer = '';
const vaultedFiles = new Map<string, string>();
/** the kind's file with `answer: 42`, encrypted by ansible-vault */
function vaultedFile(kind: Kind): string {
  return vaultedFiles.get(kind.name)!;
}

describe('one YAML input layer: the same rules for every kind of input file', function () {
  // ansible-vault is a Python program: about a second a call
  this.timeout(120_000);
  const dirs: string[] = [];
  before(() => {
    const d = mkdtempSync(join(tmpdir(), 'tsplay-input-vault-'));
    dirs.push(d);
    writeFileSync(join(d, 'pw'), `${PASSWORD}\n`);
    inlineAnswer = ansibleVault(['encrypt_string', '--vault-password-file', join(d, 'pw'), 'forty-two', '--name', 'answer']).trimEnd() + '\n';
    for (const kind of KINDS) {
      const f = join(d, kind.name.replace(/\W/g, '_'));
      writeFileSync(f, kind.head + 'answer: 42\n'.replace(/^/, ' '.repeat(kind.indent)));
      ansibleVault(['encrypt', '--vault-password-file', join(d, 'pw'), f]);
      vaultedFiles.set(kind.name, readFileSync(f, 'utf8'));
    }
  });
  const make = (...a: Parameters<typeof project>) => {
    const p = project(...a);
    dirs.push(p.dir);
    return p;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const kind of KINDS) {
    describe(kind.name, () => {
      it('a key written twice in one mapping is an error naming both places', async () => {
        const p = make(kind, 'answer: 1\nother: 2\nanswer: 3\n');
        const e = await refusal(load(kind, p.dir));
        const first = `${p.file}:${p.line1}:${p.col1}`;
        const second = `${p.file}:${p.line1 + 2}:${p.col1}`;
        expect(e.where).to.deep.equal({ file: p.file, line: p.line1 + 2, col: p.col1 });
        expect(e.describe()).to.equal(
          `${second}: duplicate key "answer": written at ${first} and again at ${second}; YAML would keep only the last one silently, so remove or rename one of them`,
        );
      });

      it('a UTF-8 byte order mark is accepted', async () => {
        const p = make(kind, 'answer: 42\n', { bom: true });
        if (kind.answer) expect(await kind.answer(p.dir)).to.equal(42);
        else await load(kind, p.dir);
      });

      it('bytes that are not UTF-8 are refused with file:line:col', async () => {
        const p = make(kind, 'answer: 42\nname: caf', { bytes: Buffer.from([0xe9]) });
        const e = await refusal(load(kind, p.dir));
        const col = p.col1 + 'name: caf'.length;
        expect(e.where).to.deep.equal({ file: p.file, line: p.line1 + 1, col });
        expect(e.message).to.equal(`not UTF-8: byte 0xE9 at line ${p.line1 + 1}, column ${col}; save the file as UTF-8`);
      });

      it('a file ansible-vault encrypted is read with the vault password; without it, an error at its first line, never one long string', async () => {
        const p = make(kind, '', { whole: true, bytes: Buffer.from(vaultedFile(kind)) });
        const e = await refusal(load(kind, p.dir));
        expect(e.where).to.deep.equal({ file: p.file, line: 1, col: 1 });
        if (kind.file === 'inv/hosts.yml') {
          // hosts and groups are not secrets: an inventory keeps its secrets in vars files and !vault values
          expect(e.message).to.match(/^an inventory file cannot be vault-encrypted/);
          return;
        }
        expect(e.message).to.match(/^this file is vault-encrypted: give --vault-password-file/);
        if (kind.answer) expect(await kind.answer(p.dir, PASSWORD)).to.equal(42);
        else await load(kind, p.dir, PASSWORD);
      });

      it('an inline !vault value (ansible-vault encrypt_string) is its plaintext; without the password, an error at its line, never the ciphertext', async () => {
        const p = make(kind, `other: 1\n${inlineAnswer}`);
        const e = await refusal(load(kind, p.dir));
        // the vaulted text starts on the line below `answer: !vault |`, indented 10 more
        expect(e.where).to.deep.equal({ file: p.file, line: p.line1 + 2, col: p.col1 + 10 });
        expect(e.message).to.match(/^this !vault value is vault-encrypted: give --vault-password-file/);
        if (kind.answer) expect(await kind.answer(p.dir, PASSWORD)).to.equal('forty-two');
        else await load(kind, p.dir, PASSWORD);
        const wrong = await refusal(load(kind, p.dir, 'not the password'));
        expect(wrong.where).to.deep.equal({ file: p.file, line: p.line1 + 2, col: p.col1 + 10 });
        expect(wrong.message).to.equal('cannot decrypt this !vault value: HMAC mismatch, the vault password is wrong or the text was changed');
      });

      it('an alias bomb is refused at the alias that crosses the bound', async () => {
        const p = make(kind, aliasBomb());
        const e = await refusal(load(kind, p.dir));
        expect(e.message).to.equal('YAML aliases expand to more than 1000000 nodes');
        expect(e.where.file).to.equal(p.file);
        expect(e.where.line).to.be.within(p.line1 + 1, p.line1 + 8);
      });
    });
  }
});
