// user and group on a lab host (worker2): a group and a user with supplementary groups, shell,
// comment, home and a password hash are made, a rerun changes nothing, --check predicts a change
// without making it, then both are removed. The account's name is unique to the run and after()
// removes whatever a failed run left.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');
// a SHA-512 crypt hash (of "tsplay"); chpasswd -e stores it as given
const HASH = '$6$tsplaysalt$ByG0rMhvb5bD6hHv2fLwB3hx3fK0I6rZq5pQvN2n4.5QHc3Q8uQx7R0s1mH9mYQm2cV5Gx0p3Yk5e7YtN8p2a/';

describe('e2e: user and group on worker2', function () {
  this.timeout(300_000);
  const id = randomBytes(4).toString('hex');
  const U = `tsplay-t-${id}`;
  const G = `tsplay-tg-${id}`;
  const G2 = `tsplay-th-${id}`;
  let dir = '';

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      await labSsh(IP, 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-user-'));
  });
  after(async () => {
    if (dir) {
      await labSsh(IP, `userdel -r ${U} 2>/dev/null; groupdel ${G} 2>/dev/null; groupdel ${G2} 2>/dev/null; true`).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  const play = (tasks: string) => `- hosts: ${HOST}\n  gather_facts: false\n  tasks:\n${tasks}`;
  // other helpers may run against the lab inventory meanwhile: this touches only its own account
  const run = async (file: string, ...extra: string[]) => tsplay(['run', join(dir, file), '-i', INV, '--limit', HOST, '--no-lock', ...extra]);
  const account = async () =>
    (await labSsh(IP, `getent passwd ${U} | cut -d: -f5-7; id -Gn ${U}; getent shadow ${U} | cut -d: -f2; getent group ${G} ${G2} | cut -d: -f1; test -d /home/${U} && echo home; true`)).stdout;

  it('creates, converges (rerun changed=0), predicts in --check, removes', async () => {
    await writeFile(
      join(dir, 'present.yml'),
      play(`    - group: { name: ${G} }
    - user: { name: ${U}, groups: [${G}], shell: /bin/sh, comment: tsplay test, password: '${HASH}' }
`),
    );
    const first = await run('present.yml', '-v');
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(recapOf(first.stdout, HOST)).to.include({ changed: 2, failed: 0 });
    expect(first.stdout + first.stderr, 'the hash is never shown').to.not.contain(HASH.slice(13));
    expect(await account()).to.equal(`tsplay test:/home/${U}:/bin/sh\n${U} ${G}\n${HASH}\n${G}\nhome\n`);

    const second = await run('present.yml');
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    expect(recapOf(second.stdout, HOST)).to.include({ changed: 0, failed: 0 });

    // a new group and a changed user: --check says so and changes nothing; update_password:
    // on_create leaves the existing account's password alone
    await writeFile(
      join(dir, 'changed.yml'),
      play(`    - group: { name: ${G2} }
    - user: { name: ${U}, groups: [${G}, ${G2}], shell: /bin/bash, password: '$6$other$x', update_password: on_create }
`),
    );
    const check = await run('changed.yml', '--check', '--diff');
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    expect(recapOf(check.stdout, HOST)).to.include({ changed: 2, failed: 0 });
    expect(await account(), 'check mode changed nothing').to.equal(`tsplay test:/home/${U}:/bin/sh\n${U} ${G}\n${HASH}\n${G}\nhome\n`);
    const real = await run('changed.yml');
    expect(recapOf(real.stdout, HOST), real.stdout + real.stderr).to.include({ changed: 2, failed: 0 });
    expect(await account()).to.equal(`tsplay test:/home/${U}:/bin/bash\n${U} ${G} ${G2}\n${HASH}\n${G}\n${G2}\nhome\n`);
    // append adds nothing new; without append, [G] takes G2 away
    await writeFile(join(dir, 'only.yml'), play(`    - user: { name: ${U}, groups: [${G2}], append: true }\n    - user: { name: ${U}, groups: ${G} }\n`));
    const only = await run('only.yml');
    expect(recapOf(only.stdout, HOST), only.stdout + only.stderr).to.include({ ok: 2, changed: 1, failed: 0 });
    expect((await account()).split('\n')[1]).to.equal(`${U} ${G}`);

    await writeFile(
      join(dir, 'absent.yml'),
      play(`    - user: { name: ${U}, state: absent, remove: true }
    - group: { name: ${G}, state: absent }
    - group: { name: ${G2}, state: absent }
`),
    );
    const gone = await run('absent.yml');
    expect(gone.code, gone.stdout + gone.stderr).to.equal(0);
    expect(recapOf(gone.stdout, HOST)).to.include({ changed: 3, failed: 0 });
    expect(await account()).to.equal('');
    const again = await run('absent.yml');
    expect(recapOf(again.stdout, HOST)).to.include({ changed: 0, failed: 0 });
  });
});
