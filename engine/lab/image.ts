// The base image: debootstrap and lab settings, no role packages (the roles install those from
// the lab repository, repo.ts). Built in a temp dir and renamed
// into place, so an interrupted build never leaves a half image where a whole one is expected.
import { mkdir, readdir, rm, rename, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_STATE_DIR, baseImageDir } from './paths.js';
import { LAB_RECIPE, imageVersion, type ImageRecipe } from './recipe.js';
import { LAB_HOSTS } from './hosts.js';
import { etcHosts, resolvConf, sshdDropin, SSHD_DROPIN_FILE, hostAptSource, HOST_APT_SOURCE_FILE, HOST_REPO_DIR } from './host-files.js';
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
  for (const link of DROPPED_UNIT_LINKS) await unlink(join(tmp, 'etc/systemd/system', link)).catch(() => {});
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
  // The hosts' only apt source is the lab repository (repo.ts), as a site's own mirror would be.
  await rm(join(tmp, 'etc/apt/sources.list'), { force: true });
  await writeFile(join(tmp, HOST_APT_SOURCE_FILE), hostAptSource());
  await mkdir(join(tmp, HOST_REPO_DIR.slice(1)), { recursive: true, mode: 0o755 });
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
