import type { Play } from '../playbook/model.js';

export interface PlayContext {
  play: Play;
  /** play vars merged with vars_files (vars_files win, as in Ansible) */
  vars: Record<string, unknown>;
  playHosts: string[];
  batch: string[];
  /** hostvars for the current task step, rebuilt each step */
  hostvars?: Record<string, unknown>;
}
