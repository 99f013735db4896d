// The CLI's heap policy: which plays get the flag, that it is applied once, and that the flag,
// set at run time as the CLI does, really holds V8's heap down (a child process that keeps
// ~40 MB alive and churns through objects that survive a few scavenges, as a large run does).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { heapFlagFor, heapPolicy, MANY_HOSTS } from '../../../engine/cli/heap-policy.js';
import { runPlaybook } from '../../../engine/runner/run.js';
import type { HostResultEvent } from '../../../engine/report/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const POLICY = join(here, '..', '..', '..', 'engine', 'cli', 'heap-policy.js');

const CHURN = `
const { heapPolicy } = await import(${JSON.stringify(POLICY)});
heapPolicy().onPlayStart({ name: 'p', hosts: Array.from({ length: Number(process.argv[1]) }, (_, i) => 'h' + i) });
const keep = []; for (let i = 0; i < 200000; i++) keep.push({ a: 'x' + i, b: [i, i + 1], c: { d: i } });
const ring = new Array(150000); let peak = 0;
for (let i = 0; i < 2500000; i++) {
  ring[i % ring.length] = { a: 'y' + i, b: [i, i], c: { d: i, e: 'z' + (i & 1023) } };
  if ((i & 4095) === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
console.log(JSON.stringify({ peak, kept: keep.length }));
`;

function peakHeap(hosts: number): number {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHURN, String(hosts)], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout).peak;
}

describe('cli heap policy', () => {
  it('asks for a slower heap growth only on plays of MANY_HOSTS or more', () => {
    expect(heapFlagFor(MANY_HOSTS - 1)).to.equal(undefined);
    expect(heapFlagFor(1)).to.equal(undefined);
    expect(heapFlagFor(MANY_HOSTS)).to.equal('--heap-growing-percent=50');
    expect(heapFlagFor(5000)).to.equal('--heap-growing-percent=50');
  });

  it('applies the flag once, at the first large play', () => {
    const seen: string[] = [];
    const p = heapPolicy((f) => seen.push(f));
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i}`);
    p.onPlayStart!({ name: 'small', hosts: hosts(10) });
    expect(seen).to.deep.equal([]);
    p.onPlayStart!({ name: 'large', hosts: hosts(MANY_HOSTS) });
    p.onPlayStart!({ name: 'large again', hosts: hosts(600) });
    expect(seen).to.deep.equal(['--heap-growing-percent=50']);
    expect(p.applied).to.equal('--heap-growing-percent=50');
  });

  it('is a run hook: a run applies it once, at its first large play, with no reporter involved', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'tsplay-heap-'));
    try {
      const names = Array.from({ length: MANY_HOSTS + 10 }, (_, i) => `h${i}`);
      const hosts = (list: string[]) => Object.fromEntries(list.map((n) => [n, null]));
      const inventory = { all: { vars: { ansible_connection: 'local' }, children: { small: { hosts: hosts(names.slice(0, 10)) }, rest: { hosts: hosts(names.slice(10)) } } } };
      await writeFile(join(tmp, 'hosts.yml'), JSON.stringify(inventory));
      const play = (name: string, pattern: string) => ({ name, hosts: pattern, gather_facts: false, tasks: [{ name: 'x', debug: { msg: 'x' } }] });
      await writeFile(join(tmp, 'playbook.yml'), JSON.stringify([play('small', 'small'), play('large', 'all'), play('large again', 'all')]));
      const seen: string[] = [];
      const results: HostResultEvent[] = [];
      const r = await runPlaybook({
        playbook: join(tmp, 'playbook.yml'),
        inventory: [join(tmp, 'hosts.yml')],
        // a reporter that sees the plays start gets nothing of the policy's
        reporters: [{ onHostResult: (ev) => results.push(ev) }],
        hooks: [heapPolicy((f) => seen.push(f))],
      });
      expect(r.exitCode).to.equal(0);
      expect(results.length).to.equal(10 + 2 * names.length);
      expect(seen).to.deep.equal(['--heap-growing-percent=50']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('set at run time, the flag keeps the heap well below what V8 grows to by default', function () {
    this.timeout(120_000);
    const small = peakHeap(10);
    const large = peakHeap(MANY_HOSTS);
    // the bound leaves room for how V8 sizes the heap from one machine to another
    expect(large, `peak heap with the flag ${large}, without ${small}`).to.be.below(small * 0.7);
  });
});
