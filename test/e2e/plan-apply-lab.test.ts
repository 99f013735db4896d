// Plan, review, apply over SSH on a lab host (worker2), in a private temp directory: the --check
// run with --plan-out changes nothing; apply makes exactly the planned changes; applying the plan
// again changes nothing and says the plan is already true. A file changed by hand between plan
// and apply: apply stops on worker2 before that task, names the file and both digests, changes
// nothing there, and exits 6; the report of that apply (--report) shows it in headless Chromium.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import type { PlanDoc } from '../../engine/plan/types.js';
import { tsplay } from './run-tsplay.js';
import { noBrowser, withReport } from './report-browser.js';
import { LAB, labSsh } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');

function playbook(root: string): string {
  return `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: app port
      lineinfile: {path: ${root}/app.conf, regexp: "^port=", line: "port=8080"}
    - name: settings
      copy: {dest: ${root}/settings.conf, content: "a=1\\n"}
    - name: settings mode
      file: {path: ${root}/settings.conf, mode: "0600"}
    - name: data dir
      file: {path: ${root}/data, state: directory, mode: "0750"}
    - name: marker
      command: touch ${root}/data/ready
      args: {creates: ${root}/data/ready}
`;
}

describe('e2e: plan, review, apply on worker2', function () {
  this.timeout(300_000);
  let root = '';
  let dir = '';

  const fresh = () => labSsh(IP, `rm -rf -- '${root}' && mkdir -p '${root}' && printf 'port=80\\n' > '${root}/app.conf' && chmod 0644 '${root}/app.conf'`);
  const tree = async () => (await labSsh(IP, `cd '${root}' && find . -printf '%p %y %m %s\\n' | sort && echo --- && cat app.conf`)).stdout;

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      root = (await labSsh(IP, 'mktemp -d /tmp/tsplay-plan.XXXXXX', 15_000)).stdout.trim();
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message})`);
      return this.skip();
    }
    expect(root).to.match(/^\/tmp\/tsplay-plan\./);
    dir = await mkdtemp(join(tmpdir(), 'tsplay-plan-lab-'));
    await writeFile(join(dir, 'pb.yml'), playbook(root));
  });
  after(async () => {
    if (root) await labSsh(IP, `rm -rf -- '${root}'`).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plans without changing anything, applies exactly the plan, and a second apply is all no-ops', async () => {
    await fresh();
    const before = await tree();
    const plan = await tsplay(['run', 'pb.yml', '-i', INV, '--limit', HOST, '--check', '--plan-out', 'plan.json'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    expect(await tree(), 'the plan run left the host alone').to.equal(before);
    const doc = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanDoc;
    expect(doc.entries.map((e) => `${e.host} | ${e.task} | ${e.outcome}`)).to.deep.equal([
      `${HOST} | app port | change`,
      `${HOST} | settings | change`,
      `${HOST} | settings mode | change`,
      `${HOST} | data dir | change`,
      `${HOST} | marker | change`,
    ]);
    // the port's file read from the host; the settings file's mode from the settings task's prediction
    expect(doc.entries[0].reads?.some((r) => r.sha256 && JSON.stringify(r.args).includes('app.conf'))).to.equal(true);
    expect(doc.entries[2].reads?.find((r) => JSON.stringify(r.args).includes('settings.conf'))?.followsFrom).to.equal('pb.yml:6:7 settings');
    expect(doc.entries[0].change?.diffs?.[0]).to.deep.include({ path: `${root}/app.conf`, before: 'port=80\n', after: 'port=8080\n' });

    const apply = await tsplay(['apply', 'plan.json'], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(apply.stdout).to.contain('applied as planned: every change made is the one planned');
    expect(apply.stdout).to.match(new RegExp(`${HOST}\\s+: ok=5 changed=5 `));
    const after = await tree();
    expect(after).to.contain('./settings.conf f 600 4');
    expect(after).to.contain('./data d 750 ');
    expect(after).to.contain('./data/ready f ');
    expect(after).to.contain('---\nport=8080\n');

    const again = await tsplay(['apply', 'plan.json'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(again.stdout).to.match(new RegExp(`${HOST}\\s+: ok=5 changed=0 `));
    expect(again.stdout).to.contain('the plan is already true');
    expect(await tree()).to.equal(after);
  });

  it('a file changed by hand on worker2 after the plan: apply stops there naming the file, changes nothing, exits 6', async () => {
    await fresh();
    const plan = await tsplay(['run', 'pb.yml', '-i', INV, '--limit', HOST, '--check', '--plan-out', 'drift.json'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    await labSsh(IP, `printf 'port=81\\n' > '${root}/app.conf'`);
    const before = await tree();
    const report = join(dir, 'drift.html');
    const apply = await tsplay(['apply', 'drift.json', '--report', report], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).to.equal(6);
    const line = apply.stdout.split('\n').find((l) => l.startsWith(`DRIFT on ${HOST}:`));
    expect(line, apply.stdout).to.not.equal(undefined);
    expect(line).to.contain('task "app port" (pb.yml:4:7)');
    expect(line).to.match(new RegExp(`file_content ${root.replace(/\./g, '\\.')}/app\\.conf is sha256 [0-9a-f]{64} now, [0-9a-f]{64} in the plan`));
    expect(apply.stdout).to.match(new RegExp(`${HOST}\\s+: ok=0 changed=0 unreachable=0 failed=1 `));
    expect(await tree(), 'nothing changed on worker2').to.equal(before);
    // the report of that apply, as a person opens it: the drifted host's planned changes not applied
    if (await noBrowser()) return;
    const seen = await withReport(report, {}, (page) =>
      page.evaluate(() => ({
        rows: [...document.querySelectorAll('#plan tbody tr')].map((tr) => `${[...tr.querySelectorAll('td')].map((td) => td.textContent ?? '').join(' | ')}${tr.classList.contains('mismatch') ? ' (marked)' : ''}`),
        text: document.body.innerText,
      })),
    );
    expect(seen.rows).to.include(`app port | ${HOST} | yes | no (marked)`);
    expect(seen.text).to.contain('drift since the plan');
    expect(seen.text).to.contain(HOST);
  });
});
