// Dynamic inventory scripts, as Ansible runs them: real executable scripts (sh and python3) given
// to `tsplay inventory`, `tsplay run`, `tsplay facts` and through ansible.cfg's inventory; their
// --list output compared with the real ansible-inventory's on the same script; a script that fails
// or prints no JSON stops the command naming the script and showing its stderr.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, mkdir, writeFile, rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf } from './run-tsplay.js';

const ANSIBLE_INVENTORY = '/usr/bin/ansible-inventory';

/** groups as {hosts, vars, children}, _meta.hostvars, an old-style list group; `--host` logged to a file */
const SH_SCRIPT = `#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
case "$1" in
--list) cat <<'JSON'
{"web": {"hosts": ["w1", "w2"], "vars": {"http_port": 80}, "children": ["edge"]},
 "edge": ["e1"],
 "all": {"vars": {"site": "lab"}},
 "_meta": {"hostvars": {"w1": {"ansible_connection": "local", "role": "front"}, "w2": {"ansible_connection": "local"}, "e1": {"ansible_connection": "local"}}}}
JSON
;;
*) echo '{}';;
esac
`;

/** no _meta: each host's variables come from --host NAME */
const PY_SCRIPT = `#!/usr/bin/env python3
import json, os, sys
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.log"), "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if sys.argv[1] == "--list":
    print(json.dumps({"db": {"hosts": ["d1", "d2"], "vars": {"engine": "pg"}}, "ungrouped": {"hosts": ["u1"]}}))
elif sys.argv[1] == "--host":
    print(json.dumps({"ansible_connection": "local", "who": sys.argv[2]}))
`;

/** children lists in name order (ansible-inventory writes all's children with ungrouped first) */
function normalized(list: Record<string, { children?: string[] }>): unknown {
  for (const g of Object.values(list)) if (Array.isArray(g.children)) g.children.sort();
  return list;
}

describe('e2e: dynamic inventory scripts', function () {
  this.timeout(120_000);
  let dir: string;
  const clean = { ANSIBLE_CONFIG: '', ANSIBLE_INVENTORY: '', CI: '1' };
  const run = (args: string[], env: Record<string, string> = {}, cwd?: string) => tsplay(args, { cwd: cwd ?? dir, env: { ...clean, ...env } });
  const script = async (rel: string, text: string) => {
    const p = join(dir, rel);
    await writeFile(p, text);
    await chmod(p, 0o755);
    return p;
  };
  const calls = async (sub: string) => (await readFile(join(dir, sub, 'calls.log'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-invscript-'));
    await mkdir(join(dir, 'sh'));
    await mkdir(join(dir, 'py'));
    await script('sh/inventory.sh', SH_SCRIPT);
    await script('py/inventory.py', PY_SCRIPT);
    await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: say\n      debug: { msg: "{{ inventory_hostname }} site={{default site \'-\'}} who={{default who \'-\'}}" }\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  for (const [kind, rel] of [['sh', 'sh/inventory.sh'], ['python3', 'py/inventory.py']] as const) {
    it(`a ${kind} script: tsplay inventory --list prints what ansible-inventory prints for it`, async function () {
      if (!existsSync(ANSIBLE_INVENTORY)) this.skip();
      const ours = await run(['inventory', '-i', join(dir, rel), '--list']);
      expect(ours.code, ours.stderr).to.equal(0);
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_')));
      const theirs = spawnSync(ANSIBLE_INVENTORY, ['-i', join(dir, rel), '--list'], { encoding: 'utf8', env });
      expect(theirs.status, theirs.stderr).to.equal(0);
      expect(normalized(JSON.parse(ours.stdout))).to.deep.equal(normalized(JSON.parse(theirs.stdout)));
    });
  }

  it('with _meta the script runs once (--list); without it, once more per host with --host NAME', async () => {
    expect((await run(['inventory', '-i', join(dir, 'sh/inventory.sh'), '--host', 'w1'])).stdout).to.include('"role": "front"');
    expect(await calls('sh')).to.deep.equal(['--list']);
    const py = await run(['inventory', '-i', join(dir, 'py/inventory.py'), '--host', 'd2']);
    expect(JSON.parse(py.stdout)).to.deep.equal({ ansible_connection: 'local', who: 'd2', engine: 'pg' });
    expect(await calls('py')).to.deep.equal(['--list', '--host d1', '--host d2', '--host u1']);
  });

  it('tsplay run with a script as -i, in a directory beside a YAML file, and from ansible.cfg; group_vars beside the script apply', async () => {
    await mkdir(join(dir, 'sh', 'group_vars'));
    await writeFile(join(dir, 'sh', 'group_vars', 'edge.yml'), 'site: edge-site\n');
    const r = await run(['run', 'site.yml', '-i', join(dir, 'sh/inventory.sh')]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('"msg": "w1 site=lab who=-"');
    expect(r.stdout).to.include('"msg": "e1 site=edge-site who=-"');
    expect(recapOf(r.stdout, 'w2')).to.include({ ok: 1, failed: 0 });
    // a directory inventory: the script is run, the YAML file beside it read
    await writeFile(join(dir, 'py', 'more.yml'), 'all:\n  hosts:\n    m1: { ansible_connection: local }\n');
    const both = await run(['run', 'site.yml', '-i', join(dir, 'py')]);
    expect(both.code, both.stdout + both.stderr).to.equal(0);
    for (const h of ['d1', 'd2', 'u1', 'm1']) expect(both.stdout).to.match(new RegExp(`"msg": "${h} site=- who=(${h}|-)"`));
    await writeFile(join(dir, 'ansible.cfg'), '[defaults]\ninventory = py/inventory.py\n');
    const cfg = await run(['run', 'site.yml', '--limit', 'd1']);
    expect(cfg.code, cfg.stdout + cfg.stderr).to.equal(0);
    expect(cfg.stdout).to.include('"msg": "d1 site=- who=d1"');
  });

  it('tsplay facts with a script as inventory', async () => {
    const r = await run(['facts', '-i', join(dir, 'py/inventory.py'), '--limit', 'd1']);
    expect(r.code, r.stderr).to.equal(0);
    expect(Object.keys(JSON.parse(r.stdout))).to.deep.equal(['d1']);
    expect(JSON.parse(r.stdout).d1.ansible_facts).to.have.property('hostname');
  });

  it('a data file with its x bit set (no #!) is read as data, not run', async () => {
    const f = join(dir, 'hosts.yml');
    await writeFile(f, 'all:\n  hosts:\n    plain1: { ansible_connection: local }\n');
    await chmod(f, 0o755);
    const r = await run(['inventory', '-i', f, '--graph']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('plain1');
  });

  const failures: [string, string, RegExp][] = [
    ['exits non-zero', '#!/bin/sh\necho "cannot reach the CMDB at cmdb.example:443" >&2\nexit 3\n', /inventory script run with --list failed \(exit status 3\); its stderr:\ncannot reach the CMDB at cmdb\.example:443/],
    ['prints something that is not JSON', '#!/bin/sh\necho "web: [a]"\necho "deprecated flag" >&2\n', /inventory script run with --list did not print JSON \(.*\); its output starts: "web: \[a\]"; its stderr:\ndeprecated flag/],
    ['prints JSON that is not an inventory', '#!/bin/sh\necho \'{"web": {"hosts": "w1"}}\'\n', /inventory script run with --list: hosts of group "web" must be a list of names/],
    ['prints nothing for --host', '#!/bin/sh\n[ "$1" = --list ] && echo \'{"web": ["w1"]}\'\nexit 0\n', /inventory script run with --host w1 did not print JSON .*it printed nothing/],
  ];
  for (const [name, text, message] of failures) {
    it(`a script that ${name}: tsplay run stops before any task (exit 4), naming the script`, async () => {
      const p = await script('bad.sh', text);
      const r = await run(['run', 'site.yml', '-i', p]);
      expect(r.code, r.stdout + r.stderr).to.equal(4);
      expect(r.stderr).to.match(new RegExp(`^ERROR! ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `, 'm'));
      expect(r.stderr).to.match(message);
      expect(r.stdout).to.not.include('TASK');
    });
  }
});
