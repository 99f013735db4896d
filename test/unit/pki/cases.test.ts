// Data-driven: test/cases/pki/**/*.json, each a real run of a PKI module in a fresh temp directory.
// Case: { description, setup?: Step[], module, params, check?, expect }. "$TMP" in any string is
// the temp directory. Setup steps: {module, params} (must not fail), {chmod, mode}, {copy, to},
// {remove}, {write, content}.
import { expect } from 'chai';
import { chmodSync, copyFileSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadCases } from '../facts/cases-dir.js';
import { makeContext, runModule, tempDir } from './context.js';
import { PKI_MODULES } from './modules.js';
import { leakedSecrets } from './leak.js';

type Step =
  | { module: string; params: Record<string, unknown> }
  | { chmod: string; mode: string }
  | { copy: string; to: string }
  | { remove: string }
  | { write: string; content: string };

interface PkiCase {
  description: string;
  setup?: Step[];
  module: string;
  params: Record<string, unknown>;
  check?: boolean;
  expect: {
    kind: 'noop' | 'change' | 'fail';
    /** apply ran and reported changed (or not) */
    changed?: boolean;
    failed?: boolean;
    /** substrings of the plan's summary / reason / msg, or of the failed result's msg */
    text?: string[];
    not_text?: string[];
    /** exactly the reasons of a certificate re-issue */
    reasons?: string[];
    /** substrings of the plan's fileDiffs (before/after/summary) */
    diff_text?: string[];
    diff_not_text?: string[];
    absent?: string[];
    present?: string[];
    modes?: Record<string, string>;
    /** what the same task plans right afterwards */
    second_run?: 'noop' | 'change' | 'fail';
  };
}

function subst<T>(v: T, dir: string): T {
  return JSON.parse(JSON.stringify(v).replaceAll('$TMP', dir)) as T;
}

function planText(plan: { kind: string; summary?: string; reason?: string; msg?: string }): string {
  return plan.kind === 'change' ? plan.summary! : plan.kind === 'noop' ? plan.reason! : plan.msg!;
}

describe('PKI modules (test/cases/pki)', () => {
  const cases = loadCases<PkiCase>('pki');
  it('has cases for every module', () => {
    for (const m of PKI_MODULES.keys()) expect(cases.some((c) => c.data.module === m), m).to.equal(true);
  });

  for (const { file, data: raw } of cases) {
    it(`${file}: ${raw.description}`, async () => {
      const tmp = tempDir();
      try {
        const c = subst(raw, tmp.dir);
        for (const step of c.setup ?? []) {
          if ('module' in step) {
            const r = await runModule(PKI_MODULES.get(step.module)!, step.params, makeContext());
            expect(r.plan.kind, `setup ${step.module}: ${planText(r.plan)}`).not.to.equal('fail');
            expect(r.result?.failed, `setup ${step.module}: ${r.result?.msg}`).to.not.equal(true);
          } else if ('chmod' in step) chmodSync(step.chmod, parseInt(step.mode, 8));
          else if ('copy' in step) copyFileSync(step.copy, step.to);
          else if ('remove' in step) rmSync(step.remove);
          else writeFileSync(step.write, step.content);
        }
        const module = PKI_MODULES.get(c.module);
        expect(module, c.module).to.not.equal(undefined);
        const { plan, result } = await runModule(module!, c.params, makeContext(c.check ?? false));
        const e = c.expect;
        const text = planText(plan) + (result?.msg ? `\n${result.msg}` : '');
        expect(plan.kind, text).to.equal(e.kind);
        for (const t of e.text ?? []) expect(text).to.include(t);
        for (const t of e.not_text ?? []) expect(text).not.to.include(t);
        if (e.changed !== undefined) expect(result?.changed ?? false, text).to.equal(e.changed);
        if (e.failed !== undefined) expect(result?.failed ?? false, text).to.equal(e.failed);
        else expect(result?.failed, text).to.not.equal(true);
        if (e.reasons) {
          const reasons = (result?.reasons ?? (plan.kind === 'change' ? plan.result?.reasons : undefined)) as string[] | undefined;
          expect(reasons, text).to.deep.equal(e.reasons);
        }
        const diffText = plan.kind === 'change' ? JSON.stringify(plan.fileDiffs ?? []) : '';
        for (const t of e.diff_text ?? []) expect(diffText).to.include(t);
        for (const t of e.diff_not_text ?? []) expect(diffText).not.to.include(t);
        for (const p of e.absent ?? []) expect(existsSync(p), `${p} exists`).to.equal(false);
        for (const p of e.present ?? []) expect(existsSync(p), `${p} missing`).to.equal(true);
        for (const [p, mode] of Object.entries(e.modes ?? {})) expect((statSync(p).mode & 0o7777).toString(8).padStart(4, '0'), p).to.equal(mode);
        expect(leakedSecrets(tmp.dir, plan, result), 'private key material in the plan or result').to.deep.equal([]);
        if (e.second_run) {
          const again = await runModule(module!, c.params, makeContext(true));
          expect(again.plan.kind, planText(again.plan)).to.equal(e.second_run);
          expect(leakedSecrets(tmp.dir, again.plan)).to.deep.equal([]);
        }
      } finally {
        tmp.remove();
      }
    });
  }
});
