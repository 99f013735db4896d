// --report of a run over SSH on a lab host (worker2, in a private directory): Chromium opens the
// report and finds the host, its facts and every task on the timeline, every change with its diff,
// the failure with its message, a tooltip on hover, and no secret anywhere in the file.
import { expect } from 'chai';
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tsplay, recapOf, type CliResult } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';
import { EXTERNAL, isPng, noBrowser, viewReport, type ReportView } from './report-browser.js';

const WORKER2 = '10.77.0.22';

describe('e2e: the HTML run report of a lab run (worker2), in a browser', function () {
  this.timeout(300_000);
  const id = randomBytes(4).toString('hex');
  const remote = `/tmp/tsplay-report-${id}`;
  const secret = `Lab-secret-${id}`;
  const failure = `no-such-volume-${id}`;
  let dir: string | undefined;
  let run: CliResult;
  let report: string;
  let html: Buffer;
  let view: ReportView;
  let shot: string;

  before(async function () {
    const why = await noBrowser();
    if (why) {
      console.log(`      (skipped: ${why})`);
      this.skip();
    }
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(WORKER2, 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-report-lab-'));
    // an inventory of its own (worker2 only): its run lock is not the lab inventory's
    await writeFile(
      join(dir, 'hosts.yml'),
      `all:
  hosts:
    worker2:
      ansible_host: ${WORKER2}
      ansible_user: root
      ansible_ssh_private_key_file: ${LAB}/id_ed25519
      ansible_ssh_known_hosts_file: ${LAB}/known_hosts
  vars:
    tsplay_secret_vars: [app_secret]
    app_secret: ${secret}
`,
    );
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: worker2
  gather_facts: true
  tasks:
    - name: the app directory
      file: { path: ${remote}, state: directory, mode: "0750" }
    - name: the app config
      copy:
        dest: ${remote}/app.conf
        content: "listen=8080\\nsecret={{ app_secret }}\\n"
    - name: read it back
      command: cat ${remote}/app.conf
      changed_when: false
    - name: an optional volume
      command: ls /${failure}-optional
      ignore_errors: true
    - name: mount the volume
      command: "sh -c 'echo ${failure} >&2; exit 4'"
`,
    );
    report = join(dir, 'report.html');
    run = await tsplay(['run', '-i', join(dir, 'hosts.yml'), join(dir, 'site.yml'), '--report', report], { timeoutMs: 240_000 });
    html = await readFile(report);
    shot = join(dir, 'report.png');
    view = await viewReport(report, { screenshot: shot, hover: { host: 'worker2', task: 'the app config' } });
  });
  after(async () => {
    if (!dir) return;
    await labSsh(WORKER2, `rm -rf ${remote}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('the run fails on the last task (exit 2); the report is written, mode 0600', async () => {
    expect(run.code, run.stdout + run.stderr).to.equal(2);
    expect(recapOf(run.stdout, 'worker2')).to.include({ failed: 1, ignored: 1, unreachable: 0 });
    expect((await stat(report)).mode & 0o777).to.equal(0o600);
  });

  it("the summary's figures are the recap's", () => {
    const recap = recapOf(run.stdout, 'worker2')!;
    expect(view.cards).to.deep.include({ hosts: '1', changed: String(recap.changed), failed: '1', unreachable: '0', 'exit code': '2' });
    expect(view.cards.duration).to.match(/^\d+\.\d\ds$/);
  });

  it('the host is in the summary and on the timeline, one bar per task, each saying its task and time', () => {
    expect(view.recapHosts).to.deep.equal(['worker2']);
    expect(view.timeline.worker2.map((b) => `${b.task}=${b.status}`)).to.deep.equal([
      'Gathering Facts=ok',
      'the app directory=changed',
      'the app config=changed',
      'read it back=ok',
      'an optional volume=ignored',
      'mount the volume=failed',
    ]);
    for (const b of view.timeline.worker2) expect(b.tip).to.match(new RegExp(`^${b.task}\\n${b.status} · \\d+\\.\\d\\ds$`));
  });

  it('hovering a bar shows its task and duration', () => {
    expect(view.hover.shownBefore).to.equal(false);
    expect(view.hover.shownAfter).to.equal(true);
    expect(view.hover.text).to.match(/^the app config\nchanged · \d+\.\d\ds$/);
  });

  it('every change is listed, the config with its diff from the host', () => {
    expect(view.changed.map((c) => `${c.task}/${c.host}`)).to.deep.equal(['the app directory/worker2', 'the app config/worker2']);
    const conf = view.changed[1].text;
    expect(conf).to.include(`+++ after: ${remote}/app.conf`);
    expect(conf).to.include('+listen=8080');
    expect(conf).to.include('+secret=********');
  });

  it('the failure is there with its message; the ignored one as ignored', () => {
    expect(view.failures.map((f) => `${f.status}:${f.task}`)).to.deep.equal(['ignored:an optional volume', 'failed:mount the volume']);
    expect(view.failures[1].text).to.include(failure);
    expect(view.failures[1].text).to.include('rc: 4');
  });

  it('no secret in the file or on the page; the host has the real value', async () => {
    expect(html.includes(Buffer.from(secret)), 'in the file').to.equal(false);
    expect(view.text.includes(secret), 'on the page').to.equal(false);
    const { stdout } = await labSsh(WORKER2, `cat ${remote}/app.conf`);
    expect(stdout).to.equal(`listen=8080\nsecret=${secret}\n`);
  });

  it('is self-contained, and the screenshot is a PNG of it', async () => {
    const text = html.toString('utf8');
    for (const re of EXTERNAL) expect(re.test(text), String(re)).to.equal(false);
    expect(view.requests).to.deep.equal([]);
    expect(isPng(await readFile(shot))).to.equal(true);
  });
});
