// Where the vault password comes from: --vault-password-file, else TSPLAY_VAULT_PASSWORD_FILE
// or TSPLAY_VAULT_PASSWORD in the environment. Never from argv (it would show in ps).
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** the environment variables that carry the vault password (or the file holding it) */
export const VAULT_ENV = ['TSPLAY_VAULT_PASSWORD', 'TSPLAY_VAULT_PASSWORD_FILE'] as const;

/**
 * The environment for a program tsplay starts (a local task's shell, an editor, the lab's
 * tools): tsplay's own, without the vault password. A command delegated to the controller
 * runs whatever a playbook says, and it needs the password no more than a remote host does.
 */
export function childEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of VAULT_ENV) delete env[k];
  return env;
}

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
