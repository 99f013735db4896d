// Start-up cost: the CLI loads only what a command needs. Each case runs the real CLI with a
// loader hook that records every file it loads, and checks that the heavy libraries (ssh2,
// x509/asn1js, listr2, …) and the unused built-in modules stay unloaded.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', '..', '..', 'engine', 'cli', 'main.js');
const RECORDER = join(here, 'load-recorder.js');

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** npm packages loaded, by name */
  packages: Set<string>;
  /** files of dist/engine loaded, relative to it (modules/debug.js) */
  engine: Set<string>;
  /** every file loaded */
  urls: string[];
}

async function loadedBy(args: string[], dir: string): Promise<Loaded> {
  const record = join(dir, `record-${Math.random().toString(36).slice(2)}.txt`);
  const env = { ...process.env, TSPLAY_LOAD_RECORD: record, CI: '' };
  const r = spawnSync(process.execPath, ['--import', RECORDER, CLI, ...args], { env, encoding: 'utf8', cwd: dir });
  const urls = (await readFile(record, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const packages = new Set<string>();
  const engine = new Set<string>();
  for (const u of urls) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (pkg) packages.add(pkg[1]);
    const own = /\/dist\/engine\/(.+)$/.exec(u);
    if (own) engine.add(own[1]);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages, engine, urls };
}

const HEAVY = ['ssh2', '@peculiar/x509', 'asn1js', 'listr2'];

describe('CLI start-up loads only what the command needs', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-lazy-'));
    await writeFile(join(dir, 'inv.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    await writeFile(join(dir, 'pb.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: hello\n      debug:\n        msg: hi\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const flag of ['--version', '--help']) {
    it(`${flag}: commander and the command definitions only`, async () => {
      const r = await loadedBy([flag], dir);
      expect(r.code).to.equal(0);
      expect(r.packages.size, 'the recorder saw the CLI load').to.be.greaterThan(0);
      expect([...r.packages]).to.deep.equal(['commander']);
      expect([...r.engine].filter((f) => /^(runner|modules|transport|playbook|inventory|template|report|pki|vault|lab|facts)\//.test(f))).to.deep.equal([]);
    });
  }

  it('a local debug playbook: no ssh2, PKI or listr2, and only the debug module', async () => {
    const r = await loadedBy(['run', '-i', 'inv.yml', 'pb.yml'], dir);
    expect(r.code, r.stdout).to.equal(0);
    expect(r.stdout).to.include('ok: [localhost]');
    expect(r.packages.has('ajv'), 'the recorder saw the run').to.equal(true);
    // the shipped schemas are precompiled at build time: the validators need only Ajv's runtime helpers
    expect(r.urls.filter((u) => /\/node_modules\/ajv\/dist\/(ajv|core|compile\/)/.test(u)), "Ajv's compiler").to.deep.equal([]);
    for (const p of HEAVY) expect(r.packages.has(p), p).to.equal(false);
    const modules = [...r.engine].filter((f) => f.startsWith('modules/')).sort();
    // lib/file-mode.js: the one `mode:` parser, which the loader applies to every task (no imports);
    // lib/file-diff.js: the reporters print diffs with it (the diff library itself loads on the first diff);
    // lib/predictions.js: the executor records what each task will have changed, for the tasks after it
    expect(modules).to.deep.equal(['modules/builtin/debug.js', 'modules/lib/aliases.js', 'modules/lib/file-diff.js', 'modules/lib/file-mode.js', 'modules/lib/predictions.js', 'modules/registry.js', 'modules/site-modules.js']);
    expect([...r.engine].filter((f) => f.startsWith('pki/'))).to.deep.equal([]);
  });

  it("the HTML report's code loads only with --report, and nothing heavy for it", async () => {
    const without = await loadedBy(['run', '-i', 'inv.yml', 'pb.yml'], dir);
    expect(without.code, without.stderr).to.equal(0);
    expect(without.packages.has('ajv'), 'the recorder saw the run').to.equal(true);
    expect([...without.engine].filter((f) => f.startsWith('report/html-'))).to.deep.equal([]);
    const r = await loadedBy(['run', '-i', 'inv.yml', 'pb.yml', '--report', 'report.html'], dir);
    expect(r.code, r.stderr).to.equal(0);
    expect([...r.engine].filter((f) => f.startsWith('report/html-')).sort()).to.deep.equal(['report/html-page.js', 'report/html-report.js']);
    for (const p of [...HEAVY, 'handlebars', 'diff']) expect(r.packages.has(p), p).to.equal(false);
  });

  it('a facts-only play (W3): no Handlebars, no diff library, no Ajv compiler', async () => {
    await writeFile(join(dir, 'facts.yml'), '- hosts: localhost\n  gather_facts: true\n  tasks: []\n');
    const r = await loadedBy(['run', '-i', 'inv.yml', 'facts.yml'], dir);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/localhost\s*: ok=1 /);
    for (const p of [...HEAVY, 'handlebars', 'diff']) expect(r.packages.has(p), p).to.equal(false);
    expect(r.urls.filter((u) => /\/node_modules\/ajv\/dist\/(ajv|core|compile\/)/.test(u)), "Ajv's compiler").to.deep.equal([]);
  });

  it('a playbook naming x509_key loads the PKI code while parsing, before contacting a host', async () => {
    await writeFile(join(dir, 'pki.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - x509_key:\n        path: /nonexistent/k.pem\n        bogus: 1\n');
    const r = await loadedBy(['run', '-i', 'inv.yml', 'pki.yml'], dir);
    expect(r.code, r.stderr).to.equal(4);
    expect(r.stderr).to.match(/pki\.yml:5:\d+: x509_key: unknown parameter "bogus"/);
    expect(r.engine.has('modules/builtin/x509_key.js')).to.equal(true);
  });
});
