// Host ranges are bounded: a range too large is a clear input error (file:line, the range, the
// limit, exit 4) before any name is made, and an inventory of 130,000 hosts written out one by
// one (no ranges) is listed without overflowing the stack.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

// the old code built every name first: 100,000,000 of them need gigabytes; 256 MB of heap makes
// that a crash instead of a long wait
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=256' };

describe('e2e: host ranges are bounded', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-bounds-'));
    await writeFile(join(dir, 'pb.yml'), '- hosts: all\n  gather_facts: false\n  tasks: []\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: [string, string, string, RegExp][] = [
    ['yaml, one range', 'r1.yml', 'all:\n  hosts:\n    node[1:130000]:\n', /r1\.yml:3:5: host range "node\[1:130000\]" gives 130,000 hosts; at most 10,000 per entry: split it into several entries/],
    ['yaml, a typo', 'r2.yml', 'all:\n  children:\n    web:\n      hosts:\n        web[0:99999999]: { ansible_port: 22 }\n', /r2\.yml:5:9: host range "web\[0:99999999\]" gives 100,000,000 hosts; at most 10,000 per entry/],
    ['ini, two ranges multiplied', 'r3.ini', '[web]\nw1\nrack[1:200]-n[1:100]\n', /r3\.ini:3:1: host range "rack\[1:200\]-n\[1:100\]" gives 20,000 hosts; at most 10,000 per entry/],
    ['yaml, many entries', 'r4.yml', `all:\n  hosts:\n${Array.from({ length: 11 }, (_, i) => `    g${i}n[0:9999]:\n`).join('')}`, /r4\.yml:13:5: host range "g10n\[0:9999\]" brings the hosts made by ranges in this inventory to 110,000; at most 100,000 in all/],
  ];
  for (const [what, file, text, message] of cases) {
    it(`${what}: exit 4 with file:line, the range and the limit`, async () => {
      await writeFile(join(dir, file), text);
      for (const args of [['run', join(dir, 'pb.yml'), '--list-hosts'], ['inventory', '--list']]) {
        const r = await tsplay([...args, '-i', join(dir, file)], { env: SMALL_HEAP, timeoutMs: 60_000 });
        expect(r.code, r.stderr).to.equal(4);
        expect(r.stderr).to.match(message);
        expect(r.stderr).to.not.match(/\n\s+at /); // no stack trace
        expect(r.stdout).to.equal('');
      }
    });
  }

  it('130,000 hosts written one by one are listed', async () => {
    const N = 130_000;
    const lines = ['all:', '  children:', '    big:', '      hosts:'];
    for (let i = 0; i < N; i++) lines.push(`        node${i}:`);
    await writeFile(join(dir, 'big.yml'), lines.join('\n') + '\n');
    await writeFile(join(dir, 'big-pb.yml'), '- hosts: big\n  gather_facts: false\n  tasks: []\n');
    const r = await tsplay(['run', join(dir, 'big-pb.yml'), '-i', join(dir, 'big.yml'), '--list-hosts']);
    expect(r.code, r.stderr.slice(0, 2000)).to.equal(0);
    const listed = r.stdout.split('\n').filter((l) => /^\s+node\d+$/.test(l)).map((l) => l.trim());
    expect(listed).to.have.length(N);
    expect(listed[0]).to.equal('node0');
    expect(listed[N - 1]).to.equal(`node${N - 1}`);
    expect(r.stdout).to.include(`hosts (${N})`);
  });
});
