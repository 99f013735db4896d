import { expect } from 'chai';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { systemdCgroupRoots, hostCgroupDirs } from '../../../engine/lab/cgroups.js';

describe('lab cgroups', () => {
  it('finds the hierarchies systemd uses on this machine', async () => {
    const roots = await systemdCgroupRoots();
    expect(roots.length).to.be.greaterThan(0);
    for (const r of roots) expect((await stat(join(r, 'cgroup.procs'))).isFile()).to.equal(true);
  });
  it('gives each host a group of its own in every hierarchy', async () => {
    const a = await hostCgroupDirs('master1');
    const b = await hostCgroupDirs('master2');
    expect(a.length).to.equal((await systemdCgroupRoots()).length);
    for (const d of a) expect(d).to.match(/\/tsplay-lab\/master1$/);
    expect(a.filter((d) => b.includes(d))).to.deep.equal([]);
  });
});
