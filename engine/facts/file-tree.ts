// Type, mode and ownership of everything under a directory (symbolic links left out): what
// `file: recurse: true` compares against.
import { sh } from '../transport/quote.js';
import { ModuleError } from '../errors.js';
import type { Fact } from './types.js';

export interface TreeEntry {
  isDir: boolean;
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
}

export const fileTree: Fact<TreeEntry[], { path: string }> = {
  name: 'file_tree',
  command: ({ path }) => sh`find -- ${path} -mindepth 1 ! -type l -printf ${'%y %m %U %G %u %g\\0'}`,
  parse(r, { path }) {
    if (r.exitCode !== 0) throw new ModuleError(`cannot list ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return r.stdout
      .split('\0')
      .filter((e) => e)
      .map((e) => {
        const [type, mode, uid, gid, owner, group] = e.split(' ');
        return { isDir: type === 'd', mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), owner, group };
      });
  },
};
