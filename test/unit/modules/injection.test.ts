// Values that a shell would interpret (quotes, $(...), backticks, ;, newlines, globs, leading
// dashes) pass through every module byte for byte and run nothing: the canary never appears.
import { expect } from 'chai';
import { mkdir, readFile, readlink, readdir, lstat, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { findModule } from '../../../engine/modules/registry.js';
import { fileStat } from '../../../engine/facts/file-stat.js';
import { LocalTransport } from '../../../engine/transport/local.js';
import { exists, makeContext, makeTmp, removeTmp, runModule } from './harness.js';

function evilValues(canary: string): string[] {
  return [
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `; touch ${canary};`,
    `x\ntouch ${canary}\n`,
    `' ; touch ${canary}; '`,
    `" ; touch ${canary}; "`,
    `a'b"c\\d`,
    `&& touch ${canary} &`,
    `| touch ${canary}`,
    `> ${canary}`,
    `*`,
    `~root $HOME`,
    `-rf`,
    `--help`,
    `tab\there  two  spaces`,
    `ünïcödé ✓`,
  ];
}

describe('modules: hostile values arrive byte for byte and inject nothing', () => {
  let tmp: string;
  let ctrl: string;
  let canary: string;
  beforeEach(async () => {
    tmp = await makeTmp();
    ctrl = await makeTmp();
    canary = join(tmp, 'CANARY');
  });
  afterEach(async () => {
    expect(await exists(canary), 'canary file must not appear').to.equal(false);
    await removeTmp(tmp);
    await removeTmp(ctrl);
  });

  const run = async (mod: string, params: Record<string, unknown>, vars: Record<string, unknown> = {}) =>
    runModule((await findModule(mod))!, params, makeContext({ controllerDir: ctrl, vars }));

  it('file: directories, touch and links named with them', async () => {
    for (const [i, v] of evilValues(canary).entries()) {
      const dir = join(tmp, `d${i}`, v);
      expect((await run('file', { path: dir, state: 'directory', mode: '0700' })).result.changed).to.equal(true);
      expect((await lstat(dir)).isDirectory(), dir).to.equal(true);
      const f = join(dir, v.replaceAll('/', '_'));
      expect((await run('file', { path: f, state: 'touch' })).result.failed).to.equal(undefined);
      expect(await exists(f), f).to.equal(true);
      const ln = join(tmp, `d${i}`, 'link');
      await run('file', { path: ln, state: 'link', src: v, force: true });
      expect(await readlink(ln)).to.equal(v);
      expect((await run('file', { path: ln, state: 'link', src: v, force: true })).result.changed, 'link idempotent').to.equal(false);
      expect((await run('file', { path: dir, state: 'absent' })).result.changed).to.equal(true);
      expect(await exists(dir)).to.equal(false);
    }
  });

  it('copy: content and destination names', async () => {
    for (const [i, v] of evilValues(canary).entries()) {
      const dest = join(tmp, `c${i}`, v);
      await mkdir(dirname(dest), { recursive: true });
      const content = `${v}\n${v}`;
      const first = await run('copy', { content, dest, backup: true });
      expect(first.result.changed, JSON.stringify(first.result)).to.equal(true);
      expect(await readFile(dest, 'utf8')).to.equal(content);
      expect((first.plan as { fileDiffs?: { after?: string }[] }).fileDiffs?.[0].after).to.equal(content);
      const second = await run('copy', { content: v, dest, backup: true });
      expect(await readFile(second.result.backup_file as string, 'utf8')).to.equal(content);
      expect((await run('copy', { content: v, dest })).result.changed).to.equal(false);
    }
  });

  it('template: rendered values are not escaped or interpreted', async () => {
    await mkdir(join(ctrl, 'templates'), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(ctrl, 'templates', 't.hbs'), 'v={{ v }}\n');
    for (const v of evilValues(canary)) {
      const dest = join(tmp, 'rendered');
      await run('template', { src: 't.hbs', dest }, { v });
      expect(await readFile(dest, 'utf8')).to.equal(`v=${v}\n`);
    }
  });

  it('lineinfile and blockinfile: lines and blocks', async () => {
    const { writeFile } = await import('node:fs/promises');
    for (const v of evilValues(canary)) {
      const one = v.replaceAll('\n', ' '); // lineinfile manages one line
      const f = join(tmp, 'lines');
      await writeFile(f, 'first\n');
      await run('lineinfile', { path: f, line: one });
      expect(await readFile(f, 'utf8')).to.equal(`first\n${one}\n`);
      await run('lineinfile', { path: f, search_string: one, state: 'absent' });
      expect(await readFile(f, 'utf8')).to.equal('first\n');
      await run('blockinfile', { path: f, block: v, marker: `# {mark} ${one}` });
      expect(await readFile(f, 'utf8')).to.equal(`first\n# BEGIN ${one}\n${v}${v.endsWith('\n') ? '' : '\n'}# END ${one}\n`);
    }
  });

  it('command: argv words and cmd quoting', async () => {
    for (const v of evilValues(canary)) {
      const r = (await run('command', { argv: ['printf', '%s', v], strip_empty_ends: false })).result;
      expect(r.stdout, JSON.stringify(r)).to.equal(v);
      const quoted = `'${v.replaceAll("'", `'"'"'`)}'`;
      const r2 = (await run('command', { cmd: `printf %s ${quoted}`, strip_empty_ends: false })).result;
      expect(r2.stdout).to.equal(v);
      const r3 = (await run('command', { argv: ['cat'], stdin: v, stdin_add_newline: false, strip_empty_ends: false })).result;
      expect(r3.stdout).to.equal(v);
    }
  });

  it('command/shell: creates, removes and chdir paths', async () => {
    for (const [i, v] of evilValues(canary).entries()) {
      const dir = join(tmp, `w${i}`, v);
      await mkdir(dir, { recursive: true });
      const r = (await run('shell', { cmd: 'pwd', chdir: dir, strip_empty_ends: false })).result;
      expect(r.stdout).to.equal(`${dir}\n`);
      const c = (await run('command', { argv: ['touch', 'made'], chdir: dir, creates: 'made' })).result;
      expect(c.rc).to.equal(0);
      expect(await readdir(dir)).to.deep.equal(['made']);
      expect((await run('command', { argv: ['touch', 'made'], chdir: dir, creates: 'made' })).result.changed).to.equal(false);
    }
  });

  it('stat: a relative path with a leading dash is not an option', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(tmp, '-e'), 'x');
    const t = new LocalTransport();
    for (const name of ['-e', '--help', '-L']) {
      const r = await t.exec(fileStat.command({ path: name, checksum: 'sha256' }), { cwd: tmp });
      const st = fileStat.parse(r, { path: name });
      expect(st.exists, name).to.equal(name === '-e');
    }
  });
  it('find: paths and names come back byte for byte', async () => {
    for (const [i, v] of evilValues(canary).entries()) {
      const dir = join(tmp, `f${i}`, v);
      await mkdir(dir, { recursive: true });
      const name = v.replaceAll('/', '_');
      await writeFile(join(dir, name), 'x');
      const r = await run('find', { paths: [dir], hidden: true });
      expect(r.result.matched, JSON.stringify(r.result)).to.equal(1);
      expect((r.result.files as Array<{ path: string }>)[0].path).to.equal(join(dir, name));
    }
  });

  it('cron: a cron file named with them, jobs and names written as given', async () => {
    // a line break in a job or name would make another line of the table (Ansible warns and writes it)
    for (const [i, v] of evilValues(canary).filter((x) => !x.includes('\n')).entries()) {
      const dir = join(tmp, `c${i}`, v);
      await mkdir(dir, { recursive: true });
      const params = { name: v, job: v, user: 'root', cron_file: join(dir, 'jobs') };
      expect((await run('cron', params)).result.changed).to.equal(true);
      expect(await readFile(join(dir, 'jobs'), 'utf8')).to.equal(`#Ansible: ${v}\n* * * * * root ${v}\n`);
      expect((await run('cron', params)).result.changed, 'idempotent').to.equal(false);
    }
  });

  it('script: chdir and creates paths', async () => {
    await mkdir(join(ctrl, 'files'));
    await writeFile(join(ctrl, 'files', 'here.sh'), '#!/bin/sh\npwd > out\n', { mode: 0o755 });
    for (const [i, v] of evilValues(canary).entries()) {
      const dir = join(tmp, `s${i}`, v);
      await mkdir(dir, { recursive: true });
      const r = await run('script', { cmd: 'here.sh', chdir: dir, creates: 'out' });
      expect(r.result.rc, JSON.stringify(r.result)).to.equal(0);
      expect(await readFile(join(dir, 'out'), 'utf8')).to.equal(`${dir}\n`);
      expect((await run('script', { cmd: 'here.sh', chdir: dir, creates: 'out' })).result.changed).to.equal(false);
    }
  });
});
