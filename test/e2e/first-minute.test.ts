// The README's "A first minute" runs as written: its playbook, taken from the README itself, with
// its three commands (--check --diff, a run, a second run), as a user in a home directory of its own.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';

describe("e2e: the README's first minute", function () {
  this.timeout(120_000);
  let home = '';
  let playbook = '';
  before(async () => {
    const readme = await readFile(join(projectRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## A first minute'), readme.indexOf('\n## ', readme.indexOf('## A first minute') + 5));
    const m = /cat > hello\.yml <<'YML'\n([^]*?)\nYML\n/.exec(section);
    expect(m, 'the README shows hello.yml in its first-minute section').to.not.equal(null);
    playbook = m![1] + '\n';
    for (const cmd of ['tsplay run hello.yml -i localhost, --check --diff', 'tsplay run hello.yml -i localhost,']) expect(section).to.include(cmd);
    home = await mkdtemp(join(tmpdir(), 'tsplay-first-minute-'));
    await writeFile(join(home, 'hello.yml'), playbook);
  });
  after(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('--check --diff shows the file, then a run makes it, then a second run changes nothing', async () => {
    const env = { HOME: home };
    const file = join(home, 'hello.txt');
    const check = await tsplay(['run', 'hello.yml', '-i', 'localhost,', '--check', '--diff'], { cwd: home, env });
    expect(check.code, check.stderr).to.equal(0);
    expect(check.stdout).to.include(`+hello from ${hostname().split('.')[0]}`);
    expect(existsSync(file), '--check changed nothing').to.equal(false);
    const first = await tsplay(['run', 'hello.yml', '-i', 'localhost,'], { cwd: home, env });
    expect(first.code, first.stderr).to.equal(0);
    expect(recapOf(first.stdout, 'localhost')).to.include({ changed: 1, failed: 0 });
    expect(await readFile(file, 'utf8')).to.equal(`hello from ${hostname().split('.')[0]}\n`);
    const again = await tsplay(['run', 'hello.yml', '-i', 'localhost,'], { cwd: home, env });
    expect(again.code, again.stderr).to.equal(0);
    expect(recapOf(again.stdout, 'localhost')).to.include({ changed: 0, failed: 0 });
  });
});
