// The `tsplay vault` actions, loaded only when a vault subcommand runs (crypto, an editor). Files
// are tsplay's format or Ansible's (`$ANSIBLE_VAULT;1.1;AES256`, 1.2 with a label); each is read in
// the format it has and written back in it (edit, rekey), and `convert` changes the format.
import { readFile, open, rename, mkdtemp, rm, stat, realpath, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { encryptText } from '../vault/format.js';
import { encryptAnsible, inlineVault, isAnsibleVaultText } from '../vault/ansible.js';
import { isVaulted, VaultKeys, DEFAULT_LABEL, type VaultId } from '../vault/keys.js';
import { vaultIdsFrom, type VaultSourceFlags } from '../vault/sources.js';
import { childEnv } from '../vault/password.js';
import { UsageError, InputError } from '../errors.js';
import { needTerminal, terminalAnswerer } from './prompt.js';

export type VaultFormat = 'tsplay' | 'ansible';
type VaultOptions = VaultSourceFlags & {
  format?: VaultFormat;
  encryptVaultId?: string;
  newVaultId?: string;
  newVaultPasswordFile?: string;
  to?: VaultFormat;
  name?: string;
};

async function ids(o: VaultSourceFlags): Promise<VaultId[]> {
  return vaultIdsFrom(o, (q) => {
    needTerminal('the vault password prompt', 'give --vault-password-file FILE or --vault-id LABEL@FILE');
    return terminalAnswerer.ask(q, { echo: false });
  });
}

const NO_PASSWORD = 'no vault password: give --vault-password-file FILE, --vault-id [LABEL@]FILE or --ask-vault-pass, or set TSPLAY_VAULT_PASSWORD_FILE';

/** the passwords to open files with; none given: asked on a terminal, as ansible-vault asks */
async function keys(o: VaultSourceFlags): Promise<VaultKeys> {
  const given = await ids(o);
  if (given.length) return new VaultKeys(given);
  if (!process.stdin.isTTY) throw new UsageError(NO_PASSWORD);
  return new VaultKeys([{ label: DEFAULT_LABEL, password: await terminalAnswerer.ask('Vault password: ', { echo: false }) }]);
}

/** a new password typed twice (nothing echoed), as ansible-vault asks for one to encrypt with */
async function typedNew(noTerminal = NO_PASSWORD): Promise<VaultId> {
  if (!process.stdin.isTTY) throw new UsageError(noTerminal);
  const password = await terminalAnswerer.ask('New Vault password: ', { echo: false });
  const again = await terminalAnswerer.ask('Confirm New Vault password: ', { echo: false });
  if (password !== again) throw new UsageError('the two passwords typed differ; nothing was encrypted');
  if (!password) throw new UsageError('an empty vault password; nothing was encrypted');
  return { label: DEFAULT_LABEL, password };
}

/** the id to encrypt new text with: the flags' (--encrypt-vault-id's label, else the first), else typed twice */
async function encryptWith(o: VaultOptions): Promise<VaultId> {
  const given = await ids(o);
  return given.length ? encryptingId(new VaultKeys(given), o.encryptVaultId) : typedNew();
}

/** the id to encrypt with: --encrypt-vault-id's label, else the first given */
function encryptingId(k: VaultKeys, label: string | undefined): VaultId {
  const id = k.forEncrypt(label);
  if (!id) throw new UsageError(`--encrypt-vault-id ${label}: no --vault-id has that label (given: ${k.labels.join(', ')})`);
  return id;
}

function sealed(plain: Buffer, id: VaultId, format: VaultFormat): string {
  // ansible-vault strips the whitespace around a password it reads (file or prompt): encrypted with
  // the password it will use, not the one tsplay's reader keeps (trailing spaces included)
  return format === 'ansible' ? encryptAnsible(plain, id.password.trim(), id.label) : encryptText(plain, id.password);
}

function formatOf(text: string): VaultFormat {
  return isAnsibleVaultText(text) ? 'ansible' : 'tsplay';
}

async function opened(f: string, k: VaultKeys): Promise<{ text: string; plain: Buffer; id: VaultId }> {
  const text = await readFile(f, 'utf8');
  if (!isVaulted(text)) throw new InputError('not a vault file (neither tsplay\'s nor Ansible\'s)', { file: f, line: 1, col: 1 });
  return { text, ...k.open(text, { file: f, line: 1, col: 1 }, 'this file') };
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
  const id = await encryptWith(o);
  for (const f of files) {
    const bytes = await readFile(f);
    if (isVaulted(bytes.toString('latin1'))) throw new InputError('already encrypted', { file: f });
    await replace(f, sealed(bytes, id, o.format ?? 'tsplay'));
  }
}

export async function decrypt(files: string[], o: VaultOptions): Promise<void> {
  const k = await keys(o);
  for (const f of files) await replace(f, (await opened(f, k)).plain);
}

export async function view(f: string, o: VaultOptions): Promise<void> {
  process.stdout.write((await opened(f, await keys(o))).plain);
}

/** new password (--new-vault-id / --new-vault-password-file), same format; a 1.2 file gets the new id's label */
export async function rekey(files: string[], o: VaultOptions): Promise<void> {
  if (o.newVaultId !== undefined && o.newVaultPasswordFile !== undefined) {
    throw new UsageError('rekey: give the new password with one of --new-vault-id [LABEL@]SOURCE or --new-vault-password-file FILE');
  }
  const k = await keys(o);
  // neither: typed twice on a terminal, as ansible-vault rekey asks
  const fresh =
    o.newVaultId === undefined && o.newVaultPasswordFile === undefined
      ? await typedNew('rekey: give the new password with --new-vault-id [LABEL@]SOURCE or --new-vault-password-file FILE (or run it on a terminal to type it)')
      : (await ids({ vaultId: o.newVaultId !== undefined ? [o.newVaultId] : undefined, vaultPasswordFile: o.newVaultPasswordFile }))[0];
  for (const f of files) {
    const { text, plain } = await opened(f, k);
    await replace(f, sealed(plain, fresh, formatOf(text)));
  }
}

/** the other format, with the password (and label) that decrypted the file */
export async function convert(files: string[], o: VaultOptions): Promise<void> {
  const k = await keys(o);
  const to = o.to!;
  for (const f of files) {
    const { text, plain, id } = await opened(f, k);
    if (formatOf(text) === to) throw new InputError(`already in ${to === 'ansible' ? 'Ansible Vault' : 'tsplay vault'} format`, { file: f, line: 1, col: 1 });
    await replace(f, sealed(plain, o.encryptVaultId !== undefined ? encryptingId(k, o.encryptVaultId) : id, to));
  }
}

/** an inline `!vault` value for a YAML file, as ansible-vault encrypt_string prints it */
export async function encryptString(value: string | undefined, o: VaultOptions): Promise<void> {
  const id = await encryptWith(o);
  let plain = value;
  if (plain === undefined) {
    // from stdin, so that the value shows neither in ps nor in the shell's history
    if (process.stdin.isTTY) throw new UsageError('encrypt-string: give the value as an argument or on stdin (stdin keeps it out of ps and the shell history)');
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    plain = Buffer.concat(chunks).toString('utf8');
  }
  process.stdout.write(inlineVault(sealed(Buffer.from(plain, 'utf8'), id, 'ansible'), o.name));
}

export async function edit(f: string, o: VaultOptions): Promise<void> {
  const k = await keys(o);
  const { text, plain, id } = await opened(f, k);
  // the plaintext lives only in a fresh directory of mode 0700, removed afterwards
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-'));
  const tmp = join(dir, basename(f));
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(plain);
    } finally {
      await fh.close();
    }
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', tmp], { stdio: 'inherit', env: childEnv() });
    if (r.status !== 0) throw new UsageError(`${editor} exited with ${r.status}; ${f} left unchanged`);
    // written back in its own format, with the password (and label) that opened it
    await replace(f, sealed(await readFile(tmp), id, formatOf(text)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
