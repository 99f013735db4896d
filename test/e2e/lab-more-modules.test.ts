// ping, raw and replace over SSH on a lab host (worker2): ping answers through the host's shell,
// raw runs its text in root's login shell and is skipped by --check, replace edits a file in a
// private temp directory, converges (rerun changed=0) and --check predicts without writing.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { labSsh, labTempDirs, removeLabTempDirs } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');

describe('e2e: ping, raw and replace on worker2', function () {
  this.timeout(300_000);
  let root = '';
  let dir = '';

  before(async function () {
    ({ root, dir } = await labTempDirs(this, IP, 'more-modules'));
  });
  after(() => removeLabTempDirs(IP, root, dir));

  // other helpers may run against the lab inventory meanwhile: this touches only its temp directory
  const run = (file: string, ...extra: string[]) => tsplay(['run', join(dir, file), '-i', INV, '--limit', HOST, '--no-lock', ...extra]);

  it('ping answers pong; raw runs in the login shell and --check skips it', async () => {
    const shell = (await labSsh(IP, 'getent passwd root | cut -d: -f7')).stdout.trim().split('/').pop();
    await writeFile(
      join(dir, 'ping.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - ping:
      register: p
    - assert: { that: ['p.ping == "pong"'] }
    - raw: echo "$0" > ${root}/raw-shell
`,
    );
    const check = await run('ping.yml', '--check');
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    expect(recapOf(check.stdout, HOST)).to.include({ ok: 2, changed: 0, skipped: 1, failed: 0 });
    expect((await labSsh(IP, `ls -A ${root}`)).stdout, '--check ran nothing').to.equal('');
    const r = await run('ping.yml');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(recapOf(r.stdout, HOST)).to.include({ ok: 3, changed: 1, failed: 0 });
    expect((await labSsh(IP, `cat ${root}/raw-shell`)).stdout.trim().replace(/^-/, '').split('/').pop()).to.equal(shell);
  });

  it('replace edits, converges and predicts in --check', async () => {
    await labSsh(IP, `printf 'port=80\\n# tsplay\\nport=80\\n' > ${root}/conf`);
    const play = (port: number) => `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - replace: { path: ${root}/conf, regexp: '^port=\\d+$', replace: 'port=${port}', after: '# tsplay', mode: '0640' }
`;
    await writeFile(join(dir, 'r1.yml'), play(8080));
    const first = await run('r1.yml');
    expect(recapOf(first.stdout, HOST), first.stdout + first.stderr).to.include({ changed: 1, failed: 0 });
    const content = async () => (await labSsh(IP, `stat -c %a ${root}/conf; cat ${root}/conf`)).stdout;
    expect(await content()).to.equal('640\nport=80\n# tsplay\nport=8080\n');
    const again = await run('r1.yml');
    expect(recapOf(again.stdout, HOST), again.stdout + again.stderr).to.include({ changed: 0, failed: 0 });
    await writeFile(join(dir, 'r2.yml'), play(9090));
    const check = await run('r2.yml', '--check', '--diff');
    expect(recapOf(check.stdout, HOST), check.stdout + check.stderr).to.include({ changed: 1, failed: 0 });
    expect(check.stdout).to.contain('+port=9090');
    expect(await content(), '--check wrote nothing').to.equal('640\nport=80\n# tsplay\nport=8080\n');
  });
});
