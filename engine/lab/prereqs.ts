// What the controller needs before `lab up` can build and boot anything: each program the lab
// runs, with the Debian package that ships it. Missing ones are installed with apt when lab up
// runs as root on a Debian controller; otherwise the error names the packages to install.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { run } from './run.js';
import { LabError } from './errors.js';

/** program -> Debian package (.ci/lab-deps.sh installs the same packages; a unit test keeps them equal) */
export const LAB_TOOLS: Readonly<Record<string, string>> = {
  debootstrap: 'debootstrap', // the base image
  'systemd-nspawn': 'systemd-container', // boots the hosts
  ip: 'iproute2', // the bridge
  'dbus-daemon': 'dbus', // nspawn's system bus on a controller without systemd
  ssh: 'openssh-client', // reaching the hosts
  'ssh-keygen': 'openssh-client', // lab key, host keys
  'dpkg-scanpackages': 'dpkg-dev', // indexes the hosts' package repository
  'apt-get': 'apt', // downloads the role packages into it
  chroot: 'coreutils',
  mount: 'mount',
  umount: 'mount',
};

/** The distinct packages of LAB_TOOLS, sorted. */
export function labToolPackages(): string[] {
  return [...new Set(Object.values(LAB_TOOLS))].sort();
}

/** Whether `program` is an executable file in one of PATH's directories. */
async function onPath(program: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** The programs of LAB_TOOLS not found on `path`. */
export async function missingTools(path = process.env.PATH ?? ''): Promise<string[]> {
  const out: string[] = [];
  for (const program of Object.keys(LAB_TOOLS)) if (!(await onPath(program, path))) out.push(program);
  return out;
}

/** The packages that ship these programs, sorted, each once. */
export function packagesFor(programs: readonly string[]): string[] {
  return [...new Set(programs.map((p) => LAB_TOOLS[p] ?? p))].sort();
}

export interface EnsureToolsOptions {
  path?: string;
  uid?: number;
  log?: (line: string) => void;
}

/**
 * Every lab program present, installing the missing ones with apt-get when running as root
 * on a controller that has apt-get. Throws a LabError naming the packages otherwise.
 */
export async function ensureLabTools(opts: EnsureToolsOptions = {}): Promise<void> {
  const path = opts.path ?? process.env.PATH ?? '';
  const uid = opts.uid ?? process.getuid?.();
  const missing = await missingTools(path);
  if (!missing.length) return;
  const pkgs = packagesFor(missing);
  const what = `missing ${missing.join(', ')} (Debian packages: ${pkgs.join(' ')})`;
  if (uid !== 0) throw new LabError(`tsplay lab needs root and these programs: ${what}; as root it installs them itself, or run: apt-get install ${pkgs.join(' ')}`);
  if (!(await onPath('apt-get', path))) throw new LabError(`tsplay lab: ${what}; no apt-get on this controller to install them: install them and run it again`);
  opts.log?.(`installing what the lab needs: ${pkgs.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive', PATH: path };
  const apt = ['apt-get', '-q', '-y', '-o', 'Dpkg::Options::=--force-confold'];
  const steps = [[...apt, 'update'], [...apt, 'install', '--no-install-recommends', ...pkgs]];
  for (const argv of steps) {
    const r = await run(argv, { env, allowFail: true });
    if (r.exitCode !== 0) {
      const tail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n');
      throw new LabError(`tsplay lab: ${what}; \`${argv.join(' ')}\` failed (exit ${r.exitCode}):\n${tail}`);
    }
  }
  const still = await missingTools(path);
  if (still.length) throw new LabError(`tsplay lab: still missing ${still.join(', ')} after installing ${pkgs.join(' ')} (are they on PATH?)`);
}
