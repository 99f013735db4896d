// The vault password and the redactor of the commands that read an inventory without running a
// playbook (`inventory`, `facts`): the password comes from where `run` takes it
// (--vault-password-file, TSPLAY_VAULT_PASSWORD_FILE, TSPLAY_VAULT_PASSWORD), and what they print,
// errors included, hides secrets as everything else tsplay writes does.
import { Redactor } from '../secrets/redactor.js';
import { vaultPassword } from '../vault/password.js';
import { TsplayError } from '../errors.js';

export interface CliSecrets {
  password?: string;
  redactor: Redactor;
}

export function cliSecrets(vaultPasswordFile: string | undefined): CliSecrets {
  const password = vaultPassword(vaultPasswordFile);
  const redactor = new Redactor();
  // stdout holds the JSON these commands print: a secret too short to hide is said on stderr
  redactor.warnTo((msg) => process.stderr.write(`[WARNING]: ${msg}\n`));
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
