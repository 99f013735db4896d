// Site modules are code, and importing one runs its top level. With NAME.schema.json beside it,
// --syntax-check, --list-hosts and --list-tasks read that file instead and run none of the
// module's code; without one the module is imported (README "Site customization"). A run
// imports the module and refuses a schema file that differs from what the module exports.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const SCHEMA = {
  type: 'object',
  required: ['dest', 'text'],
  additionalProperties: false,
  properties: { dest: { type: 'string' }, text: { type: 'string' } },
};

// its top level leaves a mark, as any side effect of loading would
const MODULE = `import { appendFileSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
appendFileSync(new URL('../loaded.log', import.meta.url), 'loaded\\n');
export default {
  name: 'note',
  schema: ${JSON.stringify(SCHEMA)},
  async read(_ctx, p) { return existsSync(p.dest) ? readFileSync(p.dest, 'utf8') : null; },
  diff(p, current) {
    return current === p.text ? { kind: 'noop', reason: 'already written' } : { kind: 'change', summary: 'write ' + p.dest, data: p.text };
  },
  async apply(_ctx, p) { writeFileSync(p.dest, p.text); return { changed: true }; },
};
`;

describe('e2e: checking a playbook runs no site module code when a schema file describes the module', function () {
  this.timeout(120_000);
  let dir: string;
  const p = (rel: string) => join(dir, rel);
  const loads = async () => (existsSync(p('loaded.log')) ? (await readFile(p('loaded.log'), 'utf8')).split('\n').filter(Boolean).length : 0);
  const playbook = (args: string) => `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: a note\n      note: ${args}\n`;
  const tsplayIn = (pb: string, ...extra: string[]) => tsplay(['run', p(pb), '-i', p('hosts.yml'), ...extra]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-site-module-load-'));
    await mkdir(p('modules'));
    await writeFile(p('modules/note.mjs'), MODULE);
    await writeFile(p('hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(p('site.yml'), playbook(`{ dest: "${p('note.txt')}", text: hello }`));
    await writeFile(p('bad.yml'), playbook(`{ dest: "${p('note.txt')}", txet: hello }`));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('without a schema file, --syntax-check imports the module: its top level runs (as documented)', async () => {
    const r = await tsplayIn('site.yml', '--syntax-check');
    expect(r.code, r.stderr).to.equal(0);
    expect(await loads()).to.equal(1);
    await rm(p('loaded.log'));
  });

  it('with NAME.schema.json, --syntax-check, --list-hosts and --list-tasks check tasks against it and run no module code', async () => {
    await writeFile(p('modules/note.schema.json'), JSON.stringify(SCHEMA, null, 2) + '\n');
    for (const flag of ['--syntax-check', '--list-hosts', '--list-tasks']) {
      const r = await tsplayIn('site.yml', flag);
      expect(r.code, `${flag}: ${r.stderr}`).to.equal(0);
    }
    const bad = await tsplayIn('bad.yml', '--syntax-check');
    expect(bad.code).to.equal(4);
    expect(bad.stderr).to.match(new RegExp(`${p('bad.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: note: .*(txet|text)`));
    expect(await loads(), 'module code ran').to.equal(0);
  });

  it('a run imports the module and uses it', async () => {
    const r = await tsplayIn('site.yml');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await readFile(p('note.txt'), 'utf8')).to.equal('hello');
    expect(await loads()).to.equal(1);
  });

  it('a run refuses a schema file that differs from the schema the module exports', async () => {
    await writeFile(p('modules/note.schema.json'), JSON.stringify({ ...SCHEMA, required: ['dest'] }, null, 2) + '\n');
    await rm(p('note.txt'));
    const r = await tsplayIn('site.yml');
    expect(r.code).to.equal(4);
    expect(r.stderr).to.include(`${p('modules/note.schema.json')}: differs from the schema module "note" exports (note.mjs): make them the same`);
    expect(existsSync(p('note.txt'))).to.equal(false);
  });

  it('a module in TypeScript leaves no transpiled copy behind', async () => {
    const own = p('tmp');
    await mkdir(own);
    await mkdir(p('ts/modules'), { recursive: true });
    await writeFile(p('ts/modules/note.ts'), MODULE.replace("'../loaded.log'", "'../../loaded.log'"));
    await writeFile(p('ts/site.yml'), playbook(`{ dest: "${p('note-ts.txt')}", text: typed }`));
    const r = await tsplay(['run', p('ts/site.yml'), '-i', p('hosts.yml')], { env: { TMPDIR: own } });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await readFile(p('note-ts.txt'), 'utf8')).to.equal('typed');
    expect(await readdir(own)).to.deep.equal([]);
  });
});
