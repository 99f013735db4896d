// The HTML report of `tsplay apply` sets what the plan planned against what the run applied, as a
// person sees it in headless Chromium: a plan of two hosts, one file changed by hand on one of them
// after the plan, then the apply with --report. The host that drifted shows its planned changes as
// not applied (marked), the other host every change as planned and applied, and the secret the
// plan's template uses is nowhere in the page.
import { expect } from 'chai';
import { mkdtemp, mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';
import { isPng, noBrowser, withReport } from './report-browser.js';

const SECRET = 'Plan-rpt-secret-7q2w';

describe('e2e: the report of a plan applied (planned against applied, in a browser)', function () {
  this.timeout(300_000);
  let dir = '';

  before(async function () {
    const why = await noBrowser();
    if (why) {
      console.log(`      (skipped: ${why})`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-plan-report-'));
    await mkdir(join(dir, 'h1'));
    await mkdir(join(dir, 'h2'));
    await writeFile(
      join(dir, 'hosts.yml'),
      `all:
  vars: {ansible_connection: local, tsplay_secret_vars: [api_token], api_token: ${SECRET}}
  hosts:
    h1: {root: ${dir}/h1}
    h2: {root: ${dir}/h2}
`,
    );
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: the config
      copy: {dest: "{{ root }}/app.conf", content: "token={{ api_token }}\\nport=8080\\n"}
    - name: the marker
      copy: {dest: "{{ root }}/ready", content: "ready\\n"}
`,
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows each planned change as applied or not, the drifted host marked, and no secret', async () => {
    const plan = await tsplay(['run', 'site.yml', '-i', 'hosts.yml', '--check', '--plan-out', 'plan.json'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    // by hand, after the plan: h2's config is there with another port
    await writeFile(join(dir, 'h2', 'app.conf'), 'port=9090\n');
    const report = join(dir, 'apply.html');
    const apply = await tsplay(['apply', 'plan.json', '--report', report], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).to.equal(6);
    const shot = join(dir, 'apply.png');
    const seen = await withReport(report, {}, async (page) => {
      await page.screenshot({ path: shot, fullPage: true });
      return page.evaluate(() => ({
        heading: document.querySelector('#plan h2')?.textContent ?? '',
        source: document.querySelector('#plan .where')?.textContent ?? '',
        rows: [...document.querySelectorAll('#plan tbody tr')].map((tr) => ({
          cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
          mismatch: tr.classList.contains('mismatch'),
          background: getComputedStyle(tr.querySelector('td')!).backgroundColor,
        })),
        text: document.body.innerText,
      }));
    });
    expect(seen.heading).to.equal('Planned against applied');
    expect(seen.source).to.equal('plan: plan.json');
    expect(seen.rows.map((r) => `${r.cells.join(' | ')}${r.mismatch ? ' (marked)' : ''}`)).to.deep.equal([
      'the config | h1 | yes | yes',
      'the config | h2 | yes | no (marked)',
      'the marker | h1 | yes | yes',
      'the marker | h2 | yes | no (marked)',
    ]);
    // the mark is a colour a person sees, not only a class
    expect(seen.rows[1].background).to.not.equal(seen.rows[0].background);
    expect(seen.text).to.contain('drift since the plan');
    const html = await readFile(report, 'utf8');
    expect(html).to.not.contain(SECRET);
    expect(seen.text).to.not.contain(SECRET);
    expect(await readFile(join(dir, 'h1', 'app.conf'), 'utf8')).to.equal(`token=${SECRET}\nport=8080\n`);
    expect(await readFile(join(dir, 'h2', 'app.conf'), 'utf8')).to.equal('port=9090\n');
    expect(isPng(await readFile(shot))).to.equal(true);
  });
});
