// The vault password and the redactor of every command that reads a site's inputs (`run`,
// `inventory`, `facts`): the password comes from --vault-password-file, TSPLAY_VAULT_PASSWORD_FILE
// or TSPLAY_VAULT_PASSWORD and is itself a secret; what they print, errors included, hides secrets
// as everything else tsplay writes does.
import { Redactor } from '../secrets/redactor.js';
import { vaultPassword } from '../vault/password.js';
import { TsplayError } from '../errors.js';

export interface CliSecrets {
  password?: string;
  redactor: Redactor;
}

/**
 * `warnings: 'stderr'` for `inventory`/`facts`, whose stdout holds the JSON they print; `run` leaves
 * them to the run, which hands them to its reporters.
 */
export function cliSecrets(vaultPasswordFile: string | undefined, o: { warnings: 'stderr' | 'run'; password?: string } = { warnings: 'stderr' }): CliSecrets {
  // a password asked on the terminal (--ask-vault-pass, --vault-id @prompt) comes as it was typed
  const password = o.password ?? vaultPassword(vaultPasswordFile);
  const redactor = new Redactor();
  if (o.warnings === 'stderr') redactor.warnTo((msg) => process.stderr.write(`[WARNING]: ${msg}\n`));
  if (password !== undefined) redactor.add(password, 'the vault password');
  return { password, redactor };
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
