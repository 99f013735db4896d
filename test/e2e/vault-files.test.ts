// `tsplay vault encrypt|decrypt|edit` rewrite a file someone else may share a directory with:
// a symlink planted in that directory is never followed, the file keeps its owner, group and
// mode, and `edit` keeps the plaintext in a private directory that is gone afterwards.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir, symlink, lstat, stat, chown, chmod, readlink, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const PLAIN = 'db_password: "s3cret-Pa$$"\n';
const UID = 65534; // nobody
const GID = 65534;

describe('e2e: tsplay vault rewrites files safely', function () {
  this.timeout(120_000);
  let dir: string;
  let vars: string;
  let pw: string;
  const vault = (...args: string[]) => tsplay(['vault', ...args, '--vault-password-file', pw]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-files-'));
    pw = join(dir, 'pw');
    await writeFile(pw, 'correct horse\n');
    vars = join(dir, 'group_vars');
    await mkdir(vars);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** a symlink at the name the old code wrote through, aimed at a file of the attacker's choice */
  async function plant(file: string): Promise<{ link: string; victim: string }> {
    const victim = join(dir, `victim-${Math.random().toString(16).slice(2)}`);
    await writeFile(victim, 'untouched\n');
    const link = join(vars, `.${file}.tsplay-vault`);
    await symlink(victim, link);
    return { link, victim };
  }
  async function unharmed(p: { link: string; victim: string }): Promise<void> {
    expect(await readFile(p.victim, 'utf8')).to.equal('untouched\n');
    expect((await lstat(p.link)).isSymbolicLink()).to.equal(true);
    expect(await readlink(p.link)).to.equal(p.victim);
  }
  /** no temp file of ours left beside the target */
  async function noTemp(): Promise<void> {
    expect((await readdir(vars)).filter((n) => n.endsWith('.tsplay-vault') && !n.match(/^\.[a-z]+\.yml\.tsplay-vault$/))).to.deep.equal([]);
  }

  it('encrypt and decrypt do not follow a symlink planted at a temp name', async () => {
    const f = join(vars, 'all.yml');
    await writeFile(f, PLAIN);
    const planted = await plant('all.yml');
    const e = await vault('encrypt', f);
    expect(e.code, e.stderr).to.equal(0);
    await unharmed(planted);
    expect((await lstat(f)).isFile()).to.equal(true);
    expect(await readFile(f, 'utf8')).to.match(/^\$TSPLAY_VAULT;/);
    const d = await vault('decrypt', f);
    expect(d.code, d.stderr).to.equal(0);
    await unharmed(planted);
    expect(await readFile(f, 'utf8')).to.equal(PLAIN);
    await noTemp();
  });

  it('edit does not follow a planted symlink, and keeps the plaintext in a private directory removed afterwards', async () => {
    const f = join(vars, 'edit.yml');
    await writeFile(f, PLAIN);
    expect((await vault('encrypt', f)).code).to.equal(0);
    const planted = await plant('edit.yml');
    // the "editor" records where it was given the plaintext and the mode of that directory
    const seen = join(dir, 'seen');
    const editor = join(dir, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\nd=$(dirname "$1")\nprintf '%s %s\\n' "$d" "$(stat -c %a "$d")" > ${seen}\nprintf 'added: 1\\n' >> "$1"\n`, { mode: 0o755 });
    const r = await tsplay(['vault', 'edit', f, '--vault-password-file', pw], { env: { EDITOR: editor, VISUAL: '' } });
    expect(r.code, r.stderr).to.equal(0);
    await unharmed(planted);
    const [editDir, mode] = (await readFile(seen, 'utf8')).trim().split(' ');
    expect(mode).to.equal('700');
    expect(editDir.startsWith(tmpdir())).to.equal(true);
    expect(await stat(editDir).catch(() => null), 'edit directory removed').to.equal(null);
    const v = await vault('view', f);
    expect(v.stdout).to.equal(`${PLAIN}added: 1\n`);
    await noTemp();
  });

  it('a file owned by nobody with mode 0640 keeps owner, group and mode through encrypt, edit and decrypt', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const f = join(vars, 'owned.yml');
    await writeFile(f, PLAIN);
    await chown(f, UID, GID);
    await chmod(f, 0o640);
    const same = async (step: string) => {
      const st = await stat(f);
      expect([st.uid, st.gid, (st.mode & 0o7777).toString(8)], step).to.deep.equal([UID, GID, '640']);
    };
    expect((await vault('encrypt', f)).code).to.equal(0);
    await same('after encrypt');
    const r = await tsplay(['vault', 'edit', f, '--vault-password-file', pw], { env: { EDITOR: 'true', VISUAL: '' } });
    expect(r.code, r.stderr).to.equal(0);
    await same('after edit');
    expect((await vault('decrypt', f)).code).to.equal(0);
    await same('after decrypt');
    expect(await readFile(f, 'utf8')).to.equal(PLAIN);
  });

  it('a file that is not UTF-8 keeps its bytes through encrypt and decrypt', async () => {
    const f = join(vars, 'latin1.yml');
    const bytes = Buffer.from('name: caf\xe9\n', 'latin1');
    await writeFile(f, bytes);
    expect((await vault('encrypt', f)).code).to.equal(0);
    expect((await vault('decrypt', f)).code).to.equal(0);
    expect((await readFile(f)).equals(bytes)).to.equal(true);
  });
});
