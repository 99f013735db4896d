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

// Module<P, C> is invariant in P; the registry holds them by name only.
type AnyModule = Module<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BUILTIN: AnyModule[] = [file, copy, template, lineinfile, blockinfile, command, shell, stat, debug, set_fact, assert, fail];

export function builtinModules(): Map<string, Module> {
  return new Map(BUILTIN.map((m) => [m.name, m as Module]));
}

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** The module for a task key, or undefined. */
export function findModule(name: string, modules: Map<string, Module> = builtinModules()): Module | undefined {
  const prefix = PREFIXES.find((p) => name.startsWith(p));
  return modules.get(prefix ? name.slice(prefix.length) : name);
}
