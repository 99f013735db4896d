// What -v, -vv and -vvv show in both views, as ansible-playbook's default callback: -v each result
// (failures whole, with the command's stdout), -vv also the module's rendered arguments as
// invocation.module_args (secrets replaced, secret parameters masked), -vvv every result indented by
// 4; a loop's debug shows its items only. The plain view piped, the live view in a real terminal (tmux).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';
import { Terminal } from './terminal.js';

const SECRET = 'tok-4711-secret';
const HASH = '$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('e2e: -v, -vv, -vvv as ansible-playbook shows them', function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-verbosity-'));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  vars:
    tsplay_secret_vars: [token]
    token: ${SECRET}
  tasks:
    - name: write
      copy: { dest: "${dir}/out.txt", content: "token={{ token }} here\\n" }
    - name: loop
      debug: { msg: "item {{ item }}" }
      loop: [a, b]
    - name: account
      user: { name: tsplay-vv-nobody, password: "${HASH}" }
      check_mode: true
    - name: fails
      command: sh -c 'echo partial-out; echo bad-thing >&2; exit 3'
`,
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const plain = (...flags: string[]) => tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml'), ...flags], { env: { CI: '1' } });
  const from = (text: string, banner: string) => text.slice(text.indexOf(banner));

  describe('the plain view', () => {
    it('-vv: each result holds invocation.module_args as rendered, the secret replaced, a password parameter masked', async () => {
      const r = await plain('-vv');
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      const write = /^(?:changed|ok): \[localhost\] => (\{.*\})$/m.exec(from(r.stdout, 'TASK [write]'));
      expect(write, r.stdout).to.not.equal(null);
      expect(JSON.parse(write![1]).invocation).to.deep.equal({ module_args: { dest: join(dir, 'out.txt'), content: 'token=******** here\n' } });
      const account = /^(?:changed|ok): \[localhost\] => (\{.*\})$/m.exec(from(r.stdout, 'TASK [account]'));
      expect(JSON.parse(account![1]).invocation.module_args).to.deep.include({ name: 'tsplay-vv-nobody', password: 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' });
      expect(r.stdout).to.not.include(SECRET);
      expect(r.stdout).to.not.include(HASH);
      // -v has no arguments
      expect((await plain('-v')).stdout).to.not.include('invocation');
    });

    it('-vvv: a failure\'s result on many lines, indented by 4, as Ansible prints it above -vv', async () => {
      const r = await plain('-vvv');
      expect(from(r.stdout, 'TASK [fails]')).to.match(/^fatal: \[localhost\]: FAILED! => \{\n    "changed": true,\n    "cmd": \[\n        "sh",\n[^]*\n    "rc": 3,\n[^]*\n    "stdout": "partial-out",\n[^]*\n\}\n/m);
    });
  });

  describe('the live view (tmux)', () => {
    let term: Terminal;
    before(async function () {
      try {
        await promisify(execFile)('tmux', ['-V']);
      } catch {
        this.skip();
      }
      term = new Terminal(dir);
      await term.start();
    });
    after(async () => {
      await term?.stop();
    });
    const live = (...flags: string[]) => term.tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml'), ...flags], { cols: 200, rows: 60 });

    it('-v: a loop\'s debug shows only its items (no "All items completed" block); a failure shows its whole result', async () => {
      const s = await live('-v');
      expect(s.code, s.joined).to.equal(2);
      const loop = from(s.joined, 'TASK [loop]').split('\n').slice(0, 4);
      expect(loop[1], s.joined).to.match(/^ {2}✔ ok: \[localhost\] \(\d+\.\d\ds\)$/);
      expect(loop.slice(2)).to.deep.equal(['    ✔ ok: (item=a) => "item a"', '    ✔ ok: (item=b) => "item b"']);
      expect(s.joined).to.not.include('All items completed');
      expect(s.joined).to.not.include('"results"');
      const failed = /^ {2}✖ FAILED: \[localhost\] \(\d+\.\d\ds\) => (\{.*\})$/m.exec(s.joined);
      expect(failed, s.joined).to.not.equal(null);
      expect(JSON.parse(failed![1])).to.deep.include({ rc: 3, stdout: 'partial-out', stderr: 'bad-thing', msg: 'non-zero return code' });
    });

    it('-vv: the rendered arguments, secret replaced; -vvv: results on many lines', async () => {
      const vv = await live('-vv');
      expect(vv.joined).to.match(/"invocation": \{"module_args": \{"content": "token=\*{8} here\\n", "dest": "[^"]*out\.txt"\}\}/);
      expect(vv.joined).to.include('"password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"');
      expect(vv.joined).to.not.include(SECRET);
      const vvv = await live('-vvv');
      expect(from(vvv.joined, 'TASK [fails]')).to.match(/^ {2}✖ FAILED: \[localhost\] \(\d+\.\d\ds\) => \{\n {8}"changed": true,\n {8}"cmd": \[\n[^]*\n {8}"stdout": "partial-out",\n/m);
    });
  });
});
