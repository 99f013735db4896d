// Replays test/cases/yaml/syntax-errors.yml: each text is written to a real file and loaded the
// way `tsplay run` loads it (loadRun: as the playbook, or as the inventory of a small playbook);
// the error must be an InputError at the case's line:col whose text holds the offending line and
// a caret under that column.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import yaml from 'js-yaml';
import { projectRoot } from '../../../engine/paths.js';
import { loadRun } from '../../../engine/runner/run.js';
import { InputError } from '../../../engine/errors.js';

interface SyntaxCase {
  name: string;
  /** playbook (default) or inventory */
  as?: 'playbook' | 'inventory';
  text: string;
  expect: { line: number; col: number; error: string; caret?: [string, string] };
}

const CASES = yaml.load(readFileSync(join(projectRoot(), 'test', 'cases', 'yaml', 'syntax-errors.yml'), 'utf8')) as SyntaxCase[];

describe('YAML syntax errors (test/cases/yaml/syntax-errors.yml)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-yaml-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(c.name, async () => {
      const bad = join(dir, c.as === 'inventory' ? 'hosts.yml' : 'site.yml');
      await writeFile(bad, c.text);
      if (c.as === 'inventory') await writeFile(join(dir, 'site.yml'), '- hosts: all\n  tasks: []\n');
      const err = await loadRun({ playbook: join(dir, 'site.yml'), inventory: [c.as === 'inventory' ? bad : 'localhost,'] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'an input error').to.be.instanceOf(InputError);
      const e = err as InputError;
      expect(e.location()).to.equal(`${bad}:${c.expect.line}:${c.expect.col}`);
      expect(e.message).to.contain(c.expect.error);
      // the offending line, then a caret under the column, each after a "N | " gutter
      const lines = e.message.split('\n');
      const i = lines.findIndex((l) => /^ *\d+ \| /.test(l));
      expect(i, `a quoted line in ${JSON.stringify(e.message)}`).to.be.greaterThan(0);
      const gutter = lines[i].indexOf('| ') + 2;
      expect(lines[i].slice(0, gutter).trim()).to.equal(`${c.expect.line} |`);
      expect(lines[i + 1].indexOf('^') - gutter, 'caret column').to.equal(c.expect.col - 1);
      if (c.expect.caret) expect([lines[i].slice(gutter), lines[i + 1].slice(gutter)]).to.deep.equal(c.expect.caret);
    });
  }
});
