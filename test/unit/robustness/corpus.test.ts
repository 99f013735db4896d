// Parser robustness: thousands of malformed or adversarial inputs each end in a clean input
// error (exit code 4, file and line, no stack trace) within bounds, before any host is contacted.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { spawn } from 'node:child_process';
import { loadRun } from '../../../engine/runner/run.js';
import { TsplayError } from '../../../engine/errors.js';
import { CLI } from '../../e2e/run-tsplay.js';
import { corpus, GENERATOR_NAMES } from './corpus.js';

const SEED = Number(process.env.TSPLAY_CORPUS_SEED ?? 20261125);
const COUNT = Number(process.env.TSPLAY_CORPUS_SIZE ?? 3000);
/** generous bounds: they catch hangs and blow-ups, not slowness */
const CASE_MS = 10_000;
const HEAP_BYTES = 1024 * 1024 * 1024;

describe(`robustness: a corpus of ${COUNT} bad inputs (seed ${SEED})`, function () {
  this.timeout(600_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-corpus-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('every case is a clean input error naming its file and line', async () => {
    const perKind = new Map<string, number>();
    let slowest = 0;
    let peakHeap = 0;
    const failures: string[] = [];
    let i = 0;
    for (const c of corpus(SEED, COUNT)) {
      i++;
      const pb = join(dir, 'site.yml');
      const inv = join(dir, 'hosts.yml');
      await writeFile(pb, c.playbook);
      await writeFile(inv, c.inventory);
      const t0 = Date.now();
      let err: unknown;
      try {
        await loadRun({ playbook: pb, inventory: [inv] });
      } catch (e) {
        err = e;
      }
      const ms = Date.now() - t0;
      slowest = Math.max(slowest, ms);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      const problem =
        err === undefined ? 'accepted'
        : !(err instanceof TsplayError) ? `not a TsplayError: ${(err as Error)?.stack ?? err}`
        : err.exitCode !== 4 ? `exit code ${err.exitCode}: ${err.describe()}`
        : !err.where.file ? `no file: ${err.describe()}`
        : err.where.line === undefined ? `no line: ${err.describe()}`
        : /\n\s+at /.test(err.message) ? `stack trace in message: ${err.message}`
        : ms > CASE_MS ? `took ${ms} ms`
        : undefined;
      if (problem) failures.push(`#${i} ${c.name}: ${problem}\n--- playbook\n${c.playbook.slice(0, 400)}\n--- inventory\n${c.inventory}`);
      perKind.set(c.name.split(' (')[0], (perKind.get(c.name.split(' (')[0]) ?? 0) + 1);
    }
    console.log(`      ${COUNT} cases over ${GENERATOR_NAMES.length} generators; slowest ${slowest} ms; peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB; failures ${failures.length}`);
    const kinds = new Map<string, number>();
    for (const f of failures) {
      const k = f.split('\n')[0].replace(/^#\d+ /, '').replace(/(: [^:]*).*/, '$1').slice(0, 80);
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    expect([...kinds].map(([k, n]) => `${n}× ${k}`).join('\n') + (failures.length ? `\n\nfirst:\n${failures[0]}` : '')).to.equal('');
    expect(peakHeap).to.be.lessThan(HEAP_BYTES);
  });

  describe('through the CLI', () => {
    let server: Server;
    let connections = 0;
    let port = 0;
    before(async () => {
      server = createServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
      port = (server.address() as { port: number }).port;
    });
    after(() => new Promise<void>((res) => server.close(() => res())));

    it('exits 4 with an ERROR line and no stack trace, and never connects to the host', async () => {
      const sample = [...corpus(SEED + 1, GENERATOR_NAMES.length * 2)];
      for (const c of sample) {
        await writeFile(join(dir, 'site.yml'), c.playbook);
        await writeFile(join(dir, 'hosts.yml'), c.inventory.replace('ansible_port: 1', `ansible_port: ${port}`));
        const r = await new Promise<{ code: number | null; out: string }>((res) => {
          const p = spawn(process.execPath, [CLI, 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')]);
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (out += d));
          p.on('close', (code) => res({ code, out }));
        });
        expect(r.code, `${c.name}\n${r.out}`).to.equal(4);
        expect(r.out, c.name).to.match(/^ERROR! .*:\d+/m);
        expect(r.out, c.name).to.not.match(/\n\s+at .*\.js:\d+/);
      }
      expect(connections).to.equal(0);
    });
  });
});
