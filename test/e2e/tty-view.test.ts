// On a terminal, progress is drawn with listr2; checked in a real terminal (tmux): every task,
// host line, failure, recap and timing stays on screen in order at 80 and 160 columns, the recap
// is coloured as Ansible's (not with NO_COLOR, not in a pipe), secrets never show even when a
// line wraps at 24 columns, and control characters from hosts and values are shown, not obeyed.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, rm, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf } from './run-tsplay.js';
import { Terminal } from './terminal.js';

const run = promisify(execFile);

function re(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** each pattern matches a line below the line the one before it matched */
function expectInOrder(screen: string, wanted: (string | RegExp)[]): void {
  const lines = screen.split('\n');
  let at = 0;
  for (const w of wanted) {
    const i = lines.findIndex((l, j) => j >= at && (typeof w === 'string' ? l.includes(w) : w.test(l)));
    if (i < 0) expect.fail(`not on screen (after line ${at + 1}): ${w}\n--- screen ---\n${screen}`);
    at = i + 1;
  }
}

/** the lines of one task's block: from its banner to the next line that is not indented */
function taskBlock(screen: string, banner: string): string[] {
  const lines = screen.split('\n');
  const i = lines.findIndex((l) => l.includes(banner));
  expect(i, `${banner} on screen`).to.be.at.least(0);
  const end = lines.findIndex((l, j) => j > i && !l.startsWith(' '));
  return lines.slice(i + 1, end < 0 ? undefined : end);
}

const T = '\\(\\d+\\.\\d\\ds\\)'; // a host's time: (0.52s)
const RECAP = /^(\S+)( *) : ok=(\d+) changed=(\d+) unreachable=(\d+) failed=(\d+) skipped=(\d+) rescued=(\d+) ignored=(\d+)$/;

describe('e2e: the terminal view', function () {
  this.timeout(180_000);
  let dir: string;
  let term: Terminal;
  before(async function () {
    try {
      await run('tmux', ['-V']);
    } catch {
      console.log('      (skipped: tmux is not installed)');
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-tty-'));
    term = new Terminal(dir);
    await term.start();
  });
  after(async () => {
    await term?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('a small play', () => {
    before(async () => {
      await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n    ghost: { ansible_host: 127.0.0.1, ansible_port: 1 }\n');
      await writeFile(
        join(dir, 'site.yml'),
        `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: a file\n      copy: { dest: "${dir}/out", content: "x" }\n    - name: greet\n      debug: { msg: "hi {{ inventory_hostname }}" }\n    - name: fails\n      command: "sh -c 'echo oops >&2; exit 3'"\n`,
      );
    });

    it('draws each task with one line per host, then the recap', async () => {
      const s = await term.tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')], { cols: 120, rows: 50 });
      const screen = s.joined;
      expect(s.code, screen).to.equal(4);
      // a host was unreachable: the task is marked failed
      expect(screen).to.match(/^✖ TASK \[a file\]$/m);
      expect(screen).to.include('✔ changed: [localhost]');
      expect(screen).to.match(new RegExp(`✔ ok: \\[localhost\\] ${T} => "hi localhost"`));
      expect(screen).to.match(new RegExp(`UNREACHABLE: \\[ghost\\] ${T} cannot connect`));
      expect(screen).to.match(/FAILED: \[localhost\] .*\(rc=3\): oops/);
      expect(screen).to.match(/^localhost : ok=2 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0$/m);
      expect(screen).to.match(/^ghost\s+: ok=0 changed=0 unreachable=1 failed=0/m);
    });
  });

  describe('twelve hosts, slow tasks, a loop, a failure, a handler; then --check --diff', () => {
    const hosts = [...Array.from({ length: 11 }, (_, i) => `h${String(i + 1).padStart(2, '0')}`), 'a-much-longer-host-name'];
    const alive = hosts.filter((h) => h !== 'h07');
    let site: string;
    let inv: string;
    before(async () => {
      const d = join(dir, 'many');
      await mkdir(join(d, 'out'), { recursive: true });
      inv = join(d, 'hosts.yml');
      site = join(d, 'site.yml');
      // naps of 0.1 to 0.3 s: every task but the first takes the old view past the point where it stopped drawing
      await writeFile(inv, `all:\n  hosts:\n${hosts.map((h, i) => `    ${h}: { ansible_connection: local, nap: 0.${(i % 3) + 1} }\n`).join('')}`);
      await writeFile(
        site,
        `- hosts: all
  gather_facts: false
  vars:
    version: 1
  tasks:
    - name: quick file
      copy: { dest: "${d}/out/{{ inventory_hostname }}", content: "v{{ version }} {{ inventory_hostname }}\\n" }
      notify: report change
    - name: short naps
      command: "sleep {{ nap }}"
    - name: slow one
      command: sleep 0.8
    - name: loop
      command: "echo {{ item }}"
      loop: [x, y, z]
    - name: one host fails
      command: "sh -c 'echo broke-on-{{ inventory_hostname }} >&2; exit 3'"
      when: inventory_hostname == 'h07'
    - name: after the failure
      debug: { msg: "still here {{ inventory_hostname }}" }
  handlers:
    - name: report change
      command: echo handled
`,
      );
    });

    for (const cols of [80, 160]) {
      it(`${cols} columns: every banner, host line, item, failure and recap line, in order, with times`, async () => {
        await rm(join(dir, 'many', 'out'), { recursive: true, force: true });
        await mkdir(join(dir, 'many', 'out'));
        const s = await term.tsplay(['run', site, '-i', inv], { cols, rows: cols === 80 ? 24 : 40 });
        const screen = s.joined;
        expect(s.code, screen).to.equal(2);
        const changed = (h: string) => new RegExp(`^  ✔ changed: \\[${re(h)}\\] ${T}$`);
        expectInOrder(screen, [
          /^PLAY \[all\]$/,
          /^✔ TASK \[quick file\]$/,
          ...hosts.map(changed),
          /^✔ TASK \[short naps\]$/,
          ...hosts.map(changed),
          /^✔ TASK \[slow one\]$/,
          ...hosts.map(changed),
          /^✔ TASK \[loop\]$/,
          ...hosts.flatMap((h) => [changed(h), ...['x', 'y', 'z'].map((i) => new RegExp(`^    ✔ changed: \\(item=${i}\\)$`))]),
          /^✖ TASK \[one host fails\]$/,
          ...hosts.map((h) =>
            h === 'h07' ? new RegExp(`^  ✖ FAILED: \\[h07\\] ${T} non-zero return code \\(rc=3\\): broke-on-h07$`) : new RegExp(`^  ↓ skipping: \\[${re(h)}\\] ${T}$`),
          ),
          /^✔ TASK \[after the failure\]$/,
          ...alive.map((h) => new RegExp(`^  ✔ ok: \\[${re(h)}\\] ${T} => "still here ${re(h)}"$`)),
          /^✔ RUNNING HANDLER \[report change\]$/,
          ...alive.map(changed),
          /^PLAY RECAP$/,
          ...hosts.map((h) => new RegExp(`^${re(h)} +: ok=${h === 'h07' ? '4 changed=4 unreachable=0 failed=1 skipped=0' : '6 changed=5 unreachable=0 failed=0 skipped=1'} rescued=0 ignored=0$`)),
          /^SLOWEST TASKS$/,
        ]);
        // each host's time: the 0.8 s command cannot have taken less
        for (const line of taskBlock(screen, 'TASK [slow one]')) expect(Number(/\((\d+\.\d\d)s\)/.exec(line)?.[1]), line).to.be.at.least(0.8);
        // profile_tasks' summary: longest first, the 0.8 s task among them
        const slow = screen.split('\n').slice(screen.split('\n').indexOf('SLOWEST TASKS') + 1).map((l) => /^(.*\S) -+ (\d+\.\d\d)s$/.exec(l)).filter((m) => m !== null);
        expect(slow.length, screen).to.be.within(3, 5);
        const times = slow.map((m) => Number(m[2]));
        expect(times, screen).to.deep.equal([...times].sort((a, b) => b - a));
        expect(Number(slow.find((m) => m[1] === 'slow one')?.[2]), screen).to.be.at.least(0.8);
        // the recap: one width for every host name, so the colons line up
        const recap = screen.split('\n').filter((l) => RECAP.test(l));
        expect(recap).to.have.length(hosts.length);
        expect(new Set(recap.map((l) => l.indexOf(' : ')))).to.have.property('size', 1);
        // coloured as Ansible's: the host by its worst outcome, a count only when it is not 0
        const h07 = s.coloured.split('\n').find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').startsWith('h07 '))!;
        expect(h07).to.match(/\x1b\[31mh07\x1b\[39m/);
        expect(h07).to.match(/\x1b\[32mok=4\x1b\[39m \x1b\[33mchanged=4\x1b\[39m unreachable=0 \x1b\[31mfailed=1\x1b\[39m skipped=0/);
        const h01 = s.coloured.split('\n').find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').startsWith('h01 '))!;
        expect(h01).to.match(/\x1b\[33mh01\x1b\[39m +: \x1b\[32mok=6\x1b\[39m \x1b\[33mchanged=5\x1b\[39m unreachable=0 failed=0 \x1b\[36mskipped=1\x1b\[39m rescued=0 ignored=0/);
      });

      it(`${cols} columns, --check --diff (NO_COLOR set): every banner, host line and diff, in order, without colour`, async () => {
        const s = await term.tsplay(['run', site, '-i', inv, '--check', '--diff', '-e', 'version=2'], { cols, rows: cols === 80 ? 24 : 40, env: { NO_COLOR: '1' } });
        const screen = s.joined;
        expect(s.code, screen).to.equal(0);
        const skipping = (h: string) => new RegExp(`^  ↓ skipping: \\[${re(h)}\\] ${T}$`);
        const file = (h: string) => `${join(dir, 'many', 'out')}/${h}`;
        expectInOrder(screen, [
          /^✔ TASK \[quick file\]$/,
          ...hosts.map((h) => new RegExp(`^  ✔ changed: \\[${re(h)}\\] ${T}$`)),
          ...hosts.flatMap((h) => [`--- before: ${file(h)}`, `+++ after: ${file(h)}`, `-v1 ${h}`, `+v2 ${h}`]),
          /^✔ TASK \[short naps\]$/,
          ...hosts.map(skipping),
          /^✔ TASK \[slow one\]$/,
          ...hosts.map(skipping),
          /^✔ TASK \[loop\]$/,
          ...hosts.map(skipping),
          /^✔ TASK \[one host fails\]$/,
          ...hosts.map(skipping),
          /^✔ TASK \[after the failure\]$/,
          ...hosts.map((h) => new RegExp(`^  ✔ ok: \\[${re(h)}\\] ${T} => "still here ${re(h)}"$`)),
          /^✔ RUNNING HANDLER \[report change\]$/,
          ...hosts.map(skipping),
          /^PLAY RECAP$/,
          ...hosts.map((h) => new RegExp(`^${re(h)} +: ok=2 changed=1 unreachable=0 failed=0 skipped=5 rescued=0 ignored=0$`)),
          /^SLOWEST TASKS$/,
        ]);
        expect(s.coloured, 'no colour with NO_COLOR').to.not.match(/\x1b\[[0-9;]*m/);
      });
    }

    it('piped (the plain view): Ansible lines, the recap parseable, the slowest tasks, no colour', async () => {
      await rm(join(dir, 'many', 'out'), { recursive: true, force: true });
      await mkdir(join(dir, 'many', 'out'));
      const r = await tsplay(['run', site, '-i', inv]);
      expect(r.code, r.stdout).to.equal(2);
      expect(r.stdout).to.not.include('\x1b');
      expect(recapOf(r.stdout, 'h07')).to.deep.include({ ok: 4, changed: 4, failed: 1 });
      expect(recapOf(r.stdout, 'a-much-longer-host-name')).to.deep.include({ ok: 6, changed: 5, skipped: 1 });
      expectInOrder(r.stdout, [/^PLAY RECAP \*+$/, /^h01 +: ok=6/, /^SLOWEST TASKS \*+$/, /^\S.* -+ \d+\.\d\ds$/]);
      expect(r.stdout).to.match(/^slow one -+ (\d+\.\d\d)s$/m);
      expect(Number(/^slow one -+ (\d+\.\d\d)s$/m.exec(r.stdout)![1])).to.be.at.least(0.8);
    });
  });

  describe('-v flags and debug in the live view', () => {
    let d: string;
    before(async () => {
      d = join(dir, 'verbose');
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
      await writeFile(
        join(d, 'site.yml'),
        `- hosts: all
  gather_facts: false
  vars:
    x: { a: 1, b: [2, 3] }
  tasks:
    - name: say
      command: echo said-it
    - name: show x
      debug: var=x
    - name: loop
      debug: { msg: "item {{ item }}" }
      loop: [1, 2]
    - name: at one
      debug: { msg: "said at -v", verbosity: 1 }
`,
      );
    });

    it('-vv: results after "=>", task paths; debug var= as indented JSON, a loop\'s messages, verbosity: honoured', async () => {
      const s = await term.tsplay(['run', join(d, 'site.yml'), '-i', join(d, 'hosts.yml'), '-vv'], { cols: 200, rows: 50 });
      expect(s.code, s.joined).to.equal(0);
      expectInOrder(s.joined, [
        /^✔ TASK \[say\]$/,
        /^  task path: \S*site\.yml:6$/,
        new RegExp(`^  ✔ changed: \\[localhost\\] ${T} => \\{"changed": true, "cmd": \\["echo", "said-it"\\], .*"rc": 0, .*"stdout": "said-it"`),
        /^✔ TASK \[show x\]$/,
        /^  task path: \S*site\.yml:8$/,
        new RegExp(`^  ✔ ok: \\[localhost\\] ${T} => \\{$`),
        /^        "x": \{$/,
        /^            "a": 1,$/,
        /^            "b": \[$/,
        /^                2,$/,
        /^    \}$/,
        /^✔ TASK \[loop\]$/,
        /^    ✔ ok: \(item=1\) => "item 1"$/,
        /^    ✔ ok: \(item=2\) => "item 2"$/,
        /^✔ TASK \[at one\]$/,
        new RegExp(`^  ✔ ok: \\[localhost\\] ${T} => "said at -v"$`),
        /^PLAY RECAP$/,
      ]);
      expect(s.joined).to.not.include('debug prints only');
      expect(s.joined).to.not.include('<localhost>');
    });

    it('no -v: no results, no paths; verbosity: 1 skipped', async () => {
      const s = await term.tsplay(['run', join(d, 'site.yml'), '-i', join(d, 'hosts.yml')], { cols: 200, rows: 50 });
      expect(s.code, s.joined).to.equal(0);
      expect(s.joined).to.match(new RegExp(`^  ✔ changed: \\[localhost\\] ${T}$`, 'm'));
      expect(s.joined).to.not.include('task path:');
      expect(s.joined).to.not.include('said at -v');
      expectInOrder(s.joined, [/^✔ TASK \[show x\]$/, new RegExp(`^  ✔ ok: \\[localhost\\] ${T} => \\{$`), /^        "x": \{$/, /^✔ TASK \[at one\]$/, new RegExp(`^  ↓ skipping: \\[localhost\\] ${T}$`)]);
    });

    it('-vvv: the connection and each command under the host\'s line', async () => {
      const s = await term.tsplay(['run', join(d, 'site.yml'), '-i', join(d, 'hosts.yml'), '-vvv'], { cols: 200, rows: 50 });
      expect(s.code, s.joined).to.equal(0);
      expectInOrder(s.joined, [/^✔ TASK \[say\]$/, /^    <localhost> ESTABLISH LOCAL CONNECTION/, /^    <localhost> EXEC .*echo said-it/, /^  ✔ changed: \[localhost\]/]);
    });
  });

  describe('questions on the terminal: -k, -K, --ask-vault-pass, --step', () => {
    let d: string;
    before(async () => {
      d = join(dir, 'ask');
      await mkdir(join(d, 'out'), { recursive: true });
      await writeFile(join(d, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    });

    it('-k -K: asked in turn with nothing echoed, used as ansible_password / ansible_become_password, never shown', async () => {
      await writeFile(
        join(d, 'pw.yml'),
        `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: keep them\n      copy: { dest: "${d}/out/pw", content: "{{ ansible_password }} {{ ansible_become_password }}" }\n    - name: show them\n      debug: { msg: "ssh {{ ansible_password }} become {{ ansible_become_password }}" }\n`,
      );
      const s = await term.tsplay(['run', join(d, 'pw.yml'), '-i', join(d, 'hosts.yml'), '-k', '-K'], {
        cols: 120,
        rows: 40,
        answers: [
          { after: 'SSH password:', keys: ['typed-ssh-pass-4711', 'Enter'] },
          { after: 'BECOME password[defaults to SSH password]:', keys: ['typed-become-pass-0815', 'Enter'] },
        ],
      });
      expect(s.code, s.joined).to.equal(0);
      expect(await readFile(join(d, 'out', 'pw'), 'utf8')).to.equal('typed-ssh-pass-4711 typed-become-pass-0815');
      expect(s.joined).to.match(/^SSH password: *$/m);
      expect(s.joined).to.match(/^BECOME password\[defaults to SSH password\]: *$/m);
      expect(s.joined).to.include('=> "ssh ******** become ********"');
      expect(s.joined).to.not.match(/typed-ssh|typed-become/);
    });

    it('--ask-vault-pass: the password asked with nothing echoed decrypts the vault file', async () => {
      await writeFile(join(d, 'vpw'), 'asked-vault-pass-99\n');
      await writeFile(join(d, 'vaulted.yml'), 'hidden_value: forty-two\n');
      const enc = await tsplay(['vault', 'encrypt', '--vault-password-file', join(d, 'vpw'), join(d, 'vaulted.yml')]);
      expect(enc.code, enc.stderr).to.equal(0);
      await writeFile(join(d, 'vault.yml'), `- hosts: all\n  gather_facts: false\n  vars_files: [${join(d, 'vaulted.yml')}]\n  tasks:\n    - name: keep\n      copy: { dest: "${d}/out/vaulted", content: "{{ hidden_value }}" }\n    - name: show\n      debug: { msg: "got {{ hidden_value }}" }\n`);
      const s = await term.tsplay(['run', join(d, 'vault.yml'), '-i', join(d, 'hosts.yml'), '--ask-vault-pass'], {
        cols: 120,
        rows: 40,
        answers: [{ after: 'Vault password:', keys: ['asked-vault-pass-99', 'Enter'] }],
      });
      expect(s.code, s.joined).to.equal(0);
      expect(await readFile(join(d, 'out', 'vaulted'), 'utf8')).to.equal('forty-two');
      // a vaulted value is a secret
      expect(s.joined).to.include('=> "got ********"');
      expect(s.joined).to.match(/^Vault password: *$/m);
      expect(s.joined).to.not.include('asked-vault-pass');
    });

    it('--step: n skips the task, y runs it, c runs it and every later one without asking', async () => {
      const tasks = ['one', 'two', 'three', 'four'];
      await writeFile(
        join(d, 'step.yml'),
        `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.map((t) => `    - name: ${t}\n      copy: { dest: "${d}/out/${t}", content: "${t}" }\n`).join('')}`,
      );
      const s = await term.tsplay(['run', join(d, 'step.yml'), '-i', join(d, 'hosts.yml'), '--step'], {
        cols: 120,
        rows: 40,
        answers: [
          { after: 'Perform task: TASK: one (N)o/(y)es/(c)ontinue:', keys: ['n', 'Enter'] },
          { after: 'Perform task: TASK: two (N)o/(y)es/(c)ontinue:', keys: ['y', 'Enter'] },
          { after: 'Perform task: TASK: three (N)o/(y)es/(c)ontinue:', keys: ['c', 'Enter'] },
        ],
      });
      expect(s.code, s.joined).to.equal(0);
      const made = await Promise.all(tasks.map((t) => readFile(join(d, 'out', t), 'utf8').then(() => t, () => undefined)));
      expect(made).to.deep.equal([undefined, 'two', 'three', 'four']);
      expectInOrder(s.joined, [/^Perform task: TASK: one .*: n$/, /^Perform task: TASK: two .*: y$/, /^✔ TASK \[two\]$/, /^Perform task: TASK: three .*: c$/, /^✔ TASK \[three\]$/, /^✔ TASK \[four\]$/, /^localhost : ok=3 changed=3/]);
      expect(s.joined).to.not.include('TASK [one]');
      expect(s.joined).to.not.include('Perform task: TASK: four');
    });

    it('--step, Ctrl-C at the question: the run is interrupted as by the signal (nothing more runs, recap, exit 99)', async () => {
      await rm(join(d, 'out'), { recursive: true, force: true });
      await mkdir(join(d, 'out'));
      const s = await term.tsplay(['run', join(d, 'step.yml'), '-i', join(d, 'hosts.yml'), '--step'], {
        cols: 120,
        rows: 40,
        answers: [
          { after: 'Perform task: TASK: one (N)o/(y)es/(c)ontinue:', keys: ['y', 'Enter'] },
          { after: 'Perform task: TASK: two (N)o/(y)es/(c)ontinue:', keys: ['C-c'] },
        ],
      });
      expect(s.code, s.joined).to.equal(99);
      expectInOrder(s.joined, [/^✔ TASK \[one\]$/, /^\[interrupted/, /^PLAY RECAP$/, /^localhost : ok=1 changed=1/]);
      expect(s.joined).to.not.include('Perform task: TASK: three');
      expect(await readFile(join(d, 'out', 'two'), 'utf8').catch(() => 'absent')).to.equal('absent');
    });
  });

  describe('output written while a task is drawn', () => {
    it('Ctrl-C during a long task: the notice shows and stays, the recap follows, exit 99', async () => {
      const d = join(dir, 'int');
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
      await writeFile(join(d, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: long\n      command: sleep 3\n    - name: never\n      command: "true"\n');
      const s = await term.tsplay(['run', join(d, 'site.yml'), '-i', join(d, 'hosts.yml')], { cols: 100, rows: 30, keys: ['C-c'], keysAfterMs: 1500 });
      expect(s.code, s.joined).to.equal(99);
      expectInOrder(s.joined, [/^\[interrupted: the running tasks get 10 s to finish/, /^✔ TASK \[long\]$/, new RegExp(`^  ✔ changed: \\[localhost\\] ${T}$`), /^\[WARNING\]: interrupted/, /^PLAY RECAP$/, /^localhost : ok=1 changed=1/]);
      expect(s.joined).to.not.include('TASK [never]');
    });
  });

  describe('secrets on a narrow terminal', () => {
    // a value with a space (vault), a 100-character token (tsplay_secret_vars), a no_log argument
    const VAULTED = 'Vault-Pa%%w0rd with space ünïcode';
    const TOKEN = `tok-${'0123456789abcdefghijklmnopqrstuvwxyz'.repeat(3).slice(0, 96)}`;
    const NOLOG = 'no-log-token-98765-zyxw';
    // a tab: a view that escapes it (`\t`) before redacting would no longer find the secret
    const TABBED = 'tab\tseparated-secret-4242';
    let d: string;
    before(async () => {
      d = join(dir, 'sec');
      await mkdir(join(d, 'inv', 'group_vars'), { recursive: true });
      await mkdir(join(d, 'out'));
      await writeFile(join(d, 'inv', 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
      await writeFile(join(d, 'inv', 'group_vars', 'all.yml'), `db_password: ${JSON.stringify(VAULTED)}\n`);
      await writeFile(join(d, 'pw'), 'correct horse battery staple\n');
      const enc = await tsplay(['vault', 'encrypt', '--vault-password-file', join(d, 'pw'), join(d, 'inv', 'group_vars', 'all.yml')]);
      expect(enc.code, enc.stderr).to.equal(0);
      await writeFile(
        join(d, 'site.yml'),
        `- hosts: all
  gather_facts: false
  vars:
    tsplay_secret_vars: [api_token, tabbed]
    api_token: ${TOKEN}
    tabbed: ${JSON.stringify(TABBED)}
    quiet: ${NOLOG}
  tasks:
    - name: a quiet one
      copy: { dest: "${d}/out/nolog", content: "{{ quiet }}" }
      no_log: true
    - name: echo them
      debug: { msg: "db {{ db_password }} api {{ api_token }} quiet {{ quiet }}" }
    - name: config with secrets
      copy: { dest: "${d}/out/app.conf", content: "password={{ db_password }}\\ntoken={{ api_token }}\\n" }
    - name: fails mentioning the secret
      command: "sh -c 'echo {{ api_token }} {{ db_password }} \\"{{ tabbed }}\\" >&2; exit 1'"
      ignore_errors: true
`,
      );
    });

    /** no run of 10 characters of a secret (its spaces removed), in the screen with every space and line break removed */
    function expectNoSecret(screen: string): void {
      const flat = screen.replace(/\s+/g, '');
      for (const secret of [VAULTED, TOKEN, NOLOG, TABBED]) {
        const s = secret.replace(/\s+/g, '');
        for (let i = 0; i + 10 <= s.length; i++) if (flat.includes(s.slice(i, i + 10))) expect.fail(`"${s.slice(i, i + 10)}" of a secret is on screen:\n${screen}`);
      }
    }

    for (const [cols, view] of [[80, 'listr'], [24, 'listr'], [24, 'plain (CI=1)'], [24, 'listr -vvv']] as const) {
      it(`${cols} columns, ${view} view: no secret on screen, not even cut across lines`, async () => {
        await rm(join(d, 'out', 'app.conf'), { force: true });
        const args = ['run', join(d, 'site.yml'), '-i', join(d, 'inv'), '--vault-password-file', join(d, 'pw'), '--diff', ...(view === 'listr -vvv' ? ['-vvv'] : [])];
        const s = await term.tsplay(args, { cols, rows: 40, env: view.startsWith('plain') ? { CI: '1' } : {} });
        expect(s.code, s.joined).to.equal(0);
        expectNoSecret(s.rows);
        expectNoSecret(s.joined);
        // what it did is still shown, with the secrets replaced
        const flat = s.joined.replace(/\s+/g, '');
        expect(flat).to.include('+password=********');
        expect(flat).to.include('db********api********quiet********');
        // -vvv: the failure's whole result (Ansible's, on many lines), its stderr replaced
        expect(flat).to.match(view === 'listr -vvv' ? /FAILED\(ignored\):\[localhost\].*=>\{.*"stderr":"\*{8}/ : view.startsWith('listr') ? /FAILED\(ignored\):\[localhost\].*\(rc=1\):\*{8}/ : /FAILED!.*\*{8}/);
        // -vvv: the command that mentions them is shown, with them replaced
        if (view === 'listr -vvv') expect(flat).to.match(/<localhost>EXEC.*echo\*{8}\*{8}/);
        expect(await readFile(join(d, 'out', 'app.conf'), 'utf8')).to.equal(`password=${VAULTED}\ntoken=${TOKEN}\n`);
      });
    }
  });

  describe('control characters from hosts and values', () => {
    let d: string;
    before(async () => {
      d = join(dir, 'esc');
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
      // OSC 0 sets the window title, CR + "✔ ok" would draw over the line, CSI 2K erases it
      await writeFile(
        join(d, 'site.yml'),
        `- hosts: all
  gather_facts: false
  tasks:
    - name: a label that sets the title
      command: "true"
      loop: ["\\e]2;from-item\\a"]
    - name: hostile stderr
      shell: "printf '\\\\033]0;pwned\\\\007\\\\r✔ ok\\\\033[2K' >&2; exit 1"
`,
      );
    });

    for (const view of ['listr', 'plain (CI=1)'] as const) {
      it(`${view} view: the FAILED line stays, the title is not changed, the escapes are shown`, async () => {
        const s = await term.tsplay(['run', join(d, 'site.yml'), '-i', join(d, 'hosts.yml')], { cols: 160, rows: 40, env: view === 'listr' ? {} : { CI: '1' } });
        expect(s.code, s.joined).to.equal(2);
        expect(s.title).to.not.match(/pwned|from-item/);
        if (view === 'listr') {
          expect(s.joined).to.include('✔ changed: (item=\\x1b]2;from-item\\x07)');
          expect(s.joined).to.match(new RegExp(`^  ✖ FAILED: \\[localhost\\] ${T} non-zero return code \\(rc=1\\): ${re('\\x1b]0;pwned\\x07\\r✔ ok\\x1b[2K')}$`, 'm'));
        } else {
          expect(s.joined).to.include('changed: [localhost] => (item=\\x1b]2;from-item\\x07)');
          expect(s.joined).to.match(/^fatal: \[localhost\]: FAILED! => .*"stderr":"\\u001b\]0;pwned\\u0007\\r✔ ok\\u001b\[2K"/m);
        }
        expect(s.joined).to.match(/^localhost : ok=1 changed=1 unreachable=0 failed=1/m);
      });
    }

    it('an ERROR! line quoting a hostile name: escaped on the terminal, the title unchanged', async () => {
      // the inventory source is named in the error as given: an OSC title sequence and a line erase
      const s = await term.tsplay(['run', join(d, 'site.yml'), '-i', '\x1b]0;err-title\x07\x1b[2Knot-there'], { cols: 160, rows: 40 });
      expect(s.code, s.joined).to.equal(4);
      expect(s.title).to.not.match(/err-title/);
      expect(s.joined).to.match(/^ERROR! .*\\x1b\]0;err-title\\x07\\x1b\[2Knot-there/m);
    });
  });
});
