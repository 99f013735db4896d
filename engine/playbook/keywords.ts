// Ansible's play and task keywords that tsplay understands.

export const PLAY_KEYWORDS = [
  'name', 'hosts', 'vars', 'vars_files', 'roles', 'pre_tasks', 'tasks', 'post_tasks', 'handlers',
  'gather_facts', 'become', 'become_user', 'become_method', 'serial', 'max_fail_percentage',
  'any_errors_fatal', 'strategy', 'tags', 'environment', 'check_mode', 'diff', 'no_log',
  'ignore_errors', 'force_handlers', 'order', 'connection', 'remote_user', 'collections', 'module_defaults',
] as const;

/** keywords valid on tasks, blocks and handlers (modules are the other keys) */
export const TASK_KEYWORDS = new Set([
  'name', 'when', 'loop', 'with_items', 'with_list', 'loop_control', 'register', 'notify', 'changed_when',
  'failed_when', 'ignore_errors', 'tags', 'until', 'retries', 'delay', 'run_once', 'delegate_to',
  'become', 'become_user', 'become_method', 'check_mode', 'diff', 'no_log', 'vars', 'environment',
  'args', 'listen', 'any_errors_fatal', 'ignore_unreachable', 'remote_user', 'connection',
  'delegate_facts', 'timeout', 'throttle', 'debugger', 'collections', 'module_defaults',
]);

export const BLOCK_KEYS = new Set(['block', 'rescue', 'always']);

/** task-level "include/import" forms, resolved by the loader */
export const INCLUDE_KEYS = new Set([
  'import_tasks', 'include_tasks', 'import_role', 'include_role', 'include', 'import_playbook',
  'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks', 'ansible.builtin.import_role',
  'ansible.builtin.include_role', 'ansible.builtin.import_playbook',
]);

/** keywords a block/role scope passes down to the tasks in it */
export const INHERITED = [
  'when', 'tags', 'become', 'become_user', 'become_method', 'vars', 'environment', 'check_mode',
  'diff', 'no_log', 'ignore_errors', 'delegate_to', 'run_once', 'any_errors_fatal',
] as const;
