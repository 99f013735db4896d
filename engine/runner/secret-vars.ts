// Variables a site marks as secret without encrypting them: their names listed in
// `tsplay_secret_vars` (inventory or play vars). Their values are hidden in all output.
import type { Inventory } from '../inventory/index.js';
import type { Redactor } from '../secrets/redactor.js';

export function secretVarNames(vars: Record<string, unknown>): string[] {
  const v = vars.tsplay_secret_vars;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

export function learnSecretVars(inv: Inventory, redactor: Redactor | undefined): void {
  // resolving every host's variables costs about 0.3 s at 5,000 hosts: only when some host has the list
  if (!redactor || !inv.definesVar('tsplay_secret_vars')) return;
  for (const host of inv.hosts()) {
    const vars = inv.hostVars(host);
    for (const name of secretVarNames(vars)) redactor.add(vars[name]);
  }
}
