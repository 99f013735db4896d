// Which package manager the host has (Ansible's pkg_mgr), for the generic `package` module.
import type { Fact } from './types.js';
import { ShellCommand } from '../transport/quote.js';

const NAMES: Record<string, string> = { 'apt-get': 'apt', dnf: 'dnf', yum: 'yum', apk: 'apk', zypper: 'zypper', pacman: 'pacman' };

export const pkgMgr: Fact<string | undefined> = {
  name: 'pkg_mgr',
  command: () =>
    new ShellCommand('for p in apt-get dnf yum apk zypper pacman; do if command -v "$p" >/dev/null 2>&1; then echo "$p"; break; fi; done; exit 0'),
  parse: (r) => {
    const p = r.stdout.trim();
    return p ? (NAMES[p] ?? p) : undefined;
  },
};
