// The README's Jinja translation tables (Ansible users' section) say what `tsplay migrate` and the
// load-time hints say: each Jinja example that is a whole expression or template is translated by
// the engine to exactly the form the table shows, and every helper of the reference is named there.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELPER_DOCS, CEL_DOCS, ConditionEvaluator } from '../../../engine/template/index.js';
import { translateCondition, translateTemplate } from '../../../engine/template/jinja.js';

function readme(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'README.md')) || !existsSync(path.join(dir, 'engine'))) {
    if (path.dirname(dir) === dir) throw new Error('README.md not found');
    dir = path.dirname(dir);
  }
  return readFileSync(path.join(dir, 'README.md'), 'utf8');
}

/** the rows of the table whose header is `| first | second |`, as lists of code spans per cell */
function table(text: string, header: string): Array<[string[], string[]]> {
  const start = text.indexOf(header);
  expect(start, header).to.be.above(-1);
  const rows: Array<[string[], string[]]> = [];
  for (const line of text.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1);
    const spans = (c: string) => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\\\|/g, '|'));
    rows.push([spans(cells[0]), spans(cells[1])]);
  }
  return rows;
}

describe('README: Jinja -> tsplay tables', () => {
  const text = readme();

  it('templates: each Jinja example becomes the Handlebars shown', () => {
    let checked = 0;
    for (const [jinja, hbs] of table(text, '| Jinja | tsplay (Handlebars) |')) {
      jinja.forEach((j, i) => {
        const h = hbs[i];
        if (h === undefined) return;
        if (/^[{]/.test(j)) {
          expect(translateTemplate(j).text, j).to.equal(h);
          checked++;
        } else if (h.startsWith('(')) {
          expect(translateTemplate(`{{ ${j} }}`).text, j).to.equal(`{{${h.slice(1, -1)}}}`);
          checked++;
        }
      });
    }
    expect(checked).to.be.above(15);
  });

  it('conditions: each Jinja example becomes the CEL shown', () => {
    let checked = 0;
    for (const [jinja, cel] of table(text, '| Jinja test or expression | CEL |')) {
      jinja.forEach((j, i) => {
        const t = translateCondition(j);
        if (!('cel' in t) && j.includes('…')) return; // an outline, not an expression
        if (!('cel' in t) && t.why === 'not a Jinja expression either') {
          // the same in both ('ok' in r.stdout): CEL reads it as written
          expect(() => new ConditionEvaluator().check(j), j).not.to.throw();
          expect(() => new ConditionEvaluator().check(cel[i]), cel[i]).not.to.throw();
        } else expect(t, j).to.deep.equal({ cel: cel[i] });
        checked++;
      });
    }
    expect(checked).to.be.above(20);
  });

  it('names every helper and the CEL functions of the reference', () => {
    const section = text.slice(text.indexOf('| Jinja | tsplay (Handlebars) |'), text.indexOf('Coming from Ansible, `tsplay run` takes'));
    // ne/lt/le/gt/ge are named with eq, or with and, get with lookup, with with each: one of a kind is shown
    const sameKind = new Set(['ne', 'lt', 'le', 'gt', 'ge', 'or', 'get', 'with']);
    for (const d of HELPER_DOCS) if (!sameKind.has(d.name)) expect(section, d.name).to.match(new RegExp(`[{(]#?${d.name}\\b`));
    for (const d of CEL_DOCS) for (const fn of d.usage.matchAll(/\b([a-z_][A-Za-z_]*)\(/g)) expect(section, fn[1]).to.include(fn[1]);
  });
});
