// Variables a site marks as secret without encrypting them: their names listed in
// `tsplay_secret_vars` (inventory, play vars, vars_files, -e, or any variable a task sees). A
// listed name is secret wherever its value is set: inventory, -e, play vars and vars_files as
// written, every host's variables as rendered (a template such as a DSN built from a password),
// and set_fact and register values from the task that sets them on.
import type { Inventory } from '../inventory/index.js';
import type { Redactor } from '../secrets/redactor.js';
import type { TaskResult } from '../modules/types.js';

export function secretVarNames(vars: Record<string, unknown>): string[] {
  const v = vars.tsplay_secret_vars;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** what a registered result holds of a command's or a read's output (its status keys are no secret) */
const OUTPUT_KEYS = ['stdout', 'stderr', 'stdout_lines', 'stderr_lines', 'content', 'json'];

export class SecretVars {
  private names = new Set<string>();

  constructor(private readonly redactor: Redactor) {}

  get listed(): ReadonlySet<string> {
    return this.names;
  }

  /** the names a layer of variables lists join the run's list */
  listFrom(vars: Record<string, unknown>): void {
    if (!hasOwn(vars, 'tsplay_secret_vars')) return;
    try {
      for (const n of secretVarNames(vars)) this.names.add(n);
    } catch {
      // a list that cannot be rendered names nothing; the task reading it reports why
    }
  }

  /**
   * The values the listed names have in `vars`: a layer as written, or a host's merged
   * variables, where reading a templated value renders it.
   */
  learn(vars: Record<string, unknown>): void {
    this.listFrom(vars);
    for (const name of this.names) {
      if (!hasOwn(vars, name)) continue;
      let value: unknown;
      try {
        value = vars[name];
      } catch {
        continue; // does not render on this host: the task that reads it fails, naming it
      }
      this.redactor.add(value, `variable ${name}`);
    }
  }

  /** Every host's inventory variables: the names they list, and the values of all listed names. */
  learnInventory(inv: Inventory): void {
    // resolving every host's variables is costly on a large inventory: only when the inventory
    // lists a name or sets one listed elsewhere
    if (!inv.definesVar('tsplay_secret_vars') && ![...this.names].some((n) => inv.definesVar(n))) return;
    let again = false;
    for (const [i, host] of inv.hosts().entries()) {
      const listed = this.names.size;
      this.learn(inv.hostVars(host));
      // a name first listed here is looked up again on the hosts before
      if (i > 0 && this.names.size > listed) again = true;
    }
    if (again) for (const host of inv.hosts()) this.learn(inv.hostVars(host));
  }

  /** A task's result, before any output shows it: set_fact values and a registered result of listed names. */
  learnResult(register: unknown, result: TaskResult): void {
    const facts = result.ansible_facts;
    if (facts && typeof facts === 'object') this.learn(facts as Record<string, unknown>);
    if (typeof register !== 'string' || !this.names.has(register)) return;
    const output = (r: TaskResult) => {
      for (const k of OUTPUT_KEYS) if (r[k] !== undefined) this.redactor.add(r[k], `variable ${register}`);
    };
    output(result);
    if (Array.isArray(result.results)) for (const r of result.results) if (r && typeof r === 'object') output(r as TaskResult);
  }
}

/** The names the inventory lists and their values there (`tsplay inventory`, `tsplay facts`: no playbook). */
export function learnSecretVars(inv: Inventory, redactor: Redactor | undefined): void {
  if (redactor) new SecretVars(redactor).learnInventory(inv);
}
