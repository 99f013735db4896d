// Where the vault password comes from: --vault-password-file, else TSPLAY_VAULT_PASSWORD_FILE
// or TSPLAY_VAULT_PASSWORD in the environment. Never from argv (it would show in ps).
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

export function vaultPassword(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = file ?? env.TSPLAY_VAULT_PASSWORD_FILE;
  if (path) {
    try {
      return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`cannot read the vault password file ${path}: ${(e as Error).message}`);
    }
  }
  return env.TSPLAY_VAULT_PASSWORD || undefined;
}
