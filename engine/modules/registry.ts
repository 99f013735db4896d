// The built-in modules by name. `ansible.builtin.X` and `ansible.legacy.X` name the same module.
// Each module's code loads the first time a playbook names it: a run uses a handful, and some
// (x509_*, kubeconfig) pull in large libraries that a run without PKI tasks never needs.
import type { Module } from './types.js';
import { withAliases } from './lib/aliases.js';

// Module<P, C> is invariant in P; the registry holds them by name only.
type AnyModule = Module<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BUILTIN: Record<string, () => Promise<AnyModule>> = {
  // files, commands, control
  file: async () => (await import('./builtin/file.js')).file,
  copy: async () => (await import('./builtin/copy.js')).copy,
  template: async () => (await import('./builtin/template.js')).template,
  lineinfile: async () => (await import('./builtin/lineinfile.js')).lineinfile,
  replace: async () => (await import('./builtin/replace.js')).replaceModule,
  blockinfile: async () => (await import('./builtin/blockinfile.js')).blockinfile,
  command: async () => (await import('./builtin/command.js')).command,
  shell: async () => (await import('./builtin/shell.js')).shell,
  raw: async () => (await import('./builtin/raw.js')).rawModule,
  script: async () => (await import('./builtin/script.js')).scriptModule,
  stat: async () => (await import('./builtin/stat.js')).stat,
  slurp: async () => (await import('./builtin/slurp.js')).slurp,
  find: async () => (await import('./builtin/find.js')).findModule,
  debug: async () => (await import('./builtin/debug.js')).debug,
  set_fact: async () => (await import('./builtin/set_fact.js')).set_fact,
  include_vars: async () => (await import('./builtin/include_vars.js')).includeVarsModule,
  add_host: async () => (await import('./builtin/add_host.js')).addHostModule,
  group_by: async () => (await import('./builtin/group_by.js')).groupByModule,
  assert: async () => (await import('./builtin/assert.js')).assert,
  fail: async () => (await import('./builtin/fail.js')).fail,
  ping: async () => (await import('./builtin/ping.js')).pingModule,
  setup: async () => (await import('./builtin/setup.js')).setupModule,
  pause: async () => (await import('./builtin/pause.js')).pauseModule,
  cron: async () => (await import('./builtin/cron.js')).cronModule,
  // host state
  apt: async () => (await import('./builtin/apt.js')).aptModule,
  package: async () => (await import('./builtin/package.js')).packageModule,
  dpkg_selections: async () => (await import('./builtin/dpkg_selections.js')).dpkgSelectionsModule,
  service: async () => (await import('./builtin/service.js')).serviceModule,
  systemd: async () => (await import('./builtin/systemd.js')).systemdModule,
  sysctl: async () => (await import('./builtin/sysctl.js')).sysctlModule,
  modprobe: async () => (await import('./builtin/modprobe.js')).modprobeModule,
  user: async () => (await import('./builtin/user.js')).userModule,
  group: async () => (await import('./builtin/group.js')).groupModule,
  get_url: async () => (await import('./builtin/get_url.js')).getUrlModule,
  uri: async () => (await import('./builtin/uri.js')).uriModule,
  wait_for: async () => (await import('./builtin/wait_for.js')).waitForModule,
  unarchive: async () => (await import('./builtin/unarchive.js')).unarchiveModule,
  fetch: async () => (await import('./builtin/fetch.js')).fetchModule,
  // PKI
  x509_key: async () => (await import('./builtin/x509_key.js')).x509KeyModule,
  x509_ca: async () => (await import('./builtin/x509_ca.js')).x509CaModule,
  x509_cert: async () => (await import('./builtin/x509_cert.js')).x509CertModule,
  kubeconfig: async () => (await import('./builtin/kubeconfig.js')).kubeconfigModule,
  pki_files: async () => (await import('./builtin/pki_files.js')).pkiFilesModule,
  pki_guard: async () => (await import('./builtin/pki_guard.js')).pkiGuardModule,
  pki_adopt: async () => (await import('./builtin/pki_adopt.js')).pkiAdoptModule,
  pki_holders: async () => (await import('./builtin/pki_holders.js')).pkiHoldersModule,
  pki_expiry: async () => (await import('./builtin/pki_expiry.js')).pkiExpiryModule,
};

// The per-process module cache. Each module is wrapped once: a module object is also a cache
// key (compiled schema validators), so every lookup of a name must give the same object.
const LOADED = new Map<string, Promise<Module>>();

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

function shortName(name: string): string {
  const prefix = PREFIXES.find((p) => name.startsWith(p));
  return prefix ? name.slice(prefix.length) : name;
}

/** The built-in module for a task key (loading its code on first use), or undefined. */
export function findModule(name: string): Promise<Module | undefined> {
  const short = shortName(name);
  if (!Object.hasOwn(BUILTIN, short)) return Promise.resolve(undefined);
  let m = LOADED.get(short);
  if (!m) {
    m = BUILTIN[short]().then((mod) => withAliases(mod) as Module);
    LOADED.set(short, m);
  }
  return m;
}

/** the built-in modules' short names (no code loaded) */
export function builtinModuleNames(): string[] {
  return Object.keys(BUILTIN);
}

/** All built-in modules by short name, aliases accepted (see aliases.ts); loads every one. */
export async function builtinModules(): Promise<Map<string, Module>> {
  const names = Object.keys(BUILTIN);
  const mods = await Promise.all(names.map((n) => findModule(n)));
  return new Map(names.map((n, i) => [n, mods[i]!]));
}
