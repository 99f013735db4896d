// The inventory as data: what the parsers build and the Inventory class reads.
import type { SourcePos } from '../errors.js';

export type Vars = Record<string, unknown>;

export interface GroupData {
  name: string;
  /** direct member hosts, in the order they were added */
  hosts: string[];
  /** direct child groups, in the order they were added */
  children: string[];
  parents: string[];
  /** variables written in inventory files (not group_vars/) */
  vars: Vars;
  /** ansible_group_priority: orders groups of equal depth when merging vars */
  priority: number;
}

export interface HostData {
  name: string;
  /** variables written in inventory files (not host_vars/) */
  vars: Vars;
  /** direct groups, in the order they were added */
  groups: string[];
  /** the inventory file that first named this host */
  inventoryFile: string;
}

/** group_vars/ and host_vars/ beside one inventory source (or the playbook), loaded for the names that exist */
export interface VarsDir {
  dir: string;
  groupVars: Map<string, Vars>;
  hostVars: Map<string, Vars>;
  /** where each variable of groupVars / hostVars was written (the file that set it last) */
  groupVarsAt: Map<string, Map<string, SourcePos>>;
  hostVarsAt: Map<string, Map<string, SourcePos>>;
}
