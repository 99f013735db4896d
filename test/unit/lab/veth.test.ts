// A container killed with SIGKILL can leave its veth pair behind for a while; the next boot of that
// host then fails with "File exists". Checked on a real veth pair (root only).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { releaseVeth, vethName } from '../../../engine/lab/orphans.js';

const run = promisify(execFile);
const NAME = `tsv${process.pid % 100000}`;
const exists = () => run('ip', ['link', 'show', 'dev', vethName(NAME)]).then(() => true, () => false);

describe('lab: a veth left by a dead container', function () {
  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    try {
      await run('ip', ['link', 'add', vethName(NAME), 'type', 'veth', 'peer', 'name', `${NAME}p`]);
    } catch {
      this.skip(); // no veth support in this environment
    }
  });
  after(async () => {
    await run('ip', ['link', 'delete', 'dev', vethName(NAME)]).catch(() => undefined);
  });

  it('is named as nspawn names it, within the 15-byte limit', () => {
    expect(vethName('master1')).to.equal('vb-master1');
    expect(vethName('a-very-long-host-name')).to.have.length(15);
  });

  it('is removed before the host boots again, and the log says so', async () => {
    expect(await exists()).to.equal(true);
    const lines: string[] = [];
    await releaseVeth(NAME, (l) => lines.push(l));
    expect(await exists()).to.equal(false);
    expect(lines.join('\n')).to.include(`removing ${vethName(NAME)}`);
  });

  it('nothing to do when there is none', async () => {
    const lines: string[] = [];
    await releaseVeth(`${NAME}x`, (l) => lines.push(l));
    expect(lines).to.deep.equal([]);
  });
});
