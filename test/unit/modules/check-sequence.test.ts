// A --check run over several tasks on one host: later tasks see what earlier ones would have
// made (predictions), so the whole run is predicted from a fresh tree without failing, and
// nothing is written. Then the real run makes exactly the predicted diffs.
import { expect } from 'chai';
import { join } from 'node:path';
import { findModule } from '../../../engine/modules/registry.js';
import type { ModuleContext, TaskResult } from '../../../engine/modules/types.js';
import { makeContext, makeTmp, removeTmp, runModule, snapshot } from './harness.js';

describe('modules: a check-mode sequence sees predicted state', () => {
  let tmp: string;
  beforeEach(async () => (tmp = await makeTmp()));
  afterEach(async () => removeTmp(tmp));

  const tasks = (root: string): [string, Record<string, unknown>][] => [
    ['file', { dest: join(root, 'app'), state: 'directory', mode: '0750' }],
    ['copy', { content: 'motd\n', dest: join(root, 'app', 'motd') }],
    ['lineinfile', { path: join(root, 'app', 'settings.ini'), line: 'level = info', create: true }],
    ['blockinfile', { path: join(root, 'app', 'settings.ini'), block: '[listen]\nport = 80' }],
    ['copy', { content: 'motd\n', dest: join(root, 'app', 'motd') }],
  ];

  async function runAll(ctx: ModuleContext): Promise<TaskResult[]> {
    const out: TaskResult[] = [];
    for (const [mod, params] of tasks(tmp)) out.push((await runModule((await findModule(mod))!, params, ctx)).result);
    return out;
  }

  it('predicts every task, writes nothing, and matches the real run', async () => {
    const before = await snapshot(tmp);
    const predicted = await runAll(makeContext({ controllerDir: tmp, check: true }));
    expect(await snapshot(tmp)).to.deep.equal(before);
    expect(predicted.map((r) => [r.changed, !!r.failed, !!r.skipped])).to.deep.equal([
      [true, false, false],
      [true, false, false],
      [true, false, false],
      [true, false, false],
      [false, false, false], // the same copy again: its predicted content is already there
    ]);
    const real = await runAll(makeContext({ controllerDir: tmp }));
    expect(real.map((r) => r.changed)).to.deep.equal(predicted.map((r) => r.changed));
    expect(real.map((r) => r.diff ?? null)).to.deep.equal(predicted.map((r) => r.diff ?? null));
  });
});
