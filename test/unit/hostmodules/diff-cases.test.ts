// Data-driven pure diffs: test/cases/hostmodules/<module>/*.json give the parsed read result
// (`current`) and params; the plan's kind and text must match.
import { expect } from 'chai';
import { loadCases } from '../facts/cases-dir.js';
import type { Module } from '../../../engine/modules/types.js';
import { aptModule } from '../../../engine/modules/builtin/apt.js';
import { packageModule } from '../../../engine/modules/builtin/package.js';
import { dpkgSelectionsModule } from '../../../engine/modules/builtin/dpkg_selections.js';
import { serviceModule } from '../../../engine/modules/builtin/service.js';
import { sysctlModule } from '../../../engine/modules/builtin/sysctl.js';
import { modprobeModule } from '../../../engine/modules/builtin/modprobe.js';
import { getUrlModule } from '../../../engine/modules/builtin/get_url.js';
import { unarchiveModule } from '../../../engine/modules/builtin/unarchive.js';
import { waitForModule } from '../../../engine/modules/builtin/wait_for.js';
import { uriModule } from '../../../engine/modules/builtin/uri.js';

const MODULES: Record<string, Module<any, any>> = {
  apt: aptModule,
  package: packageModule,
  dpkg_selections: dpkgSelectionsModule,
  service: serviceModule,
  sysctl: sysctlModule,
  modprobe: modprobeModule,
  get_url: getUrlModule,
  unarchive: unarchiveModule,
  wait_for: waitForModule,
  uri: uriModule,
};

interface DiffCase {
  description: string;
  params: Record<string, unknown>;
  current: unknown;
  expected: {
    kind: 'noop' | 'change' | 'fail';
    summary?: string;
    reason?: string;
    msg?: string;
    /** substrings of summary/reason/msg */
    includes?: string[];
    data?: unknown;
    unknowable?: boolean;
    /** fileDiffs: path -> after (null: removed) */
    files?: Record<string, string | null>;
    result?: Record<string, unknown>;
  };
}

describe('host module diffs (test/cases/hostmodules)', () => {
  const cases = loadCases<DiffCase>('hostmodules');
  it('has cases for every host module', () => {
    const dirs = new Set(cases.map((c) => c.file.split('/')[0]));
    for (const m of Object.keys(MODULES)) expect(dirs, m).to.include(m);
  });
  for (const { file, data } of cases) {
    it(`${file}: ${data.description}`, () => {
      const mod = MODULES[file.split('/')[0]];
      expect(mod, `module for ${file}`).to.not.equal(undefined);
      const plan = mod.diff(data.params, data.current);
      const e = data.expected;
      expect(plan.kind, JSON.stringify(plan)).to.equal(e.kind);
      const text = plan.kind === 'noop' ? plan.reason : plan.kind === 'change' ? plan.summary : plan.msg;
      if (e.summary !== undefined) expect(text).to.equal(e.summary);
      if (e.reason !== undefined) expect(text).to.equal(e.reason);
      if (e.msg !== undefined) expect(text).to.equal(e.msg);
      for (const s of e.includes ?? []) expect(text).to.include(s);
      if (plan.kind === 'change') {
        if (e.data !== undefined) expect(plan.data).to.deep.equal(e.data);
        if (e.unknowable !== undefined) expect(!!plan.unknowable).to.equal(e.unknowable);
        if (e.files !== undefined) {
          const got = Object.fromEntries((plan.fileDiffs ?? []).map((d) => [d.path, d.after ?? null]));
          expect(got).to.deep.equal(e.files);
        }
      }
      if (e.result !== undefined) expect(plan.result).to.deep.include(e.result);
    });
  }
});
