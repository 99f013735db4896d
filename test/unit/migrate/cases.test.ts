// Replays test/cases/migrate/templates.json (format: test/cases/migrate/README.md): the text
// Python's jinja2 renders as Ansible's template module does, and the text tsplay renders from the
// migrated template, must be the same.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Templater } from '../../../engine/template/index.js';
import { translateTemplate } from '../../../engine/template/jinja.js';

interface Case {
  name: string;
  jinja: string;
  hbs?: string;
  vars?: Record<string, unknown>;
}

function casesFile(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'test', 'cases', 'migrate', 'templates.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('test/cases/migrate/templates.json not found');
    dir = path.dirname(dir);
  }
}

// Ansible's template module: trim_blocks, the trailing newline kept, an undefined variable an error
const RENDER = `
import json, sys
from jinja2 import Environment, StrictUndefined
cases = json.load(sys.stdin)
env = Environment(trim_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)
out = []
for c in cases:
    try:
        out.append({"text": env.from_string(c["jinja"]).render(**c["vars"])})
    except Exception as e:
        out.append({"error": repr(e)})
print(json.dumps(out))
`;

describe('migrate: templates translated render as Jinja renders them (test/cases/migrate)', function () {
  const data = JSON.parse(readFileSync(casesFile(), 'utf8')) as { vars: Record<string, unknown>; cases: Case[] };
  const cases = data.cases.map((c) => ({ ...c, vars: { ...data.vars, ...(c.vars ?? {}) } }));
  let rendered: Array<{ text?: string; error?: string }> = [];
  before(function () {
    const r = spawnSync('python3', ['-c', RENDER], { input: JSON.stringify(cases), encoding: 'utf8' });
    if (r.status !== 0 && /No module named 'jinja2'/.test(r.stderr)) this.skip(); // python3-jinja2 comes with ansible-core (scripts/setup.sh)
    expect(r.status, r.stderr).to.equal(0);
    rendered = JSON.parse(r.stdout);
  });

  cases.forEach((c, i) => {
    it(c.name, () => {
      const jinja = rendered[i];
      expect(jinja.error, 'the case is valid Jinja').to.equal(undefined);
      const t = translateTemplate(c.jinja);
      expect(t.problems, 'nothing left over').to.deep.equal([]);
      if (c.hbs !== undefined) expect(t.text).to.equal(c.hbs);
      expect(new Templater().renderText(t.text, c.vars), t.text).to.equal(jinja.text);
    });
  });
});
