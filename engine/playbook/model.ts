// The loaded, validated shape of a playbook. Values inside stay unrendered templates.
import type { SourcePos } from '../errors.js';
import type { SourceMap } from '../yaml/source.js';
import type { RoleSchema } from './role-schema.js';

export type Keywords = Record<string, unknown>;

/** Where a task's files come from: a role's directories, or the playbook's own. */
export interface RoleContext {
  name: string;
  /** the role's directory (the shipped or site one) */
  path: string;
  /** directories searched for templates/ and files/, first wins (site shadows shipped) */
  searchDirs: string[];
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** role params given in `roles:` or include_role vars */
  params: Record<string, unknown>;
  /** the declared parameters (schema.json or meta/argument_specs.yml), checked before the run */
  schema?: RoleSchema;
  /** where each default and param was written, for errors */
  defaultsPos?: Record<string, SourcePos>;
  paramsPos?: Record<string, SourcePos>;
  /** where the role is used (roles: entry, import_role, dependency) */
  usedAt?: SourcePos;
}

export interface TaskNode {
  kind: 'task';
  name?: string;
  module: string;
  args: Record<string, unknown>;
  keywords: Keywords;
  pos: SourcePos;
  role?: RoleContext;
  /** source map holding positions of the args */
  positions: SourceMap;
}

export interface BlockNode {
  kind: 'block';
  name?: string;
  block: Node[];
  rescue: Node[];
  always: Node[];
  keywords: Keywords;
  pos: SourcePos;
  role?: RoleContext;
  /**
   * set on an include_tasks/include_role: run per host when reached (play-exec), its keywords
   * its own (not inherited); `block` holds what it includes when known at load time
   */
  include?: IncludeSpec;
}

export interface IncludeSpec {
  action: 'include_tasks' | 'include_role';
  /** include_tasks: the file as written, maybe a template; relative to baseDir */
  file?: string;
  baseDir: string;
  /** keywords the included tasks get (`apply:`) */
  apply: Keywords;
  /** the included tasks were loaded at load time (a literal file name, a role) */
  loaded: boolean;
  /** where the file or role is named, for errors */
  where: SourcePos;
  /** the module_defaults around the include (its apply: included), for a file loaded when it runs */
  moduleDefaults?: ModuleDefaults[];
}

/** one level's module_defaults: module name → default parameters (as written) */
export type ModuleDefaults = Map<string, Record<string, unknown>>;

export type Node = TaskNode | BlockNode;

export interface Handler extends TaskNode {
  /** names it answers to: its name and its `listen` topics */
  listenNames: string[];
  /** keywords of the blocks (and imports) around it in its handlers list, outermost first */
  chain?: Keywords[];
}

export interface Play {
  name: string;
  hosts: string;
  keywords: Keywords; // play-level keywords: become, serial, gather_facts…
  vars: Record<string, unknown>;
  varsFiles: string[];
  preTasks: Node[];
  /** roles: then tasks: */
  tasks: Node[];
  postTasks: Node[];
  handlers: Handler[];
  pos: SourcePos;
  dir: string; // the playbook's directory
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
