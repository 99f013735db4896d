// The vault passwords and the redactor of every command that reads a site's inputs (`run`,
// `inventory`, `facts`): the passwords come from --vault-id, --vault-password-file,
// --ask-vault-pass, else TSPLAY_VAULT_PASSWORD_FILE or TSPLAY_VAULT_PASSWORD, and are themselves
// secrets; with none, a vaulted file or `!vault` value met on a terminal asks for one. What these
// commands print, errors included, hides secrets as everything else tsplay writes does.
import { Redactor } from '../secrets/redactor.js';
import { VaultKeys } from '../vault/keys.js';
import { vaultIdsFrom, type VaultSourceFlags } from '../vault/sources.js';
import { TsplayError } from '../errors.js';
import { terminalAnswerer, type Answerer } from './prompt.js';

export interface CliSecrets {
  keys: VaultKeys;
  redactor: Redactor;
}

/**
 * `warnings: 'stderr'` for `inventory`/`facts`, whose stdout holds the JSON they print; `run` leaves
 * them to the run, which hands them to its reporters. `ask` answers the vault password prompts
 * (the terminal's when stdin is one; none otherwise, and a vaulted input is then an error).
 */
export async function cliSecrets(
  flags: VaultSourceFlags,
  o: { warnings: 'stderr' | 'run'; ask?: Answerer } = { warnings: 'stderr' },
): Promise<CliSecrets> {
  const redactor = new Redactor();
  if (o.warnings === 'stderr') redactor.warnTo((msg) => process.stderr.write(`[WARNING]: ${msg}\n`));
  const ask = o.ask ?? (process.stdin.isTTY ? terminalAnswerer : undefined);
  const question = (q: string) => {
    if (!ask) throw new TsplayError('unreachable: a vault password prompt without a terminal');
    return ask.ask(q, { echo: false });
  };
  const ids = await vaultIdsFrom(flags, question);
  // met on a terminal with no password given: asked once, as ansible-playbook would have been told to
  const keys = new VaultKeys(ids, ask ? () => question('Vault password: ') : undefined, redactor);
  return { keys, redactor };
}

/** runs `fn`; an error it throws has its secrets replaced before the CLI prints it */
export async function redactingErrors<T>(redactor: Redactor, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TsplayError) e.message = redactor.redact(e.message);
    throw e;
  }
}
