// Every file tsplay reads as text is UTF-8: a byte order mark is accepted in each kind of input,
// and a byte that is not UTF-8 is refused with file:line:col before any host is touched, instead
// of reaching the host as U+FFFD. Templates are checked too; `copy` of a binary file keeps its bytes.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { tsplay } from './run-tsplay.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const bom = (text: string) => Buffer.concat([BOM, Buffer.from(text, 'utf8')]);
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const BINARY = Buffer.from([0x00, 0xe9, 0xff, 0xfe, 0xef, 0xbb, 0xbf, 0x80, 0x0a, 0xc3]);

describe('e2e: input encodings', function () {
  this.timeout(120_000);
  let dir: string;
  const p = (rel: string) => join(dir, rel);
  const put = async (rel: string, bytes: Buffer) => {
    await mkdir(dirname(p(rel)), { recursive: true });
    await writeFile(p(rel), bytes);
  };
  const run = (...extra: string[]) =>
    tsplay(['run', p('site.yml'), '-i', p('inv'), '-i', p('web.ini'), '-e', `@${p('extra.yml')}`, '--vault-password-file', p('pw'), ...extra]);

  // every kind of input, each starting with a BOM
  const files: Record<string, Buffer> = {
    'inv/hosts.yml': bom('all:\n  hosts:\n    localhost: { ansible_connection: local, from_inv: "inventory ✓" }\n'),
    'web.ini': bom('[web]\nlocalhost from_ini=ini-ok\n'),
    'inv/group_vars/all.yml': bom('from_group: "group_vars ü"\n'),
    'inv/host_vars/localhost.yml': bom('from_host: host_vars\n'),
    'vars.yml': bom('from_vars_file: vars_files\n'),
    'extra.yml': bom('from_extra: "-e @file"\n'),
    'roles/r1/defaults/main.yml': bom('from_role_default: role defaults\n'),
    'roles/r1/schema.json': bom('{ "type": "object", "properties": { "from_role_default": { "type": "string" } } }\n'),
    'roles/r1/tasks/main.yml': bom('- name: role task\n  set_fact: { from_role: "{{ from_role_default }}, role tasks" }\n'),
    'templates/bom.conf.hbs': bom('value={{ from_group }}\n'),
    'files/blob.bin': BINARY,
    'site.yml': bom(`- hosts: localhost
  gather_facts: false
  vars_files: [vars.yml]
  roles: [r1]
  tasks:
    - copy:
        dest: "{{ out }}/values"
        content: "{{ from_inv }}|{{ from_ini }}|{{ from_group }}|{{ from_host }}|{{ from_vars_file }}|{{ from_extra }}|{{ from_role }}\\n"
    - template: { src: bom.conf.hbs, dest: "{{ out }}/bom.conf" }
    - copy: { src: blob.bin, dest: "{{ out }}/blob.bin" }
`),
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-encodings-'));
    for (const [rel, bytes] of Object.entries(files)) await put(rel, bytes);
    await put('pw', Buffer.from('pw\n'));
    await mkdir(p('out'));
    files['extra.yml'] = bom(`from_extra: "-e @file"\nout: ${p('out')}\n`);
    await put('extra.yml', files['extra.yml']);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a BOM is accepted in every kind of input; a template keeps it; a binary copy keeps its bytes', async () => {
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await readFile(p('out/values'), 'utf8')).to.equal(
      'inventory ✓|ini-ok|group_vars ü|host_vars|vars_files|-e @file|role defaults, role tasks\n',
    );
    expect(await readFile(p('out/bom.conf'))).to.deep.equal(bom('value=group_vars ü\n'));
    expect(await readFile(p('out/blob.bin'))).to.deep.equal(BINARY);
  });

  it('a vault-encrypted vars file with a BOM is read', async () => {
    const e = await tsplay(['vault', 'encrypt', '--vault-password-file', p('pw'), p('inv/group_vars/all.yml')]);
    expect(e.code, e.stderr).to.equal(0);
    try {
      const r = await run();
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(await readFile(p('out/values'), 'utf8')).to.include('|group_vars ü|');
    } finally {
      await put('inv/group_vars/all.yml', files['inv/group_vars/all.yml']!);
    }
  });

  // [file, its content with a Latin-1 é, line, column]; the file is put back after each case
  const refused: [string, string, number, number][] = [
    ['site.yml', '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: { msg: "café" }\n', 4, 25],
    ['inv/hosts.yml', 'all:\n  hosts:\n    localhost: { ansible_connection: local, from_inv: "é" }\n', 3, 56],
    ['web.ini', '[web]\nlocalhost from_ini=é\n', 2, 20],
    ['inv/group_vars/all.yml', '# ok\nfrom_group: "é"\n', 2, 14],
    ['inv/host_vars/localhost.yml', 'from_host: é\n', 1, 12],
    ['vars.yml', 'from_vars_file: vars\nx: [1, 2, "é"]\n', 2, 12],
    ['extra.yml', 'from_extra: é\n', 1, 13],
    ['roles/r1/defaults/main.yml', 'from_role_default: "é"\n', 1, 21],
    ['roles/r1/schema.json', '{ "type": "object", "description": "é" }\n', 1, 37],
    ['roles/r1/tasks/main.yml', '- set_fact: { from_role: "ü" }\n', 1, 27],
  ];
  for (const [rel, text, line, col] of refused) {
    it(`a byte that is not UTF-8 in ${rel} is refused with file:line:col, nothing done`, async () => {
      await rm(p('out/values'), { force: true });
      const bytes = latin1(text);
      await put(rel, bytes);
      try {
        const r = await run();
        expect(r.code, r.stdout + r.stderr).to.equal(4);
        const byte = bytes.find((b) => b >= 0x80)!.toString(16).toUpperCase();
        expect(r.stderr).to.include(`${p(rel)}:${line}:${col}: not UTF-8: byte 0x${byte} at line ${line}, column ${col}; save the file as UTF-8`);
        expect(r.stderr).to.not.match(/\n\s+at /);
        expect(existsSync(p('out/values')), 'nothing ran').to.equal(false);
      } finally {
        await put(rel, files[rel]!);
      }
    });
  }

  it('a vault-encrypted vars file whose plaintext is not UTF-8 is refused', async () => {
    await rm(p('out/values'), { force: true });
    await put('inv/group_vars/all.yml', latin1('from_group: é\n'));
    try {
      expect((await tsplay(['vault', 'encrypt', '--vault-password-file', p('pw'), p('inv/group_vars/all.yml')])).code).to.equal(0);
      const r = await run();
      expect(r.code, r.stdout + r.stderr).to.equal(4);
      expect(r.stderr).to.include(`${p('inv/group_vars/all.yml')}:1:13: not UTF-8: byte 0xE9 at line 1, column 13`);
      expect(existsSync(p('out/values'))).to.equal(false);
    } finally {
      await put('inv/group_vars/all.yml', files['inv/group_vars/all.yml']!);
    }
  });

  // the template's src is literal, so it is read (and refused) before any host, as every static input is
  it('a template that is not UTF-8 is refused before any host naming file:line:col, and the target is not written', async () => {
    await put('templates/bom.conf.hbs', latin1('ok\nvalue=é {{ from_group }}\n'));
    await rm(p('out/bom.conf'), { force: true });
    try {
      const r = await run();
      expect(r.code, r.stdout + r.stderr).to.equal(4);
      expect(r.stderr).to.include(`${p('templates/bom.conf.hbs')}:2:7: not UTF-8: byte 0xE9 at line 2, column 7; save the file as UTF-8`);
      expect(existsSync(p('out/bom.conf'))).to.equal(false);
    } finally {
      await put('templates/bom.conf.hbs', files['templates/bom.conf.hbs']!);
    }
  });
});
