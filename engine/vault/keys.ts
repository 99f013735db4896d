// The vault passwords of one command, by vault id label, and the decryption of everything vaulted
// it reads: tsplay's own files and Ansible's (whole files and inline `!vault` values). As in
// Ansible, a 1.2 text names the label it was encrypted for and that id's password is tried first,
// then every other one. With no password at all, a terminal is asked once (when one can answer);
// otherwise the error names the file and line and nothing vaulted is ever used as it is written.
import { InputError, type SourcePos } from '../errors.js';
import type { Redactor } from '../secrets/redactor.js';
import { decryptBytes, isVaultText } from './format.js';
import { decryptAnsible, isAnsibleVaultText, parseAnsibleVault } from './ansible.js';

export interface VaultId {
  /** `default` when none was given */
  label: string;
  password: string;
}

export const DEFAULT_LABEL = 'default';

export function isVaulted(text: string): boolean {
  return isVaultText(text) || isAnsibleVaultText(text);
}

export const NO_PASSWORD_HINT = 'give --vault-password-file FILE, --vault-id [LABEL@]FILE or --ask-vault-pass (or TSPLAY_VAULT_PASSWORD_FILE / TSPLAY_VAULT_PASSWORD)';

function where(p: SourcePos): string {
  return [p.file, p.line, p.col].filter((x) => x !== undefined).join(':');
}

export class VaultKeys {
  private asking?: Promise<void>;
  constructor(
    private ids: VaultId[] = [],
    /** asks for a password on a terminal; absent when no one can answer */
    private ask?: () => Promise<string>,
    private redactor?: Redactor,
  ) {
    for (const id of ids) redactor?.add(id.password, `the vault password${id.label === DEFAULT_LABEL ? '' : ` (${id.label})`}`);
  }

  get empty(): boolean {
    return this.ids.length === 0;
  }

  get labels(): string[] {
    return this.ids.map((i) => i.label);
  }

  /** the first id's, or the one labelled `label` (what `tsplay vault encrypt` encrypts with) */
  forEncrypt(label?: string): VaultId | undefined {
    return label === undefined ? this.ids[0] : this.ids.find((i) => i.label === label);
  }

  /** before a vaulted text met at `at` is decrypted: without any password, ask once if someone can answer */
  async ensure(at: SourcePos, what: string): Promise<void> {
    if (!this.empty) return;
    if (!this.ask) throw new InputError(`${what} is vault-encrypted: ${NO_PASSWORD_HINT}`, at);
    this.asking ??= this.ask().then((password) => {
      this.redactor?.add(password, 'the vault password');
      this.ids.push({ label: DEFAULT_LABEL, password });
    });
    await this.asking;
  }

  /** the plaintext of a vaulted text (either format) read at `at`; a wrong password names the place */
  decrypt(text: string, at: SourcePos, what: string): Buffer {
    return this.open(text, at, what).plain;
  }

  /** the plaintext and the id whose password decrypted it (what `edit` and `rekey` write back with) */
  open(text: string, at: SourcePos, what: string): { plain: Buffer; id: VaultId } {
    if (this.empty) throw new InputError(`${what} is vault-encrypted: ${NO_PASSWORD_HINT}`, at);
    if (isAnsibleVaultText(text)) {
      const env = parseAnsibleVault(text, at);
      // the id the text names first, then the others (Ansible's order without vault_id_match)
      const order = [...this.ids.filter((i) => i.label === env.label), ...this.ids.filter((i) => i.label !== env.label)];
      for (const id of order) {
        // ansible-vault strips the whitespace around a password it reads; tsplay's files keep inner spaces
        for (const pw of new Set([id.password, id.password.trim()])) {
          const plain = decryptAnsible(env, pw, at);
          if (plain) return { plain, id };
        }
      }
      const tried = this.labels.length > 1 || this.labels[0] !== DEFAULT_LABEL ? ` (vault ids tried: ${this.labels.join(', ')})` : '';
      const named = env.label ? ` for vault id "${env.label}"` : '';
      throw new InputError(`cannot decrypt ${what}${named}: HMAC mismatch, the vault password is wrong${tried} or the text was changed`, at);
    }
    if (!isVaultText(text)) throw new InputError(`${what} is not vault-encrypted`, at);
    let last: unknown;
    for (const id of this.ids) {
      try {
        return { plain: decryptBytes(text, id.password, at.file ?? where(at)), id };
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }
}
