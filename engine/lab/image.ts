// The base image: debootstrap, role packages, lab settings. Built in a temp dir and renamed
// into place, so an interrupted build never leaves a half image where a whole one is expected.
import { mkdir, readdir, readlink, rm, rename, writeFile, chmod, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_STATE_DIR, baseImageDir } from './paths.js';
import { LAB_RECIPE, imageVersion, type ImageRecipe } from './recipe.js';
import { LAB_HOSTS } from './hosts.js';
import { etcHosts, resolvConf, sshdDropin, SSHD_DROPIN_FILE } from './host-files.js';
import { controllerMirror } from './mirror.js';
import { currentMountPoints, mountsUnder, unmountUnder } from './mounts.js';
import { run } from './run.js';
import { sh } from '../transport/quote.js';
import { pathExists } from '../path-exists.js';

export type Log = (line: string) => void;

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8' };

/** Runs one shell line inside the image with chroot (line built with the sh template). */
function chrootSh(dir: string, line: ReturnType<typeof sh>, input?: string) {
  return run(['chroot', dir, '/bin/sh', '-c', line.text], { env: APT_ENV, input });
}

/** Every symlink under /etc/systemd/system (wants/requires links and unit aliases), relative. */
async function unitLinks(dir: string): Promise<Set<string>> {
  const root = join(dir, 'etc/systemd/system');
  const out = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
      const r = rel ? join(rel, e.name) : e.name;
      if (e.isSymbolicLink()) out.add(r);
      else if (e.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return out;
}

/** Timers that would reach for the network (no route out of the lab) and then fail, degrading the host. */
const DROPPED_UNIT_LINKS = ['timers.target.wants/apt-daily.timer', 'timers.target.wants/apt-daily-upgrade.timer'];

/** Returns the image dir, building it first when this recipe has none yet. */
export async function ensureBaseImage(log: Log, recipe: ImageRecipe = LAB_RECIPE): Promise<string> {
  const version = imageVersion(recipe);
  const dir = baseImageDir(version);
  if (await pathExists(join(dir, 'etc/os-release'))) {
    log(`base image ${dir} ready (cached)`);
    return dir;
  }
  const tmp = `${dir}.building`;
  await unmountUnder(tmp);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const started = Date.now();
  try {
    await buildInto(tmp, recipe, log);
  } catch (e) {
    await unmountUnder(tmp).catch(() => {});
    throw e;
  }
  await rename(tmp, dir);
  log(`base image ${dir} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

async function buildInto(tmp: string, recipe: ImageRecipe, log: Log): Promise<void> {
  const mirror = await controllerMirror();
  log(`debootstrap ${recipe.release} from ${mirror} (minbase + ${recipe.basePackages.length} packages)`);
  await run(
    ['debootstrap', '--variant=minbase', `--include=${recipe.basePackages.join(',')}`, recipe.release, tmp, mirror],
    { env: APT_ENV },
  );

  const before = await unitLinks(tmp);
  // No service may start inside the chroot (invoke-rc.d would fall back to init scripts
  // and run etcd or haproxy on the controller).
  const policy = join(tmp, 'usr/sbin/policy-rc.d');
  await writeFile(policy, '#!/bin/sh\nexit 101\n');
  await chmod(policy, 0o755);
  const proc = join(tmp, 'proc');
  await run(['mount', '--bind', '/proc', proc]);
  try {
    log(`installing ${recipe.rolePackages.join(' ')}`);
    await chrootSh(tmp, sh`apt-get -q update && apt-get -q -y install ${[...recipe.rolePackages]}`);
    await chrootSh(tmp, sh`apt-get clean`);
  } finally {
    await run(['umount', proc]);
  }
  await unlink(policy);

  // Debian enables services on install: drop every link the install added (wants links and
  // aliases such as etcd2.service, which alone make `systemctl is-enabled etcd` say enabled).
  const after = await unitLinks(tmp);
  const drop = [...after].filter((l) => !before.has(l) || DROPPED_UNIT_LINKS.includes(l));
  for (const link of drop) {
    const full = join(tmp, 'etc/systemd/system', link);
    log(`disabling ${link} -> ${await readlink(full).catch(() => '?')}`);
    await unlink(full);
  }

  await configureImage(tmp, log);
}

async function configureImage(tmp: string, log: Log): Promise<void> {
  log('configuring image: networkd, resolver, users, ssh');
  await chrootSh(tmp, sh`systemctl enable systemd-networkd.service`);
  // Hosts get their own identity: machine-id and host keys are made per host before boot.
  await writeFile(join(tmp, 'etc/machine-id'), '');
  await rm(join(tmp, 'var/lib/dbus/machine-id'), { force: true });
  for (const f of await readdir(join(tmp, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) await unlink(join(tmp, 'etc/ssh', f));
  }
  await writeFile(join(tmp, SSHD_DROPIN_FILE), sshdDropin());
  await rm(join(tmp, 'etc/resolv.conf'), { force: true });
  await writeFile(join(tmp, 'etc/resolv.conf'), resolvConf());
  await writeFile(join(tmp, 'etc/hosts'), etcHosts(LAB_HOSTS));
  await mkdir(join(tmp, 'root/.ssh'), { recursive: true, mode: 0o700 });
  // deploy: an unprivileged login whose sudo asks for a password (become-with-password tests).
  await chrootSh(tmp, sh`useradd --create-home --shell /bin/bash --groups sudo deploy`);
  await chrootSh(tmp, sh`chpasswd`, 'deploy:deploy\n');
  await chrootSh(tmp, sh`install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh`);
  await rm(join(tmp, 'var/lib/apt/lists'), { recursive: true, force: true });
  await mkdir(join(tmp, 'var/lib/apt/lists/partial'), { recursive: true });
  await rm(join(tmp, 'var/cache/apt'), { recursive: true, force: true });
  await mkdir(join(tmp, 'var/cache/apt/archives/partial'), { recursive: true });
}


/**
 * Deletes base images other than `keep` that no listed host still stands on (their upper
 * dirs only make sense over that image), and leftovers of interrupted builds. Never deletes
 * anything with a mount under it.
 */
export async function pruneBaseImages(keep: string, inUse: ReadonlySet<string>, log: Log): Promise<void> {
  const points = await currentMountPoints();
  for (const f of await readdir(LAB_STATE_DIR)) {
    const dir = join(LAB_STATE_DIR, f);
    if (!/^base-[0-9a-f]+(\.building)?$/.test(f) || dir === keep || inUse.has(dir)) continue;
    if (mountsUnder(points, dir).length) continue;
    await rm(dir, { recursive: true, force: true });
    log(`removed ${f.endsWith('.building') ? 'an interrupted build' : 'old base image'} ${dir}`);
  }
}
