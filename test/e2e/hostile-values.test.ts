// Hostile values on a lab host, over SSH: quotes, $(…), backticks, ;, newlines, globs, leading
// dashes, non-UTF-8 bytes and very long strings go through every module that builds a command.
// Nothing is injected (a canary that each value tries to create never appears, on the host or
// the controller) and each value arrives byte for byte (read back through the host's overlay
// from the controller, so the check itself involves no shell). Run twice: changed=0, and --check
// after it predicts nothing.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm, access, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const run = promisify(execFile);
const INV = join(projectRoot(), 'inventories', 'lab');
const HOST = 'worker1';
const HOST_IP = '10.77.0.21';
const BASE = '/srv/tsplay-evil';
const CANARY = '/root/tsplay-canary';
const onHost = (path: string) => join(LAB, 'hosts', HOST, 'root', path);
const exists = (p: string) => access(p).then(() => true, () => false);

function evilValues(): string[] {
  const c = CANARY;
  return [
    `$(touch ${c})`,
    `\`touch ${c}\``,
    `; touch ${c};`,
    `x\ntouch ${c}\n`,
    `' ; touch ${c}; '`,
    `" ; touch ${c}; "`,
    `a'b"c\\d`,
    `&& touch ${c} &`,
    `| touch ${c}`,
    `> ${c}`,
    `*`,
    `?[a-z]*`,
    `~root $HOME \${PATH}`,
    `-rf`,
    `--help`,
    `tab\there  two  spaces`,
    `\r\v\f%s%n\\x41\\0`,
    `ünïcödé ✓ ${'\u00ff\u0080'}`,
    `${'n'.repeat(200)} $(touch ${c})`,
  ];
}

const PLAYBOOK = `- hosts: ${HOST}
  gather_facts: false
  vars:
    base: ${BASE}
  tasks:
    - file: { path: "{{ base }}", state: directory }
    - name: directories named with each value
      file: { path: "{{ base }}/d{{ idx }}/{{ item.v }}", state: directory, mode: "0700" }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: a file named and filled with each value
      copy: { dest: "{{ base }}/d{{ idx }}/{{ item.v }}/{{ item.name }}", content: "{{ item.v }}" }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: a template rendering each value
      template: { src: evil.hbs, dest: "{{ base }}/d{{ idx }}/{{ item.v }}/rendered" }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: each value as a line
      lineinfile: { path: "{{ base }}/d{{ idx }}/{{ item.v }}/lines", line: "{{ item.line }}", create: true }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: each value as a block with a marker
      blockinfile: { path: "{{ base }}/d{{ idx }}/{{ item.v }}/blocks", block: "{{ item.v }}", marker: "# {mark} {{ item.line }}", create: true }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: each value as an argv word
      command: { argv: [printf, "%s", "{{ item.v }}"], strip_empty_ends: false }
      loop: "{{ cases }}"
      register: evil_argv
      changed_when: false
      check_mode: false
      failed_when: evil_argv.stdout != item.v
    - name: each value on stdin
      command: { argv: [cat], stdin: "{{ item.v }}", stdin_add_newline: false, strip_empty_ends: false }
      loop: "{{ cases }}"
      register: evil_stdin
      changed_when: false
      check_mode: false
      failed_when: evil_stdin.stdout != item.v
    - name: each value as chdir of a shell
      shell: { cmd: pwd, chdir: "{{ base }}/d{{ idx }}/{{ item.v }}", strip_empty_ends: false }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
      register: evil_pwd
      changed_when: false
      check_mode: false
      failed_when: evil_pwd.stdout != base + '/d' + string(idx) + '/' + item.v + '\\n'
    - name: each value as chdir and creates of a command
      command: { argv: [touch, made], chdir: "{{ base }}/d{{ idx }}/{{ item.v }}", creates: made }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: stat of each value's file
      stat: { path: "{{ base }}/d{{ idx }}/{{ item.v }}/{{ item.name }}" }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
      register: evil_stat
      failed_when: "!evil_stat.stat.exists"
    - name: wait_for each value's file
      wait_for: { path: "{{ base }}/d{{ idx }}/{{ item.v }}/{{ item.name }}", timeout: 5 }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: fetch each value's file back to the controller
      fetch: { src: "{{ base }}/d{{ idx }}/{{ item.v }}/{{ item.name }}", dest: "{{ fetch_dir }}/f{{ idx }}", flat: true }
      loop: "{{ cases }}"
      loop_control: { index_var: idx }
    - name: non-UTF-8 bytes, byte for byte
      copy: { src: "{{ binary_src }}", dest: "{{ base }}/binary" }
    - name: a very long value as content, argv word and stdin
      copy: { dest: "{{ base }}/long", content: "{{ long }}" }
    - command: { argv: [printf, "%s", "{{ long }}"] }
      register: evil_long
      changed_when: false
      check_mode: false
      failed_when: evil_long.stdout != long
    - command: { argv: [wc, -c], stdin: "{{ long }}", stdin_add_newline: false }
      register: evil_long_wc
      changed_when: false
      check_mode: false
      failed_when: evil_long_wc.stdout != string(size(long))
    # modules whose names reach a command: each value is refused or not found, never run
    - name: a service named with each value
      service: { name: "{{ item.v }}", state: started }
      loop: "{{ cases }}"
      register: evil_service
      ignore_errors: true
    - name: a kernel module named with each value
      modprobe: { name: "{{ item.v }}" }
      loop: "{{ cases }}"
      register: evil_modprobe
      ignore_errors: true
    - name: a package named with each value
      apt: { name: "{{ item.v }}", state: present }
      loop: "{{ cases }}"
      register: evil_apt
      ignore_errors: true
    - name: a sysctl named with each value
      sysctl: { name: "{{ item.v }}", value: "1", sysctl_file: "{{ base }}/sysctl.conf", reload: false }
      loop: "{{ cases }}"
      register: evil_sysctl
      ignore_errors: true
    # (under --check a unit or package that is not there yet is a predicted change, not a failure)
    - name: none of them succeeded
      when: "!ansible_check_mode"
      assert:
        that:
          - evil_service.results.all(r, has(r.failed) && r.failed)
          - evil_modprobe.results.all(r, has(r.failed) && r.failed)
          - evil_apt.results.all(r, has(r.failed) && r.failed)
          - evil_sysctl.results.all(r, has(r.failed) && r.failed)
`;

describe('e2e: hostile values on a lab host', function () {
  this.timeout(600_000);
  let dir: string;
  const values = evilValues();
  const cases = values.map((v, i) => ({ v, line: v.replaceAll('\n', ' '), name: `${v.replaceAll('/', '_')}.${i}` }));
  const long = 'L$(touch /root/tsplay-canary)'.repeat(3000); // 87 KB: a single argv word under MAX_ARG_STRLEN
  const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7 + 128) % 256));

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(HOST_IP, `rm -rf ${BASE} ${CANARY}`, 30_000);
    } catch {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-evil-'));
    await writeFile(join(dir, 'evil.hbs'), 'v={{ item.v }}\n');
    await writeFile(join(dir, 'binary.bin'), binary);
    await writeFile(join(dir, 'site.yml'), PLAYBOOK.replace('template: { src: evil.hbs', `template: { src: ${join(dir, 'evil.hbs')}`));
    await writeFile(join(dir, 'vars.json'), JSON.stringify({ cases, long, binary_src: join(dir, 'binary.bin'), fetch_dir: join(dir, 'fetched') }));
  });
  after(async () => {
    if (!dir) return;
    await labSsh(HOST_IP, `rm -rf ${BASE}`, 30_000).catch(() => undefined);
    if (!process.env.TSPLAY_KEEP_TMP) await rm(dir, { recursive: true, force: true });
  });

  const canaries = async () => {
    const found: string[] = [];
    for (const p of [onHost(CANARY), CANARY]) if (await exists(p)) found.push(p);
    // anywhere on the host's own files (the test's own directories named after the values excepted)
    const { stdout } = await run('find', [join(LAB, 'hosts', HOST, 'upper'), '-path', `*${BASE}`, '-prune', '-o', '-name', 'tsplay-canary', '-print']);
    return [...found, ...stdout.split('\n').filter(Boolean)];
  };

  it('every value arrives byte for byte and nothing is injected', async () => {
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', INV, '-e', `@${join(dir, 'vars.json')}`]);
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    expect(await canaries()).to.deep.equal([]);
    expect(recapOf(r.stdout, HOST)?.failed).to.equal(0);
    // 4 modules × values, each failed and ignored
    expect(recapOf(r.stdout, HOST)?.ignored).to.equal(4);
    for (const [i, c] of cases.entries()) {
      const d = onHost(join(BASE, `d${i}`, c.v));
      expect(await readFile(join(d, c.name), 'utf8'), `copy ${JSON.stringify(c.v)}`).to.equal(c.v);
      expect(await readFile(join(d, 'rendered'), 'utf8')).to.equal(`v=${c.v}\n`);
      expect(await readFile(join(d, 'lines'), 'utf8')).to.equal(`${c.line}\n`);
      expect(await readFile(join(d, 'blocks'), 'utf8')).to.equal(`# BEGIN ${c.line}\n${c.v}${c.v.endsWith('\n') ? '' : '\n'}# END ${c.line}\n`);
      expect((await readdir(d)).sort()).to.deep.equal([c.name, 'blocks', 'lines', 'made', 'rendered'].sort());
      expect(await readFile(join(dir, 'fetched', `f${i}`), 'utf8')).to.equal(c.v);
    }
    expect((await readdir(onHost(BASE))).filter((f) => !/^d\d+$/.test(f)).sort()).to.deep.equal(['binary', 'long']);
    expect(Buffer.compare(await readFile(onHost(join(BASE, 'binary'))), binary)).to.equal(0);
    expect(await readFile(onHost(join(BASE, 'long')), 'utf8')).to.equal(long);
  });

  it('a second run changes nothing and --check after it predicts nothing', async () => {
    const again = await tsplay(['run', join(dir, 'site.yml'), '-i', INV, '-e', `@${join(dir, 'vars.json')}`]);
    expect(again.code, again.stdout.slice(-3000)).to.equal(0);
    expect(recapOf(again.stdout, HOST)?.changed, again.stdout.slice(-3000)).to.equal(0);
    const check = await tsplay(['run', join(dir, 'site.yml'), '-i', INV, '-e', `@${join(dir, 'vars.json')}`, '--check']);
    expect(check.code, check.stdout.slice(-3000)).to.equal(0);
    // --check cannot know that nothing installs a unit or a kernel module before its turn, so for
    // the values that are valid names ("-rf", "--help") it predicts "would start/load" where the
    // real run fails (ignored, as every item of those loops must fail); an ignored failure that
    // holds a change counts as changed, as in Ansible. Nothing else may be predicted to change.
    const changed = check.stdout.split('\n').filter((l) => l.startsWith('changed:'));
    const unknowable = /^changed: \[[^\]]+\] => \(item=\{"v":"(-rf|--help)"/;
    expect(changed.filter((l) => !unknowable.test(l)), check.stdout.slice(-3000)).to.deep.equal([]);
    expect(recapOf(check.stdout, HOST)?.changed, check.stdout.slice(-3000)).to.be.at.most(2);
    expect(await canaries()).to.deep.equal([]);
  });
});
