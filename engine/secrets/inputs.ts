// Reading an input file (playbook, vars file, inventory): a vault file (tsplay's or Ansible's) is
// decrypted with the run's passwords, and everything in it becomes a secret for the redactor.
import { readFile } from 'node:fs/promises';
import { isVaulted, VaultKeys, DEFAULT_LABEL } from '../vault/keys.js';
import { utf8Text } from '../utf8.js';
import type { Redactor } from './redactor.js';

export interface SecretInputs {
  /** the vault password, when one was given (the `default` id of `keys`) */
  password?: string;
  /** the vault passwords by label, and the terminal to ask when there is none */
  keys?: VaultKeys;
  /** learns every value read from an encrypted file */
  redactor?: Redactor;
}

export interface InputText {
  file: string;
  text: string;
  encrypted: boolean;
}

/** the vault keys of `secrets` (made once from its password when only that was given) */
export function vaultKeys(secrets?: SecretInputs): VaultKeys {
  if (!secrets) return new VaultKeys();
  return (secrets.keys ??= new VaultKeys(secrets.password !== undefined ? [{ label: DEFAULT_LABEL, password: secrets.password }] : [], undefined, secrets.redactor));
}

export async function readInput(file: string, secrets?: SecretInputs): Promise<InputText> {
  const raw = utf8Text(await readFile(file), file);
  if (!isVaulted(raw)) return { file, text: raw, encrypted: false };
  const keys = vaultKeys(secrets);
  const at = { file, line: 1, col: 1 };
  await keys.ensure(at, 'this file');
  return { file, text: utf8Text(keys.decrypt(raw, at, 'this file'), file), encrypted: true };
}

/** after parsing an encrypted file: all its values are secrets (one too short to hide is named by its key) */
export function learnSecrets(input: InputText, data: unknown, secrets?: SecretInputs): void {
  if (input.encrypted) secrets?.redactor?.add(data, `vault file ${input.file}`);
}
