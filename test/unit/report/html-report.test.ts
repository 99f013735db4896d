// The HTML reporter fed the runner's events directly: what it writes, where, and how.
import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HtmlReporter } from '../../../engine/report/html-report.js';
import { emptyStats, type Reporter, type TaskInfo } from '../../../engine/report/types.js';

describe('HTML reporter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-html-report-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function run(r: Reporter): void {
    const conf: TaskInfo = { name: 'conf', module: 'copy', where: 'site.yml:4:7', role: 'web' };
    const restart: TaskInfo = { name: 'restart', module: 'service', where: 'site.yml:8:7' };
    r.onRunStart?.({ playbook: 'site.yml', check: false, diff: false });
    r.onPlayStart?.({ name: 'all', hosts: ['h1', 'h2'] });
    r.onTaskStart?.(conf);
    r.onHostResult?.({ task: conf, host: 'h1', status: 'changed', result: { changed: true, diff: [{ path: '/etc/x', before: 'a\n', after: 'b\n' }] } });
    r.onHostResult?.({ task: conf, host: 'h2', status: 'ok', result: { changed: false } });
    r.onTaskStart?.(restart);
    r.onHostResult?.({ task: restart, host: 'h1', status: 'changed', result: { changed: true } });
    r.onHostResult?.({ task: restart, host: 'h2', status: 'unreachable', result: { changed: false, unreachable: true, msg: 'connection refused' } });
    const reload: TaskInfo = { name: 'reload', module: 'service', where: 'site.yml:12:7', handler: true };
    r.onTaskStart?.(reload);
    r.onHostResult?.({ task: reload, host: 'h1', status: 'changed', result: { changed: true } });
    r.onRecap?.({});
    r.onRunEnd?.({ exitCode: 4, stats: { h1: { ...emptyStats(), ok: 3, changed: 3 }, h2: { ...emptyStats(), ok: 1, unreachable: 1 } }, changesPending: false });
  }

  it('with a plan: the page sets what was planned against what was applied', async () => {
    const file = join(dir, 'r.html');
    run(new HtmlReporter(file, { planned: { source: 'plan.json', changes: [{ host: 'h1', task: 'web : conf' }, { host: 'h2', task: 'web : conf' }] } }));
    const page = await readFile(file, 'utf8');
    const rows = [...page.matchAll(/<tr class="(mismatch)?"><td>([^<]*)<\/td><td>([^<]*)<\/td><td>(yes|no)<\/td><td>(yes|no)<\/td><\/tr>/g)].map((m) => m.slice(1).join('|'));
    expect(rows).to.deep.equal(['|web : conf|h1|yes|yes', 'mismatch|web : conf|h2|yes|no', 'mismatch|restart|h1|no|yes', 'mismatch|reload|h1|no|yes']);
    expect(page).to.include('<b>reload</b> <span class="where">(handler)</span> on <b>h1</b>');
    expect(page).to.include('connection refused');
    expect(page).to.include('<span class="del">-a</span>');
  });

  it("a result names its own task, even one that was not the last started", async () => {
    const file = join(dir, 'r.html');
    const r: Reporter = new HtmlReporter(file);
    const a: TaskInfo = { name: 'a', module: 'debug', where: 'site.yml:3:7' };
    const b: TaskInfo = { name: 'b', module: 'debug', where: 'site.yml:5:7' };
    r.onRunStart?.({ playbook: 'site.yml', check: false, diff: false });
    r.onTaskStart?.(a);
    r.onHostResult?.({ task: a, host: 'h1', status: 'ok', result: { changed: false } });
    r.onHostResult?.({ task: b, host: 'h1', status: 'failed', result: { changed: false, failed: true, msg: 'b failed' } });
    r.onRunEnd?.({ exitCode: 2, stats: { h1: { ...emptyStats(), ok: 1, failed: 1 } }, changesPending: false });
    const page = await readFile(file, 'utf8');
    expect([...page.matchAll(/class="bar [^"]*" style="[^"]*" data-task="([^"]*)" data-status="([^"]*)"/g)].map((m) => `${m[1]}=${m[2]}`)).to.deep.equal(['a=ok', 'b=failed']);
    expect(page).to.include('<b>b</b> on <b>h1</b> <span class="where">site.yml:5:7</span>');
  });

  it('without a plan there is no such section', async () => {
    const file = join(dir, 'r.html');
    run(new HtmlReporter(file));
    expect(await readFile(file, 'utf8')).to.not.include('id="plan"');
  });

  it('replaces a symlink at the path rather than writing through it, mode 0600, no temp file left', async () => {
    const target = join(dir, 'elsewhere');
    await writeFile(target, 'keep');
    const file = join(dir, 'r.html');
    await symlink(target, file);
    run(new HtmlReporter(file));
    expect(await readFile(target, 'utf8')).to.equal('keep');
    expect((await stat(file)).isFile()).to.equal(true);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect((await readdir(dir)).sort()).to.deep.equal(['elsewhere', 'r.html']);
  });

  it('a report it cannot write is an error once the other outputs are done (flush), naming the file', async () => {
    const file = join(dir, 'gone', 'r.html');
    const r = new HtmlReporter(file);
    run(r);
    let err: Error | undefined;
    await r.flush().catch((e: Error) => (err = e));
    expect(err?.message).to.match(new RegExp(`^could not write the report ${file}: ENOENT`));
  });
});
