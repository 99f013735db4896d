// --check --detailed-exitcode through the real CLI: a task that --check predicts will fail (a
// lineinfile on a file no task makes) is a failure (exit 2), never "converged" (0) or "changes
// pending" (10), and the real run then fails the same way.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf } from './run-tsplay.js';

describe('e2e: --check --detailed-exitcode with a failure pending', function () {
  this.timeout(120_000);
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsplay-e2e-exitcode-'));
    await writeFile(join(work, 'hosts.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    await writeFile(
      join(work, 'pb.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: edit a file no task makes
      lineinfile: {path: ${join(work, 'target', 'missing.conf')}, line: "x"}
`,
    );
  });
  after(async () => rm(work, { recursive: true, force: true }));
  const args = (...extra: string[]) => ['run', join(work, 'pb.yml'), '-i', join(work, 'hosts.yml'), ...extra];

  it('--check predicts the failure: exit 2, failed=1, and the real run fails alike', async () => {
    const check = await tsplay(args('--check', '--detailed-exitcode'));
    expect(check.code, check.stdout + check.stderr).to.equal(2);
    expect(recapOf(check.stdout, 'localhost')).to.include({ failed: 1, skipped: 0 });
    const real = await tsplay(args());
    expect(real.code, real.stdout + real.stderr).to.equal(2);
    expect(recapOf(real.stdout, 'localhost')).to.include({ failed: 1 });
    expect(await readdir(work)).to.not.include('target');
  });
});
