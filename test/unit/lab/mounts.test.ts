import { expect } from 'chai';
import { mountPoints, mountsUnder, currentMountPoints } from '../../../engine/lab/mounts.js';

describe('lab mount table', () => {
  it('reads mount points from mountinfo, undoing octal escapes', () => {
    const info = [
      '22 1 8:1 / / rw,relatime - ext4 /dev/vda rw',
      '40 22 0:5 / /var/lib/tsplay-lab/hosts/master1/root rw - overlay overlay rw,lowerdir=x',
      '41 22 0:6 / /mnt/with\\040space rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(mountPoints(info)).to.deep.equal(['/', '/var/lib/tsplay-lab/hosts/master1/root', '/mnt/with space']);
  });
  it('finds mounts at or under a dir, deepest first, not siblings sharing a prefix', () => {
    const points = ['/', '/a/b', '/a/b/proc', '/a/bc', '/a/b/proc/sys/fs/binfmt_misc'];
    expect(mountsUnder(points, '/a/b')).to.deep.equal(['/a/b/proc/sys/fs/binfmt_misc', '/a/b/proc', '/a/b']);
  });
  it('reads this machine\'s table, which has /', async () => {
    expect(await currentMountPoints()).to.include('/');
  });
});
