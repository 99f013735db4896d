// --report: the real CLI runs a local playbook (a change with a diff, an ignored failure, a failure,
// secrets) and Chromium opens the report it wrote, as a person would: every host, every change and
// the failure are on the page, a timeline bar says its task and time under the pointer, nothing is
// loaded from elsewhere, no secret is anywhere in the file, and values that try to be markup stay
// text. Then, without a browser, the path's checks (before any host is contacted) and TSPLAY_REPORT.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir, stat, readdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf, type CliResult } from './run-tsplay.js';
import { EXTERNAL, isPng, noBrowser, viewReport, type ReportView } from './report-browser.js';

const TOKEN = 'Rpt-token-5k9z';
/** escaping it for HTML makes another form of it, which must not appear either */
const MARKUP_SECRET = 'Pw<&>"q7';
/**
 * in a failure's stderr before a later set_fact makes it a secret: the terminal has shown it by
 * then, the report (laid out at the end) hides it too
 */
const LATE = 'Late-rpt-3v8c';
/** the same in a diff, with characters HTML escapes: redacted before it is escaped */
const LATE_MARKUP = 'Late<rpt>&4w9d';
const HOSTS = ['localhost', 'otherhost'];
const CHANGED = ['write the config'];
const FAIL_MSG = 'disk-quota-exceeded-on-srv';

describe('e2e: the HTML run report (--report) in a browser', function () {
  this.timeout(300_000);
  let dir: string;
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
    dir = await mkdtemp(join(tmpdir(), 'tsplay-report-'));
    await mkdir(join(dir, 'out'));
    await writeFile(
      join(dir, 'hosts.yml'),
      `all:
  hosts:
${HOSTS.map((h) => `    ${h}: { ansible_connection: local }\n`).join('')}  vars:
    tsplay_secret_vars: [api_token, db_password, late_token, late_markup]
    api_token: ${TOKEN}
    db_password: '${MARKUP_SECRET}'
`,
    );
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: say what comes later
      debug: { msg: "soon ${LATE}" }
    - name: write the config
      copy:
        dest: "${dir}/out/{{ inventory_hostname }}.conf"
        content: "token={{ api_token }}\\npassword={{ db_password }}\\nnote=${LATE_MARKUP}\\nport=8080\\n"
    - name: an ignored failure
      command: "sh -c 'echo soon ${LATE} >&2; exit 1'"
      ignore_errors: true
    - name: the secret becomes known
      set_fact: { late_token: "${LATE}", late_markup: "${LATE_MARKUP}" }
    - name: fail on one host
      command: "sh -c 'echo ${FAIL_MSG} >&2; exit 3'"
      when: inventory_hostname == 'otherhost'
`,
    );
    report = join(dir, 'report.html');
    run = await tsplay(['run', '-i', join(dir, 'hosts.yml'), join(dir, 'site.yml'), '--report', report, '--run-log', join(dir, 'run.log')], { cwd: dir });
    html = await readFile(report);
    shot = join(dir, 'report.png');
    view = await viewReport(report, { screenshot: shot, hover: { host: 'otherhost', task: 'fail on one host' } });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the run fails on one host (exit 2) and writes the report, mode 0600, with no temp file left', async () => {
    expect(run.code, run.stderr + run.stdout).to.equal(2);
    expect((await stat(report)).mode & 0o777).to.equal(0o600);
    expect(await readdir(dir)).to.have.members(['hosts.yml', 'site.yml', 'out', 'report.html', 'report.png', 'run.log']);
  });

  it('the run log line points at the report', async () => {
    const line = JSON.parse((await readFile(join(dir, 'run.log'), 'utf8')).trim());
    expect(line.report).to.equal(report);
    expect(line.exit_code).to.equal(2);
  });

  it("the summary's figures are the recap's", () => {
    const sum = (k: string) => String(HOSTS.reduce((n, h) => n + recapOf(run.stdout, h)![k], 0));
    expect(view.cards).to.deep.include({ hosts: '2', changed: sum('changed'), failed: '1', unreachable: '0', 'exit code': '2' });
    expect(view.cards.duration).to.match(/^\d+\.\d\ds$/);
  });

  it('the browser shows every host, in the summary and on the timeline', () => {
    expect(view.title).to.include('site.yml');
    expect(view.recapHosts).to.deep.equal(HOSTS);
    expect(Object.keys(view.timeline)).to.deep.equal(HOSTS);
  });

  it('each host has a bar per task, coloured by its status, that says the task and its time', () => {
    expect(view.timeline.localhost.map((b) => `${b.task}=${b.status}`)).to.deep.equal([
      'say what comes later=ok',
      'write the config=changed',
      'an ignored failure=ignored',
      'the secret becomes known=ok',
      'fail on one host=skipped',
    ]);
    expect(view.timeline.otherhost.map((b) => b.status)).to.deep.equal(['ok', 'changed', 'ignored', 'ok', 'failed']);
    for (const bars of Object.values(view.timeline)) for (const b of bars) expect(b.tip).to.match(new RegExp(`^${b.task}\\n${b.status} · \\d+\\.\\d\\ds$`));
  });

  it('hovering a bar shows its task and duration', () => {
    expect(view.hover.shownBefore, 'the tooltip is hidden until hovered').to.equal(false);
    expect(view.hover.shownAfter, 'the tooltip shows under the pointer').to.equal(true);
    expect(view.hover.text).to.match(/^fail on one host\nfailed · \d+\.\d\ds$/);
  });

  it('every changed task is listed per host, with its diff', () => {
    expect(view.changed.map((c) => `${c.task}/${c.host}`)).to.have.members(CHANGED.flatMap((t) => HOSTS.map((h) => `${t}/${h}`)));
    for (const c of view.changed) {
      expect(c.text).to.include(`+++ after: ${dir}/out/${c.host}.conf`);
      expect(c.text).to.include('+token=********');
      expect(c.text).to.include('+password=********');
      expect(c.text).to.include('+note=********');
      expect(c.text).to.include('+port=8080');
    }
  });

  it('the failure is there with its message, and the ignored failures as ignored', () => {
    const failed = view.failures.filter((f) => f.status === 'failed');
    expect(failed.map((f) => `${f.task}/${f.host}`)).to.deep.equal(['fail on one host/otherhost']);
    expect(failed[0].text).to.include(FAIL_MSG);
    expect(failed[0].text).to.include('rc: 3');
    const ignored = view.failures.filter((f) => f.status === 'ignored');
    expect(ignored.map((f) => `${f.task}/${f.host}`)).to.have.members(HOSTS.map((h) => `an ignored failure/${h}`));
    for (const f of ignored) expect(f.text).to.include('stderr:\nsoon ********');
    expect(view.text).to.match(/Failures \(3\)/);
  });

  it('the slowest tasks are listed', () => {
    expect(view.slowest).to.have.length(5);
    expect(view.slowest).to.include('write the config');
  });

  it('no secret appears anywhere in the file or on the page, in any form', () => {
    const forms = {
      token: TOKEN,
      'markup secret': MARKUP_SECRET,
      'markup secret, HTML-escaped': MARKUP_SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
      'secret learned later': LATE,
      'markup secret learned later': LATE_MARKUP,
      'markup secret learned later, HTML-escaped': LATE_MARKUP.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    };
    for (const [what, s] of Object.entries(forms)) {
      expect(html.includes(Buffer.from(s)), `${what} in the file`).to.equal(false);
      expect(view.text.includes(s), `${what} on the page`).to.equal(false);
    }
    // the hosts still got the real bytes
    return readFile(join(dir, 'out', 'localhost.conf'), 'utf8').then((c) => expect(c).to.equal(`token=${TOKEN}\npassword=${MARKUP_SECRET}\nnote=${LATE_MARKUP}\nport=8080\n`));
  });

  it('is self-contained: nothing in it loads from elsewhere, and the browser requested nothing else', () => {
    const text = html.toString('utf8');
    for (const re of EXTERNAL) expect(re.test(text), String(re)).to.equal(false);
    expect(view.requests).to.deep.equal([]);
  });

  it('the screenshot is a PNG of the page', async () => {
    expect(isPng(await readFile(shot))).to.equal(true);
  });

  it('values that look like markup stay text', async () => {
    const pb = join(dir, 'markup.yml');
    await writeFile(pb, `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: "<b id=injected>bold</b> & co"\n      command: "sh -c 'echo \\"<i id=also>x</i>\\" >&2; exit 1'"\n`);
    const file = join(dir, 'markup.html');
    const r = await tsplay(['run', '-i', join(dir, 'hosts.yml'), pb, '--limit', 'localhost', '--report', file], { cwd: dir });
    expect(r.code, r.stderr).to.equal(2);
    const v = await viewReport(file, { screenshot: join(dir, 'markup.png'), hover: { host: 'localhost', task: '<b id=injected>bold</b> & co' } });
    expect(v.failures.map((f) => f.task)).to.deep.equal(['<b id=injected>bold</b> & co']);
    expect(v.failures[0].text).to.include('<i id=also>x</i>');
    expect(v.hover.text).to.match(/^<b id=injected>bold<\/b> & co\nfailed · /);
    const page = await readFile(file, 'utf8');
    expect(page).to.not.include('<b id=injected>');
    expect(page).to.not.include('<i id=also>');
  });
});

// the path's checks need no browser: they run wherever the CLI does
describe('e2e: the --report / TSPLAY_REPORT path', function () {
  this.timeout(120_000);
  let dir: string;
  let marker: string;
  let pb: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-report-path-'));
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    marker = join(dir, 'touched');
    pb = join(dir, 'touch.yml');
    await writeFile(pb, `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - file: { path: "${marker}", state: touch }\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const [how, flagOrEnv] of [
    ['--report', (p: string) => ({ args: ['--report', p], env: {} })],
    ['TSPLAY_REPORT', (p: string) => ({ args: [], env: { TSPLAY_REPORT: p } })],
  ] as const) {
    it(`${how} in a missing directory: exit 5 naming it, before any host is contacted`, async () => {
      const bad = join(dir, 'no-such-dir', 'r.html');
      const { args, env } = flagOrEnv(bad);
      const r = await tsplay(['run', '-i', join(dir, 'hosts.yml'), pb, ...args], { cwd: dir, env });
      expect(r.code, r.stderr).to.equal(5);
      expect(r.stderr).to.include(`${how} ${bad}: the directory ${join(dir, 'no-such-dir')} does not exist`);
      expect(r.stdout).to.not.include('TASK');
      await access(marker).then(
        () => expect.fail('the task ran'),
        () => undefined,
      );
    });
  }

  it('--report naming a directory: exit 5, nothing run', async () => {
    const r = await tsplay(['run', '-i', join(dir, 'hosts.yml'), pb, '--report', join(dir, 'out')], { cwd: dir });
    expect(r.code, r.stderr).to.equal(5);
    expect(r.stderr).to.include(`--report ${join(dir, 'out')}: is a directory`);
    await access(marker).then(
      () => expect.fail('the task ran'),
      () => undefined,
    );
  });

  it('TSPLAY_REPORT writes the report as --report does, replacing an older one', async () => {
    const file = join(dir, 'env-report.html');
    await writeFile(file, 'old', { mode: 0o644 });
    const r = await tsplay(['run', '-i', join(dir, 'hosts.yml'), pb], { cwd: dir, env: { TSPLAY_REPORT: file } });
    expect(r.code, r.stderr).to.equal(0);
    const page = await readFile(file, 'utf8');
    expect(page).to.match(/^<!DOCTYPE html>/);
    expect(page).to.include('touch.yml');
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
  });
});
