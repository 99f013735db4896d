// The per-inventory run lock on real files and real processes: the key, taking and releasing it,
// a live holder refused, a dead one (or a reused pid) taken over with a note.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, commandLine, lockPath, lockSources, procStart, type LockHolder } from '../../../engine/cli/run-lock.js';
import { TsplayError } from '../../../engine/errors.js';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('run lock (engine/cli/run-lock.ts)', () => {
  let dir: string;
  let locks: string;
  let inv: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-lock-'));
    locks = join(dir, 'locks');
    inv = join(dir, 'inv');
    mkdirSync(locks);
    mkdirSync(inv);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is keyed by the resolved inventory sources: relative, trailing slash, symlink and order do not matter', () => {
    symlinkSync(inv, join(dir, 'link'));
    writeFileSync(join(dir, 'more.yml'), '');
    const a = lockPath([inv, join(dir, 'more.yml')], { dir: locks });
    expect(lockPath([join(dir, 'more.yml'), `${inv}/`], { dir: locks })).to.equal(a);
    expect(lockPath([join(dir, 'link'), join(dir, '.', 'more.yml')], { dir: locks })).to.equal(a);
    expect(lockPath([inv], { dir: locks })).to.not.equal(a);
    expect(lockSources(['h1,h2,', inv])).to.deep.equal([inv, 'h1,h2,'].sort());
  });

  it('-i NAME is keyed as the inventory the run finds: inventories/NAME of the playbook\'s project', () => {
    const prod = join(dir, 'inventories', 'prod-lock-test');
    mkdirSync(prod, { recursive: true });
    const playbook = join(dir, 'playbooks', 'site.yml');
    expect(lockPath(['prod-lock-test'], { dir: locks, playbook })).to.equal(lockPath([prod], { dir: locks }));
    expect(lockSources(['prod-lock-test'], { playbook })).to.deep.equal([prod]);
  });

  it('a second taker is refused with the holder named; release removes the file; then it can be taken again', () => {
    const lock = acquireRunLock([inv], { dir: locks, argv: ['tsplay', 'run', 'site.yml', '-i', inv] });
    const holder = JSON.parse(readFileSync(lock.path, 'utf8')) as LockHolder;
    expect(holder).to.include({ pid: process.pid, command: `tsplay run site.yml -i ${inv}`, procStart: procStart(process.pid) });
    expect(holder.inventory).to.deep.equal([inv]);
    const e = thrown(() => acquireRunLock([`${inv}/`], { dir: locks }));
    expect(e).to.be.instanceOf(TsplayError);
    expect((e as TsplayError).exitCode).to.equal(1);
    expect(e.message).to.include(`another run of this inventory is in progress (pid ${process.pid}, user `);
    expect(e.message).to.include(`started ${holder.started}: tsplay run site.yml -i ${inv}`);
    expect(e.message).to.include('--no-lock');
    lock.release();
    expect(existsSync(lock.path)).to.equal(false);
    acquireRunLock([inv], { dir: locks }).release();
    expect(existsSync(lock.path)).to.equal(false);
  });

  it('the lock of a process that is gone is taken over, with a note naming it', () => {
    const dead = spawnSync('true').pid!;
    const path = lockPath([inv], { dir: locks });
    const stale: LockHolder = { pid: dead, started: '2026-01-02T03:04:05.000Z', command: 'tsplay run old.yml', user: 'someone', host: hostname(), inventory: [inv] };
    writeFileSync(path, JSON.stringify(stale));
    const notes: string[] = [];
    const lock = acquireRunLock([inv], { dir: locks, note: (m) => notes.push(m) });
    expect(notes).to.deep.equal([`took over the run lock of a run that is no longer running (pid ${dead}, user someone, started 2026-01-02T03:04:05.000Z: tsplay run old.yml)`]);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).to.equal(process.pid);
    lock.release();
  });

  it('a live pid that now belongs to another process (its start differs) is stale too', () => {
    const path = lockPath([inv], { dir: locks });
    writeFileSync(path, JSON.stringify({ pid: process.pid, started: 'then', command: 'tsplay run x', user: 'u', host: hostname(), inventory: [inv], procStart: '1' }));
    const notes: string[] = [];
    acquireRunLock([inv], { dir: locks, note: (m) => notes.push(m) }).release();
    expect(notes).to.have.length(1);
  });

  it('release leaves a lock that is no longer this run\'s; an unreadable lock is refused, not taken', () => {
    const lock = acquireRunLock([inv], { dir: locks });
    unlinkSync(lock.path);
    writeFileSync(lock.path, 'not json');
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).to.equal('not json');
    expect(thrown(() => acquireRunLock([inv], { dir: locks })).message).to.match(/^the run lock .* cannot be read: another run may hold it/);
    expect(readFileSync(lock.path, 'utf8')).to.equal('not json');
  });

  it('the command line in the lock hides the values of -e', () => {
    expect(commandLine(['tsplay', 'run', 'a b.yml', '-e', 'pw=secret', '--extra-vars', '@v.yml', '-epw=x', '--extra-vars={"a":1}', '-i', 'inv'])).to.equal(
      'tsplay run "a b.yml" -e … --extra-vars … -e… --extra-vars=… -i inv',
    );
  });
});

