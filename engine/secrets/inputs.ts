// Reading an input file (playbook, vars file, inventory): a vault file is decrypted with the
// run's password, and everything in it becomes a secret for the redactor.
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { decryptBytes, isVaultText } from '../vault/format.js';
import { utf8Text } from '../utf8.js';
import type { Redactor } from './redactor.js';

export interface SecretInputs {
  /** the vault password, when one was given */
  password?: string;
  /** learns every value read from an encrypted file */
  redactor?: Redactor;
}

export interface InputText {
  file: string;
  text: string;
  encrypted: boolean;
}

export async function readInput(file: string, secrets?: SecretInputs): Promise<InputText> {
  const raw = utf8Text(await readFile(file), file);
  if (!isVaultText(raw)) return { file, text: raw, encrypted: false };
  if (secrets?.password === undefined) {
    throw new InputError('this file is vault-encrypted: give --vault-password-file (or TSPLAY_VAULT_PASSWORD_FILE / TSPLAY_VAULT_PASSWORD)', { file, line: 1, col: 1 });
  }
  return { file, text: utf8Text(decryptBytes(raw, secrets.password, file), file), encrypted: true };
}

/** after parsing an encrypted file: all its values are secrets (one too short to hide is named by its key) */
export function learnSecrets(input: InputText, data: unknown, secrets?: SecretInputs): void {
  if (input.encrypted) secrets?.redactor?.add(data, `vault file ${input.file}`);
}
