// On a terminal, progress is drawn with listr2; checked in a real terminal (tmux).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './run-tsplay.js';

const run = promisify(execFile);

describe('e2e: the terminal view', function () {
  this.timeout(60_000);
  let dir: string;
  const session = `tsplay-tty-${process.pid}`;
  before(async function () {
    try {
      await run('tmux', ['-V']);
    } catch {
      console.log('      (skipped: tmux is not installed)');
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-tty-'));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n    ghost: { ansible_host: 127.0.0.1, ansible_port: 1 }\n');
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: a file\n      copy: { dest: "${dir}/out", content: "x" }\n    - name: greet\n      debug: { msg: "hi {{ inventory_hostname }}" }\n    - name: fails\n      command: "sh -c 'echo oops >&2; exit 3'"\n`,
    );
  });
  after(async () => {
    await run('tmux', ['kill-session', '-t', session]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws each task with one line per host, then the recap', async () => {
    const done = join(dir, 'exit');
    // CI=true selects the plain view; this test wants the terminal one
    const cmd = `env -u CI ${process.execPath} ${CLI} run ${dir}/site.yml -i ${dir}/hosts.yml; echo $? > ${done}; sleep 60`;
    await run('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '50', cmd]);
    let code = '';
    for (let i = 0; i < 100 && !code; i++) {
      await new Promise((r) => setTimeout(r, 200));
      code = await readFile(done, 'utf8').catch(() => '');
    }
    const screen = (await run('tmux', ['capture-pane', '-t', session, '-p', '-S', '-200'])).stdout;
    expect(code.trim(), screen).to.equal('4');
    expect(screen).to.match(/✔ TASK \[a file\]|⚠ TASK \[a file\]/);
    expect(screen).to.include('✔ changed: [localhost]');
    expect(screen).to.include('✔ ok: [localhost] => "hi localhost"');
    expect(screen).to.match(/UNREACHABLE: \[ghost\] cannot connect/);
    expect(screen).to.match(/FAILED: \[localhost\] .*\(rc=3\): oops/);
    expect(screen).to.match(/^localhost : ok=2 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0$/m);
    expect(screen).to.match(/^ghost\s+: ok=0 changed=0 unreachable=1 failed=0/m);
  });
});
