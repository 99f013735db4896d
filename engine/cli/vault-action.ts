// The `tsplay vault` actions, loaded only when a vault subcommand runs (crypto, an editor).
import { readFile, open, rename, mkdtemp, rm, stat, realpath, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { encryptText, decryptBytes, isVaultText } from '../vault/format.js';
import { vaultPassword, childEnv } from '../vault/password.js';
import { UsageError, InputError } from '../errors.js';

type VaultOptions = { vaultPasswordFile?: string };

function password(file: string | undefined): string {
  const p = vaultPassword(file);
  if (!p) throw new UsageError('no vault password: give --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD_FILE');
  return p;
}

/**
 * Atomic, keeping the file's owner, group and mode. The temp file is created exclusively under a
 * random name (O_CREAT|O_EXCL never follows a symlink someone planted in the directory) and only
 * readable by us until it has the final owner and mode; then it is renamed over the file.
 */
async function replace(file: string, data: string | Buffer): Promise<void> {
  // a symlink given on the command line names the file the user means: replace that file
  const target = await realpath(file);
  const st = await stat(target);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(8).toString('hex')}.tsplay-vault`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    // chown before chmod (chown may clear setuid bits); someone not root cannot give a file away:
    // the file is then theirs, as any editor would leave it
    await fh.chown(st.uid, st.gid).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPERM') throw e;
    });
    await fh.chmod(st.mode & 0o7777);
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

export async function encrypt(files: string[], o: VaultOptions): Promise<void> {
  const pw = password(o.vaultPasswordFile);
  for (const f of files) {
    const bytes = await readFile(f);
    if (isVaultText(bytes.toString('latin1'))) throw new InputError('already encrypted', { file: f });
    await replace(f, encryptText(bytes, pw));
  }
}

export async function decrypt(files: string[], o: VaultOptions): Promise<void> {
  const pw = password(o.vaultPasswordFile);
  for (const f of files) await replace(f, decryptBytes(await readFile(f, 'utf8'), pw, f));
}

export async function view(f: string, o: VaultOptions): Promise<void> {
  process.stdout.write(decryptBytes(await readFile(f, 'utf8'), password(o.vaultPasswordFile), f));
}

export async function edit(f: string, o: VaultOptions): Promise<void> {
  const pw = password(o.vaultPasswordFile);
  // the plaintext lives only in a fresh directory of mode 0700, removed afterwards
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-'));
  const tmp = join(dir, basename(f));
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(decryptBytes(await readFile(f, 'utf8'), pw, f));
    } finally {
      await fh.close();
    }
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', tmp], { stdio: 'inherit', env: childEnv() });
    if (r.status !== 0) throw new UsageError(`${editor} exited with ${r.status}; ${f} left unchanged`);
    await replace(f, encryptText(await readFile(tmp), pw));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
