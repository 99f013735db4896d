// `tsplay migrate` on roles written as Ansible roles are (test/fixtures/ansible-roles: an nginx
// site with for-loop templates, users with with_items/with_dict/k=v lines, sysctl/limits with
// conditions). The real ansible-playbook runs the fixtures first (valid Ansible, converged on its
// second run); then the migrated copy runs with tsplay twice: the second run changes nothing, and
// every file tsplay wrote equals, byte for byte and mode for mode, the file Ansible wrote.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recapOf, tsplay } from './run-tsplay.js';

/** the fixtures live in the source tree; tests may run from a build directory below it */
function fixtures(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'ansible-roles');
    try {
      if (statSync(candidate).isDirectory()) return candidate;
    } catch {
      /* look further up */
    }
    if (dirname(dir) === dir) throw new Error('test/fixtures/ansible-roles not found');
    dir = dirname(dir);
  }
}

/** every path below dir with its mode and, for files, its content */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const mode = (statSync(p).mode & 0o7777).toString(8);
      out[relative(dir, p)] = e.isDirectory() ? `dir ${mode}` : `${mode} ${readFileSync(p, 'utf8')}`;
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function ansiblePlaybook(cwd: string, outDir: string): { code: number; stdout: string } {
  const r = spawnSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', 'site.yml', '-e', `out_dir=${outDir}`], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCALHOST_WARNING: '0' },
  });
  return { code: r.status ?? -1, stdout: `${r.stdout}${r.stderr}` };
}

describe('e2e: tsplay migrate on Ansible roles, compared with ansible-playbook', function () {
  this.timeout(300_000);
  let work: string;
  before(function () {
    if (spawnSync('ansible-playbook', ['--version']).status !== 0) this.skip(); // scripts/setup.sh installs ansible-core
    work = mkdtempSync(join(tmpdir(), 'tsplay-migrate-'));
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  it('the fixtures are valid Ansible; migrated, tsplay converges and writes the same files', async () => {
    const original = join(work, 'original');
    cpSync(fixtures(), original, { recursive: true });
    // one output path for both tools (templates write it into files), moved aside in between
    const out = join(work, 'out');
    mkdirSync(out);
    const a1 = ansiblePlaybook(original, out);
    expect(a1.code, a1.stdout).to.equal(0);
    expect(a1.stdout).to.match(/localhost\s+: ok=15\s+changed=13\s/);
    const a2 = ansiblePlaybook(original, out);
    expect(a2.code, a2.stdout).to.equal(0);
    expect(a2.stdout).to.match(/localhost\s+: ok=14\s+changed=0\s/);
    const byAnsible = join(work, 'by-ansible');
    renameSync(out, byAnsible);

    // tsplay refuses the Ansible original at load (Jinja), before any task
    mkdirSync(out);
    const refused = await tsplay(['run', join(original, 'site.yml'), '-i', 'localhost,', '-c', 'local', '-e', `out_dir=${out}`]);
    expect(refused.code, refused.stdout + refused.stderr).to.equal(4);
    expect(readdirSync(out)).to.deep.equal([]);

    const migrated = join(work, 'migrated');
    cpSync(fixtures(), migrated, { recursive: true });
    // without --write: the list, nothing written
    const dry = await tsplay(['migrate', migrated]);
    expect(dry.code, dry.stdout + dry.stderr).to.equal(0);
    expect(dry.stdout).to.include(`would rewrite ${join(migrated, 'roles/nginx_site/templates/site.conf.j2')}`);
    expect(dry.stdout).to.include('10 file(s) to rewrite, 0 left');
    expect(tree(migrated)).to.deep.equal(tree(original));
    // --diff shows the changes
    const diff = await tsplay(['migrate', migrated, '--diff']);
    expect(diff.code).to.equal(0);
    for (const line of [
      '-{% for loc in item.locations %}',
      '+{{#each item.locations as |loc|}}',
      '-  with_dict: "{{ users_keys }}"',
      '+  loop: "{{dict2items users_keys}}"',
      '-  when: sysctl_settings is defined and sysctl_settings | length > 0',
      '+  when: has(vars.sysctl_settings) && size(sysctl_settings) > 0',
      '-  template: src=limits.conf.j2 dest={{ limits_file }} mode=0644',
      '+  template: {src: limits.conf.j2, dest: "{{ limits_file }}", mode: "0644"}',
    ]) {
      expect(diff.stdout).to.include(`\n${line}\n`);
    }
    const written = await tsplay(['migrate', migrated, '--write']);
    expect(written.code, written.stdout + written.stderr).to.equal(0);
    expect(written.stdout).to.include('10 file(s) rewritten, 0 left');
    // a migrated role needs nothing more
    const again = await tsplay(['migrate', migrated]);
    expect(again.stdout).to.include('0 file(s) to rewrite, 0 left');

    const run = () => tsplay(['run', join(migrated, 'site.yml'), '-i', 'localhost,', '-c', 'local', '-e', `out_dir=${out}`]);
    const r1 = await run();
    expect(r1.code, r1.stdout + r1.stderr).to.equal(0);
    expect(recapOf(r1.stdout, 'localhost')).to.include({ ok: 15, changed: 13, failed: 0 });
    const r2 = await run();
    expect(r2.code, r2.stdout + r2.stderr).to.equal(0);
    expect(recapOf(r2.stdout, 'localhost')).to.include({ ok: 14, changed: 0, failed: 0 });
    const byTsplay = join(work, 'by-tsplay');
    renameSync(out, byTsplay);
    const expected = tree(byAnsible);
    expect(Object.keys(expected)).to.have.length.above(15);
    expect(tree(byTsplay)).to.deep.equal(expected);
  });

  it('what it cannot convert is listed with file:line:col, the rest converted, and the exit code is 1', async () => {
    const role = join(work, 'left');
    mkdirSync(join(role, 'tasks'), { recursive: true });
    mkdirSync(join(role, 'templates'));
    writeFileSync(
      join(role, 'tasks', 'main.yml'),
      `- name: nested
  debug: msg="{{ item.0 }} {{ item.1 | regex_replace('a', 'b') }}"
  with_nested:
    - [a, b]
    - [c, d]
- include: other.yml
- command: echo {{ x | default('y') }}
  when: x is version('1.0', '>=')
`,
    );
    writeFileSync(join(role, 'templates', 't.j2'), 'a\n{% set y = 1 %}\n{{ y | upper }}\n');
    const r = await tsplay(['migrate', role, '--write'], { cwd: role });
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include(`tasks/main.yml:2:10: "{{ item.1 | regex_replace('a', 'b') }}": | regex_replace: no regular-expression helper`);
    expect(r.stdout).to.include('tasks/main.yml:3:3: "with_nested": loop: over one list');
    expect(r.stdout).to.include('tasks/main.yml:6:3: "include": write include_tasks');
    expect(r.stdout).to.include(`tasks/main.yml:8:9: "x is version('1.0', '>=')": is version: no version comparison`);
    expect(r.stdout).to.include('templates/t.j2:2:1: "{% set y = 1 %}": {% set %} has no equivalent');
    expect(r.stdout).to.include('5 left');
    expect(readFileSync(join(role, 'tasks', 'main.yml'), 'utf8')).to.include('- command: echo {{default x "y"}}\n');
    expect(readFileSync(join(role, 'templates', 't.j2'), 'utf8')).to.equal('a\n{% set y = 1 %}\n{{upper y}}\n');
  });
});
