// What a caller (the CLI or a program) asks of one run.
import type { Reporter } from '../report/types.js';
import type { Module } from '../modules/types.js';
import type { Redactor } from '../secrets/redactor.js';
import type { RunHooks } from './run-hooks.js';
import type { RunMetrics } from './run-metrics.js';

export interface RunOptions {
  playbook: string;
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: Record<string, unknown>;
  /**
   * connection variables from the command line (-u → ansible_user, -b → ansible_become, -c, -k,
   * -K…): the lowest layer, so the inventory's and the play's own settings win, as in Ansible
   */
  connectionDefaults?: Record<string, unknown>;
  forks?: number;
  startAtTask?: string;
  forceHandlers?: boolean;
  rolesPath?: string[];
  modulesPath?: string[];
  /** extra modules (site modules loaded by the caller) */
  modules?: Module[];
  reporters?: Reporter[];
  /**
   * --step: asked before each task (once the views have drawn everything before it); false skips
   * the task on every host, as ansible-playbook's "(N)o"
   */
  step?: (task: import('../report/types.js').TaskInfo) => Promise<boolean>;
  /** -v count: 3 and up, the reporters get each host's connection and commands (onHostDetail) */
  verbosity?: number;
  /** false: each task reads the host at its own turn, none ahead (same results, more round trips) */
  readAhead?: boolean;
  /** act on the process around the run (the CLI's heap policy); reporters only show it */
  hooks?: RunHooks[];
  /** decrypts vault files */
  vaultPassword?: string;
  /** the vault passwords by vault id label (and the terminal to ask when there is none); before vaultPassword */
  vaultKeys?: import('../vault/keys.js').VaultKeys;
  /** learns secrets (vault values, tsplay_secret_vars, no_log arguments) and hides them in output */
  redactor?: Redactor;
  /** abort the run (SIGINT): the running tasks finish, nothing new starts */
  signal?: AbortSignal;
  /** stop the commands still running (the interrupted run's grace is over); a string reason says when, for the warning */
  stopCommands?: AbortSignal;
  /** record a plan (--check --plan-out) or hold the run to one (tsplay apply): engine/plan/ */
  plan?: import('../plan/seam.js').PlanSeam;
}

export interface RunResult {
  exitCode: number;
  stats: Record<string, import('../report/types.js').HostStats>;
  /** in check mode: a change was predicted */
  changesPending: boolean;
  /** the run's counters (run-metrics.ts): per host, the recap and the round trips its fact reads took */
  metrics: RunMetrics;
}
