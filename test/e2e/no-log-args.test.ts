// A no_log task's arguments are secrets for the rest of the run, except where and how it writes:
// its content stays hidden in every later output, while its mode and path (ordinary words that
// other tasks print) are not hidden everywhere, and the HTML report's own markup stays intact.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const CONTENT = 'quiet-content-31415';

describe('e2e: what a no_log task makes secret', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-nolog-args-'));
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'inv.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: a quiet file
      copy: { dest: "${dir}/out/quiet", content: "${CONTENT}", mode: "0640" }
      no_log: true
    - name: say how it was written
      debug: { msg: "mode 0640 root at ${dir}/out/quiet" }
    - name: echo its content
      command: cat ${dir}/out/quiet
`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('hides the content later, not the mode, the path or ordinary words; the report keeps its style', async () => {
    const report = join(dir, 'report.html');
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.yml'), '-v', '--report', report]);
    expect(r.code, r.stderr).to.equal(0);
    expect(await readFile(join(dir, 'out', 'quiet'), 'utf8')).to.equal(CONTENT);
    const out = r.stdout + r.stderr;
    expect(out).to.not.include(CONTENT);
    expect(out).to.include(`mode 0640 root at ${dir}/out/quiet`);
    const html = await readFile(report, 'utf8');
    expect(html).to.not.include(CONTENT);
    expect(html).to.match(/<style>\s*:root \{ --ok:/);
  });

  it('a secret that is also a word of the page\'s markup is hidden in the texts, not in the markup', async () => {
    const report = join(dir, 'report2.html');
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.yml'), '--report', report, '-e', '{"tsplay_secret_vars": ["word"], "word": "root"}']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.not.match(/\broot\b/);
    const html = await readFile(report, 'utf8');
    // the style rule that colours the timeline's bars
    expect(html).to.match(/<style>\s*:root \{ --ok:/);
    expect(html.replace(/<style>[^]*?<\/style>/, '')).to.not.match(/\broot\b/);
  });
});
