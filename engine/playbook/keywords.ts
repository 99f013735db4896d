// The one table of playbook keywords: every keyword Ansible (2.14) documents for plays, roles,
// blocks, tasks and handlers, once, with where it is allowed, its JSON Schema, how it passes down,
// whether tsplay templates it, and what implements it (or why tsplay refuses it). The loader's
// accepted keys, the playbook schema (engine/playbook/playbook-schema.ts, and through it
// schemas/playbook.schema.json and the build's precompiled validators), --syntax-check, keyword
// inheritance (engine/runner/scope.ts) and the README's keyword list all come from here.
//
// A keyword that nothing implements is refused when the playbook is loaded, with file:line:col:
// accepting it would run the playbook without its effect. To implement one, replace its
// `refused:` with `implemented:` (naming the code), and add a case to test/cases/playbook that
// fails without it (test/unit/playbook/keywords.test.ts checks that there is one).

/** Where a keyword is written. */
export type Level = 'play' | 'role' | 'block' | 'task' | 'handler' | 'include' | 'import_playbook';

export const LEVEL_NAMES: Record<Level, string> = {
  play: 'a play',
  role: 'a role entry (roles: or a dependency)',
  block: 'a block',
  task: 'a task',
  handler: 'a handler',
  include: 'an include or import (include_tasks, import_tasks, include_role, import_role)',
  import_playbook: 'an import_playbook entry',
};

/**
 * How a value set on a play, role or block reaches the tasks in it:
 * none: applies only where it is written; innermost: the closest setting wins;
 * accumulate: every level's value applies (all `when`s must hold, `tags` add up);
 * merge: maps merged key by key, the inner level winning (vars, module_defaults, environment).
 */
export type Inherit = 'none' | 'innermost' | 'accumulate' | 'merge';

/**
 * rendered: templates in it are rendered per host (and loop item) before use, and compiled by
 * --syntax-check; condition: a bare CEL expression, parsed by --syntax-check; literal: used as
 * written, so a template in it is refused at load; label: a display name, shown as written;
 * structure: a list or map of tasks, roles, files that the loader reads itself.
 */
export type Templated = 'rendered' | 'condition' | 'literal' | 'label' | 'structure';

export type JsonSchema = Record<string, unknown>;

export interface KeywordSpec {
  /** where Ansible allows it */
  levels: readonly Level[];
  schema: JsonSchema;
  inherit: Inherit;
  templated: Templated;
  /** the code that implements it */
  implemented?: string;
  /** why tsplay refuses it (at every level it is allowed at) */
  refused?: string;
  /** refused at these levels only */
  refusedAt?: Partial<Record<Level, string>>;
  /** a value the schema allows but tsplay does not implement: why (checked at load, after the schema) */
  refuseValue?: (value: unknown) => string | undefined;
}

// schema fragments (definitions of the generated playbook schema)
const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const BOOL = ref('boolish');
const STR = { type: 'string' };
const CONDITION = ref('condition');
const STRING_LIST = ref('stringList');
const TASK_LIST = ref('taskList');
const TEMPLATED_OR = (s: JsonSchema): JsonSchema => ({ anyOf: [s, ref('templated')] });

const ALL: Level[] = ['play', 'role', 'block', 'task', 'handler', 'include'];
const INNER: Level[] = ['role', 'block', 'task', 'handler', 'include'];
const TASKS: Level[] = ['task', 'handler'];

/** not implemented yet; the text says what a run would do without it */
const NOT_YET = (without: string): string => `not implemented yet (a run would ${without})`;

export const KEYWORDS: Record<string, KeywordSpec> = {
  // ── the parts of a play, block and role entry ──
  name: { levels: [...ALL, 'import_playbook'], schema: STR, inherit: 'none', templated: 'label', implemented: 'engine/playbook/loader.ts (shown by the reporters as written)' },
  hosts: {
    levels: ['play'],
    schema: { description: 'host pattern', anyOf: [STR, { type: 'array', items: STR }] },
    inherit: 'none',
    templated: 'literal',
    implemented: 'engine/runner/play-exec.ts runPlay (selectHosts)',
  },
  vars: {
    levels: [...ALL, 'import_playbook'],
    schema: ref('vars'),
    inherit: 'merge',
    templated: 'rendered',
    implemented: 'engine/runner/host-vars.ts (play vars; block and task vars via scope.ts scopeVars; role entry vars are role parameters; import_playbook vars over the imported plays\' own, loader.ts imported)',
  },
  vars_files: { levels: ['play'], schema: STRING_LIST, inherit: 'none', templated: 'literal', implemented: 'engine/runner/run.ts loadRun' },
  vars_prompt: { levels: ['play'], schema: {}, inherit: 'none', templated: 'literal', refused: 'tsplay never prompts; pass values with -e or vars_files' },
  roles: {
    levels: ['play'],
    schema: { type: ['array', 'null'], items: { anyOf: [STR, { type: 'object', anyOf: [{ required: ['role'] }, { required: ['name'] }] }] } },
    inherit: 'none',
    templated: 'structure',
    implemented: 'engine/playbook/loader.ts roleFromEntry',
  },
  pre_tasks: { levels: ['play'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts runPlay' },
  tasks: { levels: ['play'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts runPlay' },
  post_tasks: { levels: ['play'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts runPlay' },
  handlers: { levels: ['play'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts flushHandlers' },
  block: { levels: ['block'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts block' },
  rescue: { levels: ['block'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts block' },
  always: { levels: ['block'], schema: TASK_LIST, inherit: 'none', templated: 'structure', implemented: 'engine/runner/play-exec.ts block' },

  // ── play only ──
  gather_facts: { levels: ['play'], schema: BOOL, inherit: 'none', templated: 'literal', implemented: 'engine/runner/play-exec.ts runPlay' },
  gather_subset: { levels: ['play'], schema: {}, inherit: 'none', templated: 'literal', refused: 'tsplay gathers one fixed set of facts' },
  gather_timeout: { levels: ['play'], schema: {}, inherit: 'none', templated: 'literal', refused: 'tsplay gathers facts with one command and has no separate timeout for it' },
  fact_path: { levels: ['play'], schema: {}, inherit: 'none', templated: 'literal', refused: 'tsplay has no local facts (facts.d)' },
  serial: {
    levels: ['play'],
    schema: { anyOf: [{ type: 'integer', minimum: 0 }, STR, { type: 'array', items: { type: ['integer', 'string'] } }] },
    inherit: 'none',
    templated: 'rendered',
    implemented: 'engine/runner/serial.ts (a template: from the play\'s vars and -e, before any host runs)',
  },
  max_fail_percentage: {
    levels: ['play'],
    schema: { anyOf: [{ type: 'number', minimum: 0, maximum: 100 }, STR] },
    inherit: 'none',
    templated: 'literal',
    implemented: 'engine/runner/play-exec.ts checkFailureLimits',
  },
  force_handlers: { levels: ['play'], schema: BOOL, inherit: 'none', templated: 'literal', implemented: 'engine/runner/play-exec.ts flushHandlers' },
  order: {
    levels: ['play'],
    schema: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] },
    inherit: 'none',
    templated: 'literal',
    implemented: 'engine/runner/host-order.ts orderHosts',
  },
  strategy: {
    levels: ['play'],
    schema: STR,
    inherit: 'none',
    templated: 'literal',
    implemented: 'engine/runner/play-exec.ts (linear: each task on every host before the next)',
    refuseValue: (v) =>
      v === 'linear' || v === 'ansible.builtin.linear'
        ? undefined
        : `\`strategy: ${String(v)}\` is not supported by tsplay: it runs each task on every host before the next (the linear strategy)${v === 'free' || v === 'ansible.builtin.free' ? '; free, where each host goes on at its own pace, is not implemented' : ''}`,
  },

  // ── play, role, block, task (passed down) ──
  any_errors_fatal: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/play-exec.ts checkFailureLimits' },
  become: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/resolved-task.ts becomeFor' },
  become_user: { levels: ALL, schema: STR, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/resolved-task.ts becomeFor' },
  become_method: { levels: ALL, schema: { enum: ['sudo', 'su'] }, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/resolved-task.ts becomeFor' },
  become_exe: { levels: ALL, schema: {}, inherit: 'innermost', templated: 'literal', refused: 'tsplay runs sudo or su from the PATH' },
  become_flags: { levels: ALL, schema: {}, inherit: 'innermost', templated: 'literal', refused: 'tsplay passes its own fixed flags to sudo and su' },
  check_mode: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/resolved-task.ts resolveTask' },
  diff: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/task-exec.ts executeItem' },
  no_log: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/task-exec.ts runOnHost' },
  ignore_errors: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/task-exec.ts finish' },
  run_once: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/task-exec.ts runTask' },
  tags: { levels: [...ALL, 'import_playbook'], schema: STRING_LIST, inherit: 'accumulate', templated: 'literal', implemented: 'engine/runner/tags.ts (scope.ts allTags; import_playbook tags added to the imported plays\', loader.ts imported)' },
  ignore_unreachable: { levels: ALL, schema: BOOL, inherit: 'innermost', templated: 'literal', implemented: 'engine/runner/task-exec.ts finish (play-exec.ts gather)' },
  environment: { levels: ALL, schema: { type: ['object', 'string'] }, inherit: 'merge', templated: 'rendered', implemented: 'engine/runner/resolved-task.ts environmentFor (transport/with-env.ts)' },
  connection: { levels: ALL, schema: STR, inherit: 'innermost', templated: 'rendered', implemented: 'engine/runner/resolved-task.ts resolveTask (transport/factory.ts connectionSpec)' },
  remote_user: { levels: ALL, schema: STR, inherit: 'innermost', templated: 'rendered', implemented: 'engine/runner/resolved-task.ts resolveTask (transport/factory.ts connectionSpec)' },
  port: { levels: ALL, schema: {}, inherit: 'innermost', templated: 'literal', refused: 'set ansible_port in the inventory or in vars' },
  throttle: { levels: ALL, schema: TEMPLATED_OR({ type: 'integer', minimum: 0 }), inherit: 'innermost', templated: 'rendered', implemented: 'engine/runner/task-limits.ts hostsAtOnce' },
  timeout: { levels: ALL, schema: TEMPLATED_OR({ type: 'integer', minimum: 0 }), inherit: 'innermost', templated: 'rendered', implemented: 'engine/runner/task-limits.ts taskTimeout' },
  module_defaults: {
    levels: ALL,
    schema: { type: 'object', additionalProperties: { type: ['object', 'null'] } },
    // per module the innermost level's defaults apply, whole (Ansible)
    inherit: 'merge',
    templated: 'rendered',
    implemented: "engine/playbook/loader.ts moduleDefaults (under each task's arguments at load, then validated with them)",
  },
  collections: {
    levels: ALL,
    schema: { type: 'array', items: STR },
    inherit: 'innermost',
    templated: 'literal',
    implemented: "engine/playbook/loader.ts (tsplay's modules are ansible.builtin's, found by short name or ansible.builtin.NAME)",
    refuseValue: (v) => {
      const other = (Array.isArray(v) ? v : []).find((c) => c !== 'ansible.builtin' && c !== 'ansible.legacy');
      return other === undefined
        ? undefined
        : `\`collections: ${String(other)}\` is not supported by tsplay: it has no collections but ansible.builtin (and ansible.legacy), whose modules it finds by their short names`;
    },
  },
  debugger: { levels: ALL, schema: {}, inherit: 'innermost', templated: 'literal', refused: 'tsplay has no interactive task debugger; --step asks before each task, -v shows each result, --start-at-task reruns from one' },

  // ── role, block, task ──
  when: { levels: [...INNER, 'import_playbook'], schema: CONDITION, inherit: 'accumulate', templated: 'condition', implemented: 'engine/runner/task-exec.ts executeOnHost (scope.ts allConditions)', refusedAt: { import_playbook: 'when on import_playbook is not implemented (put when: on the tasks or blocks)' } },
  delegate_to: { levels: INNER, schema: STR, inherit: 'innermost', templated: 'rendered', implemented: 'engine/runner/resolved-task.ts resolveTask' },
  delegate_facts: { levels: INNER, schema: BOOL, inherit: 'innermost', templated: 'literal', refused: NOT_YET('set the facts on the host that runs the task, not on the delegated one') },
  notify: { levels: ['block', ...TASKS], schema: STRING_LIST, inherit: 'innermost', templated: 'rendered', implemented: 'engine/runner/task-exec.ts notifyNames' },

  // ── task and handler ──
  register: { levels: TASKS, schema: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, inherit: 'none', templated: 'literal', implemented: 'engine/runner/task-exec.ts finish' },
  changed_when: { levels: TASKS, schema: CONDITION, inherit: 'none', templated: 'condition', implemented: 'engine/runner/task-exec.ts executeItem' },
  failed_when: { levels: TASKS, schema: CONDITION, inherit: 'none', templated: 'condition', implemented: 'engine/runner/task-exec.ts executeItem' },
  until: { levels: TASKS, schema: CONDITION, inherit: 'none', templated: 'condition', implemented: 'engine/runner/task-exec.ts executeItem' },
  retries: { levels: TASKS, schema: TEMPLATED_OR({ type: 'integer', minimum: 0 }), inherit: 'none', templated: 'rendered', implemented: 'engine/runner/task-exec.ts executeItem' },
  delay: { levels: TASKS, schema: TEMPLATED_OR({ type: 'number', minimum: 0 }), inherit: 'none', templated: 'rendered', implemented: 'engine/runner/task-exec.ts executeItem' },
  loop: { levels: [...TASKS, 'include'], schema: TEMPLATED_OR({ type: 'array' }), inherit: 'none', templated: 'rendered', implemented: 'engine/runner/task-exec.ts executeOnHost; on include_tasks/include_role engine/runner/include-exec.ts (the loader refuses it on import_*)' },
  with_items: { levels: [...TASKS, 'include'], schema: TEMPLATED_OR({ type: 'array' }), inherit: 'none', templated: 'rendered', implemented: 'engine/playbook/loader.ts (as loop:)' },
  with_list: { levels: [...TASKS, 'include'], schema: TEMPLATED_OR({ type: 'array' }), inherit: 'none', templated: 'rendered', implemented: 'engine/playbook/loader.ts (as loop:)' },
  loop_control: {
    levels: [...TASKS, 'include'],
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        loop_var: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        index_var: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        label: STR,
        pause: { type: 'number' },
        extended: { type: 'boolean' },
      },
    },
    inherit: 'none',
    templated: 'rendered',
    implemented: 'engine/runner/task-exec.ts executeOnHost; on include_tasks/include_role engine/runner/include-exec.ts (loop_var, index_var)',
  },
  args: { levels: TASKS, schema: { type: 'object' }, inherit: 'none', templated: 'rendered', implemented: 'engine/playbook/loader.ts moduleArgs' },
  action: { levels: TASKS, schema: {}, inherit: 'none', templated: 'literal', refused: 'name the module as the key of the task (copy: …) instead' },
  local_action: { levels: TASKS, schema: {}, inherit: 'none', templated: 'literal', refused: 'name the module as the key of the task and add delegate_to: localhost' },
  async: { levels: TASKS, schema: {}, inherit: 'none', templated: 'literal', refused: 'tsplay runs every task to its end (no background jobs)' },
  poll: { levels: TASKS, schema: {}, inherit: 'none', templated: 'literal', refused: 'tsplay runs every task to its end (no background jobs)' },
  listen: { levels: ['handler'], schema: STRING_LIST, inherit: 'none', templated: 'literal', implemented: 'engine/playbook/loader.ts loadHandlers' },
};

/** `with_<lookup>` loops other than with_items and with_list */
export const WITH_LOOKUP: KeywordSpec = {
  levels: [...TASKS, 'include'],
  schema: {},
  inherit: 'none',
  templated: 'rendered',
  refused: 'this lookup is not implemented; write loop: with a list (with_items and with_list are)',
};

/** The spec of a keyword, or undefined when `key` is not one (a module name, a typo, a role parameter). */
export function keyword(key: string): KeywordSpec | undefined {
  if (Object.hasOwn(KEYWORDS, key)) return KEYWORDS[key];
  if (/^with_[a-z_]+$/.test(key)) return WITH_LOOKUP;
  return undefined;
}

export function isKeyword(key: string): boolean {
  return keyword(key) !== undefined;
}

/** Why `key` is refused at `level`, or undefined when it is implemented there. */
export function refusal(spec: KeywordSpec, level: Level): string | undefined {
  return spec.refusedAt?.[level] ?? spec.refused;
}

/**
 * The error for keyword `key` written at `level`: not allowed there, or refused; undefined when
 * it is accepted. Not for non-keywords (see isKeyword).
 */
export function keywordProblem(key: string, level: Level): string | undefined {
  const spec = keyword(key);
  if (!spec) return undefined;
  if (!spec.levels.includes(level)) {
    const where = spec.levels.filter((l) => l !== 'include' && l !== 'import_playbook').map((l) => l);
    return `\`${key}\` is not a keyword of ${LEVEL_NAMES[level]} (only of: ${where.join(', ')})`;
  }
  const why = refusal(spec, level);
  return why === undefined ? undefined : `\`${key}\` is not supported by tsplay${spec.refusedAt?.[level] ? ` on ${LEVEL_NAMES[level]}` : ''}: ${why}`;
}

/** the keywords accepted at a level (allowed there and not refused) */
export function acceptedAt(level: Level): string[] {
  return Object.keys(KEYWORDS).filter((k) => KEYWORDS[k].levels.includes(level) && refusal(KEYWORDS[k], level) === undefined);
}

/** keywords of a given template kind, accepted somewhere */
export function keywordsTemplated(kind: Templated): string[] {
  return Object.keys(KEYWORDS).filter((k) => KEYWORDS[k].templated === kind);
}

/** task-level "include/import" forms, resolved by the loader (they are modules in Ansible, not keywords) */
export const INCLUDE_KEYS = new Set([
  'import_tasks', 'include_tasks', 'import_role', 'include_role', 'include', 'import_playbook',
  'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks', 'ansible.builtin.import_role',
  'ansible.builtin.include_role', 'ansible.builtin.import_playbook',
]);

/**
 * Of the keywords accepted on an include or import (level `include`), the ones an include_tasks or
 * include_role takes for itself: they decide whether, how often and with which variables the
 * include happens (engine/runner/include-exec.ts). The others would apply to the include task
 * alone, not to the included tasks (Ansible), so the loader refuses them there and points to
 * `apply:`; on import_tasks/import_role they pass down to every imported task.
 */
export const INCLUDE_OWN_KEYWORDS = new Set(['name', 'when', 'loop', 'with_items', 'with_list', 'loop_control', 'vars', 'tags']);
