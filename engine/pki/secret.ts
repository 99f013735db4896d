// Private key material travels between read, diff and apply wrapped in a Secret: whatever prints,
// logs or serializes a plan or result sees "<redacted>", never the bytes.
import { inspect } from 'node:util';

export const REDACTED = '<redacted>';

export class Secret<T = string> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  /** the value itself: only for crypto and for writing the file */
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
