import { ansibleBoolean } from '../ansible-bool.js';

/** A keyword's value as a flag: Ansible's boolean strings, else JavaScript truthiness. */
export function truthy(v: unknown): boolean {
  return typeof v === 'string' ? ansibleBoolean(v) === true : !!v;
}
