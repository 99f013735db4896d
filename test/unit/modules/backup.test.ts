// backup: yes on real files: Ansible's names (PATH.PID.YYYY-MM-DD@HH:MM:SS~, the host's pid and
// clock) and no backup ever replaces another. The host's `date` is pinned by a PATH shim and the
// controller's clock frozen, so "two edits in one second" is a fact of the test, not a race.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, readdir, chmod, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModule } from '../../../engine/modules/registry.js';
import type { Module } from '../../../engine/modules/types.js';
import { makeContext, runModule } from './harness.js';

const STAMP = '2024-02-29@12:34:56';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs fn with `date` on PATH printing STAMP (first running `extra`, shell text) and Date frozen. */
async function pinnedClock<T>(bin: string, extra: string, fn: () => Promise<T>): Promise<T> {
  await writeFile(join(bin, 'date'), `#!/bin/sh\n${extra}\necho ${STAMP}\n`);
  await chmod(join(bin, 'date'), 0o755);
  const RealDate = Date;
  const frozen = new RealDate(2024, 1, 29, 12, 34, 56).getTime();
  class FrozenDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length) super(...(args as [number]));
      else super(frozen);
    }
    static override now() {
      return frozen;
    }
  }
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  globalThis.Date = FrozenDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
    process.env.PATH = path;
  }
}

describe('backup: yes (real files)', () => {
  let dir: string;
  let bin: string;
  let ctrl: string;
  let copy: Module;
  before(async () => {
    copy = (await findModule('copy'))!;
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-backup-'));
    bin = await mkdtemp(join(tmpdir(), 'tsplay-backup-bin-'));
    ctrl = await mkdtemp(join(tmpdir(), 'tsplay-backup-ctrl-'));
  });
  afterEach(async () => {
    for (const d of [dir, bin, ctrl]) await rm(d, { recursive: true, force: true });
  });
  const edit = (dest: string, content: string) => runModule(copy, { dest, content, backup: true }, makeContext({ controllerDir: ctrl }));

  it("is named as Ansible's: PATH.PID.YYYY-MM-DD@HH:MM:SS~, and keeps mode and content", async () => {
    const f = join(dir, 'app.conf');
    await writeFile(f, 'v1\n', { mode: 0o640 });
    const r = await edit(f, 'v2\n');
    const name = String(r.result.backup_file);
    expect(name).to.match(new RegExp(`^${escapeRe(f)}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(await readFile(name, 'utf8')).to.equal('v1\n');
    expect((await stat(name)).mode & 0o7777).to.equal(0o640);
    expect((await readdir(dir)).sort()).to.deep.equal(['app.conf', name.slice(dir.length + 1)].sort());
  });

  it('two edits of one file in the same second both keep their originals', async () => {
    const f = join(dir, 'app.conf');
    await writeFile(f, 'v1\n');
    const [a, b] = await pinnedClock(bin, '', async () => [await edit(f, 'v2\n'), await edit(f, 'v3\n')]);
    const first = String(a.result.backup_file);
    const second = String(b.result.backup_file);
    expect(second, 'a second name').to.not.equal(first);
    expect(await readFile(first, 'utf8'), 'the first original').to.equal('v1\n');
    expect(await readFile(second, 'utf8'), 'the second original').to.equal('v2\n');
    expect(await readFile(f, 'utf8')).to.equal('v3\n');
    expect(first).to.match(new RegExp(`^${escapeRe(f)}\\.\\d+\\.${escapeRe(STAMP)}~$`));
    expect(second).to.match(new RegExp(`^${escapeRe(f)}\\.\\d+\\.${escapeRe(STAMP)}(\\.\\d+)?~$`));
  });

  it('a backup name already taken (same pid, same second) is never overwritten: the next free name is used', async () => {
    const f = join(dir, 'app.conf');
    await writeFile(f, 'v1\n');
    // the shim runs in the backup script's command substitution: its parent is that script, so
    // $PPID is the pid the script puts in the name; it takes that name (and the .1 after it) first
    const taken = (n: string) => `printf 'not ours\\n' > '${f}.'"$PPID"'.${STAMP}${n}~'`;
    const r = await pinnedClock(bin, `${taken('')}\n${taken('.1')}`, () => edit(f, 'v2\n'));
    const name = String(r.result.backup_file);
    expect(name).to.match(new RegExp(`^${escapeRe(f)}\\.\\d+\\.${escapeRe(STAMP)}\\.2~$`));
    expect(await readFile(name, 'utf8')).to.equal('v1\n');
    const others = (await readdir(dir)).filter((n) => n.startsWith('app.conf.') && join(dir, n) !== name);
    expect(others).to.have.length(2);
    for (const n of others) expect(await readFile(join(dir, n), 'utf8'), n).to.equal('not ours\n');
    expect((await readdir(dir)).filter((n) => n.includes('tsplay-backup')), 'no temp file left').to.deep.equal([]);
  });
});
