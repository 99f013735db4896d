// The built-in modules by name. `ansible.builtin.X` and `ansible.legacy.X` name the same module.
import type { Module } from './types.js';
import { file } from './file.js';
import { copy } from './copy.js';
import { template } from './template.js';
import { lineinfile } from './lineinfile.js';
import { blockinfile } from './blockinfile.js';
import { command } from './command.js';
import { shell } from './shell.js';
import { stat } from './stat.js';
import { debug } from './debug.js';
import { set_fact } from './set_fact.js';
import { assert } from './assert.js';
import { fail } from './fail.js';
import { aptModule } from './apt.js';
import { packageModule } from './package.js';
import { serviceModule } from './service.js';
import { systemdModule } from './systemd.js';
import { sysctlModule } from './sysctl.js';
import { modprobeModule } from './modprobe.js';
import { getUrlModule } from './get_url.js';
import { uriModule } from './uri.js';
import { waitForModule } from './wait_for.js';
import { unarchiveModule } from './unarchive.js';
import { fetchModule } from './fetch.js';
import { x509KeyModule } from './x509_key.js';
import { x509CaModule } from './x509_ca.js';
import { x509CertModule } from './x509_cert.js';
import { kubeconfigModule } from './kubeconfig.js';
import { withAliases } from './aliases.js';

// Module<P, C> is invariant in P; the registry holds them by name only.
type AnyModule = Module<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BUILTIN: AnyModule[] = [
  // files, commands, control
  file, copy, template, lineinfile, blockinfile, command, shell, stat, debug, set_fact, assert, fail,
  // host state
  aptModule, packageModule, serviceModule, systemdModule, sysctlModule, modprobeModule, getUrlModule, uriModule, waitForModule, unarchiveModule, fetchModule,
  // PKI
  x509KeyModule, x509CaModule, x509CertModule, kubeconfigModule,
];

// Built once: a module object is also a cache key (compiled schema validators).
const MODULES: Map<string, Module> = new Map(BUILTIN.map((m) => [m.name, withAliases(m) as Module]));

/** The built-in modules by short name, aliases accepted (see aliases.ts). */
export function builtinModules(): Map<string, Module> {
  return new Map(MODULES);
}

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** The module for a task key, or undefined. */
export function findModule(name: string, modules: Map<string, Module> = MODULES): Module | undefined {
  const prefix = PREFIXES.find((p) => name.startsWith(p));
  return modules.get(prefix ? name.slice(prefix.length) : name);
}
