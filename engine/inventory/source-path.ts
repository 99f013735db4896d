// Where an -i NAME is: the path as given, else inventories/NAME from the current directory, else
// inventories/NAME in the playbook's project. So `tsplay run playbooks/ha-cluster.yml -i prod` finds
// inventories/prod from the repository root, and from anywhere else too, while a ./prod file or
// directory still wins (Ansible reads -i as a path; an existing path keeps that meaning).
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The project a playbook belongs to: the directory holding its playbooks/ directory, or the
 * playbook's own directory when it is not in one (a site.yml beside inventories/).
 */
export function playbookProjectRoot(playbook: string): string {
  const dir = dirname(resolve(playbook));
  return basename(dir) === 'playbooks' ? dirname(dir) : dir;
}

/** The places an -i source is looked for, in order; one entry for an absolute path or a host list. */
export function inventoryCandidates(source: string, opts: { playbook?: string } = {}): string[] {
  if (isAbsolute(source) || source.includes(',')) return [source];
  const out = [source, join('inventories', source)];
  if (opts.playbook) {
    const inProject = join(playbookProjectRoot(opts.playbook), 'inventories', source);
    if (resolve(inProject) !== resolve(out[1])) out.push(inProject);
  }
  return out;
}

/** The first candidate that exists, or undefined (the caller names every place it looked). */
export function findInventorySource(source: string, opts: { playbook?: string } = {}): string | undefined {
  return inventoryCandidates(source, opts).find((p) => existsSync(p));
}
