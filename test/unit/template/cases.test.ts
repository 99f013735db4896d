// Replays the data-driven cases in test/cases/template/*.json (format: test/cases/template/README.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { TemplateError } from '../../../engine/errors.js';
import { Templater, evalCondition, type Condition } from '../../../engine/template/index.js';

interface Case {
  name: string;
  string?: string;
  text?: string;
  condition?: Condition;
  vars?: Record<string, unknown>;
  expected?: unknown;
  error?: string;
}

/** The cases live in the source tree; tests may run from a build directory below it. */
function casesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'test', 'cases', 'template');
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('test/cases/template not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

const WHERE = { file: 'case.yml', line: 7, col: 3 };
const dir = casesDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('template cases (test/cases/template)', () => {
  it('finds the case files', () => {
    expect(files).to.include.members(['basics.json', 'strict.json', 'helpers.json', 'conditions.json', 'prototype.json', 'direct.json']);
  });

  for (const file of files) {
    const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { vars?: Record<string, unknown>; cases: Case[] };
    describe(file, () => {
      // every case runs on the direct path (plain variables without Handlebars) and on Handlebars alone
      const both: Array<[string, Templater]> = [
        ['', new Templater()],
        [' (Handlebars only)', new Templater({ direct: false })],
      ];
      for (const c of data.cases) {
        for (const [suffix, templater] of c.condition === undefined ? both : both.slice(0, 1))
          it(c.name + suffix, () => {
            const vars = { ...(data.vars ?? {}), ...(c.vars ?? {}) };
            const modes = [c.string !== undefined, c.text !== undefined, c.condition !== undefined].filter(Boolean);
            expect(modes, 'exactly one of string, text, condition').to.have.length(1);
            expect('expected' in c !== 'error' in c, 'exactly one of expected, error').to.equal(true);
            const run = (): unknown => {
              if (c.string !== undefined) return templater.renderString(c.string, vars, WHERE);
              if (c.text !== undefined) return templater.renderText(c.text, vars, WHERE);
              // conditions: both the cached method and the one-off function must agree
              const viaTemplater = templater.evalCondition(c.condition!, vars, WHERE);
              expect(evalCondition(c.condition!, vars, WHERE)).to.equal(viaTemplater);
              return viaTemplater;
            };
            if (c.error !== undefined) {
              let caught: unknown;
              try {
                run();
              } catch (e) {
                caught = e;
              }
              expect(caught, 'expected a TemplateError').to.be.instanceOf(TemplateError);
              const err = caught as TemplateError;
              expect(err.message).to.include(c.error);
              expect(err.describe()).to.match(/^case\.yml:7:3: /);
              expect(err.exitCode).to.equal(4);
            } else {
              expect(run()).to.deep.equal(c.expected);
            }
          });
      }
    });
  }
});
