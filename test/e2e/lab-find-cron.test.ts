// find and cron over SSH on a lab host (worker2), in a private temp directory: find returns what
// is on the host (its clock for age), cron writes a cron file that converges (rerun changed=0),
// --check --diff after a change predicts it and writes nothing, and the last job's removal
// removes the file. The host has no crontab program: a user's table fails saying what to install.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { labSsh, labTempDirs, removeLabTempDirs } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');

describe('e2e: find and cron on worker2', function () {
  this.timeout(300_000);
  let root = '';
  let dir = '';

  before(async function () {
    ({ root, dir } = await labTempDirs(this, IP, 'find-cron'));
  });
  after(() => removeLabTempDirs(IP, root, dir));

  const run = (file: string, ...extra: string[]) => tsplay(['run', join(dir, file), '-i', INV, '--limit', HOST, '--no-lock', ...extra]);

  it('find reports what is on the host', async () => {
    await labSsh(IP, `mkdir -p ${root}/t/sub && printf 'port=1\\n' > ${root}/t/a.conf && printf 'x' > ${root}/t/sub/b.conf && touch -d '3 days ago' ${root}/t/old.log && ln -s a.conf ${root}/t/l.conf`);
    await writeFile(
      join(dir, 'find.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - find: { paths: ${root}/t, patterns: '*.conf', recurse: true }
      register: confs
    - find: { paths: ${root}/t, age: 2d }
      register: old
    - find: { paths: ${root}/t, contains: 'port=\\d', file_type: file }
      register: ports
    - find: { paths: ${root}/t, file_type: link }
      register: links
    - assert:
        that:
          - confs.matched == 2
          - confs.files.map(f, f.path) == ['${root}/t/a.conf', '${root}/t/sub/b.conf']
          - old.matched == 1 && old.files[0].path == '${root}/t/old.log'
          - ports.matched == 1 && ports.files[0].size == 7
          - links.files[0].islnk
`,
    );
    for (const check of [[], ['--check']]) {
      const r = await run('find.yml', ...check);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(recapOf(r.stdout, HOST)).to.include({ ok: 5, changed: 0, failed: 0 });
    }
  });

  it('cron: a cron file converges, --check --diff predicts without writing, the last removal removes the file', async () => {
    const file = `${root}/cron.d-jobs`;
    const play = (hour: number, state = 'present') => `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - cron: { name: PATH, env: true, job: /usr/bin:/bin, user: root, cron_file: ${file}, state: ${state} }
    - cron: { name: nightly, job: /usr/local/bin/nightly, minute: 30, hour: ${hour}, user: root, cron_file: ${file}, state: ${state} }
`;
    await writeFile(join(dir, 'c1.yml'), play(2));
    const first = await run('c1.yml');
    expect(recapOf(first.stdout, HOST), first.stdout + first.stderr).to.include({ changed: 2, failed: 0 });
    const content = async () => (await labSsh(IP, `stat -c %a ${file}; cat ${file}`)).stdout;
    expect(await content()).to.equal('644\nPATH="/usr/bin:/bin"\n#Ansible: nightly\n30 2 * * * root /usr/local/bin/nightly\n');
    const again = await run('c1.yml');
    expect(recapOf(again.stdout, HOST), again.stdout).to.include({ changed: 0, failed: 0 });
    const check0 = await run('c1.yml', '--check');
    expect(recapOf(check0.stdout, HOST), check0.stdout).to.include({ changed: 0, failed: 0 });
    await writeFile(join(dir, 'c2.yml'), play(4));
    const check = await run('c2.yml', '--check', '--diff');
    expect(recapOf(check.stdout, HOST), check.stdout).to.include({ changed: 1, failed: 0 });
    expect(check.stdout).to.contain('-30 2 * * * root /usr/local/bin/nightly').and.contain('+30 4 * * * root /usr/local/bin/nightly');
    expect(await content(), '--check wrote nothing').to.contain('30 2 * * *');
    await writeFile(join(dir, 'c3.yml'), play(4, 'absent'));
    const gone = await run('c3.yml');
    expect(recapOf(gone.stdout, HOST), gone.stdout + gone.stderr).to.include({ changed: 2, failed: 0 });
    expect((await labSsh(IP, `test -e ${file} && echo there || echo gone`)).stdout.trim()).to.equal('gone');
    const gone2 = await run('c3.yml');
    expect(recapOf(gone2.stdout, HOST), gone2.stdout).to.include({ changed: 0, failed: 0 });
  });

  it("cron: a user's table on a host without crontab fails naming the package, and changes nothing", async function () {
    if ((await labSsh(IP, 'command -v crontab || echo none')).stdout.trim() !== 'none') return this.skip();
    await writeFile(join(dir, 'u.yml'), `- hosts: ${HOST}\n  gather_facts: false\n  tasks:\n    - cron: { name: x, job: /bin/true }\n`);
    const r = await run('u.yml');
    expect(r.code).to.equal(2);
    expect(r.stdout + r.stderr).to.contain('crontab is not installed on the host (Debian: the cron package)');
  });
});
