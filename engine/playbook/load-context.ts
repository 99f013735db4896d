// What the loader needs from outside: modules and where roles live.
import type { Module } from '../modules/types.js';
import type { Validators } from '../schema/validators.js';
import type { SourceMap } from '../yaml/source.js';
import type { SecretInputs } from '../secrets/inputs.js';

export interface LoadContext {
  /** the module for a task key, its code loaded on first use; undefined when no module has that name */
  findModule(name: string): Promise<Module | undefined>;
  /** every module name a task may use, for "did you mean" on a typo */
  moduleNames?: string[];
  /** directories holding roles, highest priority first (--roles-path, TSPLAY_ROLES_PATH, shipped) */
  rolesPath: string[];
  /** the inventory's site/roles: searched before the playbook's roles/ and rolesPath */
  siteRolesPath?: string[];
  /** validators of schemas as written (playbook, module and role parameters) */
  schemas: Validators;
  positions: SourceMap;
  /** vault password and redactor for encrypted files */
  secrets?: SecretInputs;
}
