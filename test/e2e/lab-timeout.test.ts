// `timeout:` over SSH on a lab host: the task fails with Ansible's message when its time is up,
// and the command it started is killed on the host (its whole process group), not left running.
import { expect } from 'chai';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const WORKER2 = '10.77.0.22';

describe('e2e: timeout stops a task\'s command over SSH (lab, worker2)', function () {
  this.timeout(120_000);
  let dir: string | undefined;
  const remote = `/tmp/tsplay-timeout-${randomBytes(4).toString('hex')}`;

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(WORKER2, 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-lab-timeout-'));
  });
  after(async () => {
    if (!dir) return;
    await labSsh(WORKER2, `rm -rf ${remote}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('a sleep 30 with timeout: 1 fails with the message, and no process of it is left on the host', async () => {
    const pb = join(dir!, 'timeout.yml');
    // the shell records its process group (sshd made it a session leader) before it sleeps
    await writeFile(
      pb,
      `- hosts: worker2
  gather_facts: false
  tasks:
    - name: too slow
      shell: "mkdir -p ${remote} && echo $$ > ${remote}/pgid && sleep 30 && touch ${remote}/finished"
      timeout: 1
`,
    );
    const r = await tsplay(['run', pb, '-i', join(projectRoot(), 'inventories', 'lab'), '--limit', 'worker2'], { timeoutMs: 90_000 });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stdout).to.include('The task exceeded the timeout of 1 seconds');
    expect(recapOf(r.stdout, 'worker2')).to.include({ failed: 1 });
    // a bounded wait: the kill may still be on its way when the run has ended
    const { stdout } = await labSsh(
      WORKER2,
      `g=$(cat ${remote}/pgid); i=0; while pgrep -g "$g" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; if pgrep -g "$g" >/dev/null; then echo running; else echo gone; fi`,
    );
    expect(stdout.trim()).to.equal('gone');
  });
});
