import { access } from 'node:fs/promises';

/** Whether a path exists on the controller (a dangling symlink counts as absent). */
export function pathExists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
