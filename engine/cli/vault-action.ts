// The `tsplay vault` actions, loaded only when a vault subcommand runs (crypto, an editor).
import { readFile, writeFile, rename, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { spawnSync } from 'node:child_process';
import { encryptText, decryptText, isVaultText } from '../vault/format.js';
import { vaultPassword } from '../vault/password.js';
import { UsageError, InputError } from '../errors.js';

type VaultOptions = { vaultPasswordFile?: string };

function password(file: string | undefined): string {
  const p = vaultPassword(file);
  if (!p) throw new UsageError('no vault password: give --vault-password-file FILE or set TSPLAY_VAULT_PASSWORD_FILE');
  return p;
}

/** atomic, keeping the file's mode */
async function replace(file: string, text: string): Promise<void> {
  const mode = (await stat(file)).mode & 0o777;
  const tmp = join(dirname(file), `.${basename(file)}.tsplay-vault`);
  await writeFile(tmp, text, { mode });
  await rename(tmp, file);
}

export async function encrypt(files: string[], o: VaultOptions): Promise<void> {
  const pw = password(o.vaultPasswordFile);
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    if (isVaultText(text)) throw new InputError('already encrypted', { file: f });
    await replace(f, encryptText(text, pw));
  }
}

export async function decrypt(files: string[], o: VaultOptions): Promise<void> {
  const pw = password(o.vaultPasswordFile);
  for (const f of files) await replace(f, decryptText(await readFile(f, 'utf8'), pw, f));
}

export async function view(f: string, o: VaultOptions): Promise<void> {
  process.stdout.write(decryptText(await readFile(f, 'utf8'), password(o.vaultPasswordFile), f));
}

export async function edit(f: string, o: VaultOptions): Promise<void> {
  const pw = password(o.vaultPasswordFile);
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-'));
  const tmp = join(dir, basename(f));
  try {
    await writeFile(tmp, decryptText(await readFile(f, 'utf8'), pw, f), { mode: 0o600 });
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', tmp], { stdio: 'inherit' });
    if (r.status !== 0) throw new UsageError(`${editor} exited with ${r.status}; ${f} left unchanged`);
    await replace(f, encryptText(await readFile(tmp, 'utf8'), pw));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
