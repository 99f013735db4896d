// Replays every data-driven case in test/cases/modules/<module>/*.json against real files in a
// temporary directory: read -> diff -> apply (not in check mode), then a second run that must
// report no change (idempotence), unless the case says it cannot be idempotent.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { readFile, lstat, readlink } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { findModule } from '../../../engine/modules/registry.js';
import type { FileDiff, Module, TaskResult } from '../../../engine/modules/types.js';
import { applySetup, makeContext, makeTmp, removeTmp, runModule, snapshot, type Setup } from './harness.js';

interface FileExpect {
  exists?: boolean;
  type?: 'file' | 'directory' | 'link';
  content?: string;
  mode?: string;
  target?: string;
  owner_uid?: number;
}

interface Case {
  name: string;
  setup?: Setup;
  /** files on the controller, relative to its root (files/x, templates/y.hbs) */
  controller?: Setup;
  params: Record<string, unknown>;
  vars?: Record<string, unknown>;
  check?: boolean;
  /**
   * check mode: an earlier task made a change that was not predicted (a command), so a path
   * missing now may exist at this task's turn
   */
  after_unpredicted_change?: boolean;
  /** false when a second run must change again (command without creates, touch) */
  idempotent?: boolean;
  expect: {
    changed: boolean;
    failed?: boolean;
    skipped?: boolean;
    plan?: 'noop' | 'change' | 'fail';
    msg_contains?: string;
    reason_contains?: string;
    result?: Record<string, unknown>;
    files?: Record<string, FileExpect>;
    diff?: FileDiff[];
    /** the result names a backup file holding this setup file's original content */
    backup_of?: string;
    /** the run throws (bad template, missing src): an input error, before any change */
    error_contains?: string;
  };
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return dir;
}

function substitute<T>(value: T, tmp: string): T {
  if (typeof value === 'string') return value.replaceAll('$TMP', tmp) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, tmp)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll('$TMP', tmp), substitute(v, tmp)])) as T;
  return value;
}

function expectSubset(actual: unknown, wanted: unknown, path: string): void {
  if (wanted === null) {
    // null in a case: the key is absent (or null)
    expect(actual ?? null, path).to.equal(null);
  } else if (Array.isArray(wanted) && wanted.some((w) => w && typeof w === 'object' && !Array.isArray(w))) {
    // a list of objects: as many, each holding what its wanted object says (find's stat fields)
    expect(actual, path).to.be.an('array').with.length(wanted.length);
    wanted.forEach((w, i) => expectSubset((actual as unknown[])[i], w, `${path}[${i}]`));
  } else if (wanted && typeof wanted === 'object' && !Array.isArray(wanted)) {
    expect(actual, path).to.be.an('object');
    for (const [k, v] of Object.entries(wanted)) expectSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    expect(actual, path).to.deep.equal(wanted);
  }
}

async function checkFiles(tmp: string, files: Record<string, FileExpect>): Promise<void> {
  for (const [rel, want] of Object.entries(files)) {
    const p = join(tmp, rel);
    const st = await lstat(p).catch(() => null);
    if (want.exists === false) {
      expect(st, `${rel} should be absent`).to.equal(null);
      continue;
    }
    expect(st, `${rel} should exist`).to.not.equal(null);
    if (want.type) expect(st!.isFile() ? 'file' : st!.isDirectory() ? 'directory' : st!.isSymbolicLink() ? 'link' : 'other', `${rel} type`).to.equal(want.type);
    if (want.mode) expect((st!.mode & 0o7777).toString(8).padStart(4, '0'), `${rel} mode`).to.equal(want.mode);
    if (want.content !== undefined) expect((await readFile(p)).toString('utf8'), `${rel} content`).to.equal(want.content);
    if (want.target !== undefined) expect(await readlink(p), `${rel} link target`).to.equal(want.target);
    if (want.owner_uid !== undefined) expect(st!.uid, `${rel} uid`).to.equal(want.owner_uid);
  }
}

function originalContent(setup: Setup | undefined, rel: string): string {
  const f = setup?.files?.[rel];
  return typeof f === 'string' ? f : (f?.content ?? '');
}

const casesDir = join(repoRoot(), 'test', 'cases', 'modules');

describe('module cases (test/cases/modules)', () => {
  for (const modName of readdirSync(casesDir).sort()) {
    describe(modName, () => {
      let mod: Module | undefined;
      before(async () => {
        mod = await findModule(modName);
      });
      it('is a built-in module', () => expect(mod, modName).to.not.equal(undefined));
      for (const file of readdirSync(join(casesDir, modName)).filter((f) => f.endsWith('.json')).sort()) {
        const raw = JSON.parse(readFileSync(join(casesDir, modName, file), 'utf8')) as Case | Case[];
        for (const c of Array.isArray(raw) ? raw : [raw]) {
          it(`${file}: ${c.name}`, async () => {
            const tmp = await makeTmp();
            const ctrl = await makeTmp();
            try {
              await applySetup(tmp, c.setup);
              await applySetup(ctrl, c.controller);
              const params = substitute(c.params, tmp);
              const vars = substitute(c.vars ?? {}, tmp);
              const want = substitute(c.expect, tmp);
              const before = await snapshot(tmp);
              const run = () => {
                const ctx = makeContext({ controllerDir: ctrl, vars, check: c.check });
                if (c.after_unpredicted_change) ctx.facts.unpredictedChange();
                return runModule(mod!, params, ctx);
              };
              if (want.error_contains) {
                const err = await run().then(
                  () => undefined,
                  (e: Error) => e,
                );
                expect(err?.message, 'the run should throw').to.contain(want.error_contains);
                expect(await snapshot(tmp), 'an error leaves files alone').to.deep.equal(before);
                return;
              }
              const { plan, result } = await run();
              const show = JSON.stringify({ plan: { ...plan, data: undefined }, result }, null, 1);
              expect(result.changed, `changed: ${show}`).to.equal(want.changed);
              expect(!!result.failed, `failed: ${show}`).to.equal(!!want.failed);
              if (want.skipped !== undefined) expect(!!result.skipped, 'skipped').to.equal(want.skipped);
              if (want.plan) expect(plan.kind, `plan: ${show}`).to.equal(want.plan);
              if (plan.kind === 'noop') expect(plan.reason, 'every no-op says why').to.be.a('string').and.not.equal('');
              if (want.msg_contains) expect(String(result.msg), `msg: ${show}`).to.contain(want.msg_contains);
              if (want.reason_contains) expect(plan.kind === 'noop' ? plan.reason : plan.kind === 'change' ? plan.summary : plan.msg).to.contain(want.reason_contains);
              if (want.result) expectSubset(result, want.result, 'result');
              if (want.diff) {
                expect(result.diff, `diff: ${show}`).to.have.length(want.diff.length);
                want.diff.forEach((d, i) => expectSubset((result.diff as FileDiff[])[i], d, `diff[${i}]`));
              }
              if (want.backup_of) {
                expect(result.backup_file, 'backup_file').to.be.a('string');
                expect((await readFile(result.backup_file as string)).toString('utf8')).to.equal(originalContent(c.setup, want.backup_of));
              }
              if (c.check || result.failed) {
                expect(await snapshot(tmp), 'check mode and failures leave files alone').to.deep.equal(before);
              }
              if (want.files) await checkFiles(tmp, want.files);
              if (!c.check && c.idempotent !== false) {
                const again: TaskResult = (await run()).result;
                expect(again.changed, `second run changed: ${JSON.stringify(again)}`).to.equal(false);
                expect(!!again.failed, 'second run failed').to.equal(!!want.failed);
                if (want.files) await checkFiles(tmp, want.files);
              }
            } finally {
              await removeTmp(tmp);
              await removeTmp(ctrl);
            }
          });
        }
      }
    });
  }
});
