// The lab mounts, bridges and boots: only root may run it.
import { chmod, mkdir } from 'node:fs/promises';
import { LAB_STATE_DIR } from './paths.js';
import { LabError } from './errors.js';

export function requireRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid !== 0) throw new LabError('tsplay lab needs root');
}

/** /var/lib/tsplay-lab, root-only (it holds the lab's private key). */
export async function ensureStateDir(): Promise<void> {
  await mkdir(LAB_STATE_DIR, { recursive: true, mode: 0o700 });
  await chmod(LAB_STATE_DIR, 0o700);
}
