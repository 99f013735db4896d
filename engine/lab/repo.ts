// The hosts' package repository: the role packages (recipe.ts ROLE_PACKAGES) with every
// dependency the base image lacks, downloaded on the controller by its own apt from its own
// sources (signatures checked there), as a flat repository that nspawn bind-mounts read-only
// into every host. Built once per version under the state dir, in a temp dir renamed into place.
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { LAB_STATE_DIR, repoDir } from './paths.js';
import { ROLE_PACKAGES, repoVersion } from './recipe.js';
import { run } from './run.js';
import { pathExists } from '../path-exists.js';
import type { Log } from './image.js';

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8' };

/**
 * apt-get options that keep everything this download reads and writes under `work`: its own
 * lists and cache, and the image's dpkg status (a copy), so it resolves what the hosts lack.
 */
export function aptWorkOptions(work: string): string[] {
  const o = (k: string, v: string) => ['-o', `${k}=${v}`];
  return [
    ...o('Dir::State', join(work, 'state')),
    ...o('Dir::State::status', join(work, 'status')),
    ...o('Dir::Cache', join(work, 'cache')),
    ...o('Dir::Cache::archives', join(work, 'archives')),
    ...o('APT::Install-Recommends', 'false'),
    ...o('APT::Get::Download-Only', 'true'),
  ];
}

/** A Release file for the flat repository, naming its Packages index by size and sha256. */
export function releaseFile(packages: Buffer, date = new Date()): string {
  const sum = createHash('sha256').update(packages).digest('hex');
  return ['Origin: tsplay-lab', 'Label: tsplay-lab', 'Suite: tsplay-lab', 'Codename: tsplay-lab', `Date: ${date.toUTCString()}`, 'SHA256:', ` ${sum} ${packages.length} Packages`, ''].join('\n');
}

/** Returns the repository dir, building it first when this version has none yet. */
export async function ensurePackageRepo(image: string, log: Log, packages: readonly string[] = ROLE_PACKAGES): Promise<string> {
  const dir = repoDir(repoVersion(image, packages));
  if (await pathExists(join(dir, 'Release'))) {
    log(`package repository ${dir} ready (cached)`);
    return dir;
  }
  const started = Date.now();
  const tmp = `${dir}.building`;
  const work = `${dir}.work`;
  await rm(tmp, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
  for (const d of ['state/lists/partial', 'cache', 'archives/partial']) await mkdir(join(work, d), { recursive: true });
  await mkdir(tmp, { recursive: true, mode: 0o755 });
  try {
    await copyFile(join(image, 'var/lib/dpkg/status'), join(work, 'status'));
    const opts = aptWorkOptions(work);
    log(`package repository: downloading ${packages.join(' ')} and what the image lacks for them, with the controller's apt sources`);
    await run(['apt-get', '-q', ...opts, 'update'], { env: APT_ENV });
    await run(['apt-get', '-q', '-y', ...opts, 'install', ...packages], { env: APT_ENV });
    const debs = (await readdir(join(work, 'archives'))).filter((f) => f.endsWith('.deb'));
    for (const f of debs) await rename(join(work, 'archives', f), join(tmp, f));
    const index = await run(['dpkg-scanpackages', '--multiversion', '.'], { cwd: tmp });
    const packagesIndex = Buffer.from(index.stdout);
    await writeFile(join(tmp, 'Packages'), packagesIndex);
    await writeFile(join(tmp, 'Release'), releaseFile(packagesIndex));
    await rename(tmp, dir);
    log(`package repository ${dir}: ${debs.length} packages in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Deletes repositories other than `keep` that no running host has mounted, and leftovers of interrupted builds. */
export async function pruneRepos(keep: string, inUse: ReadonlySet<string>, log: Log): Promise<void> {
  for (const f of await readdir(LAB_STATE_DIR)) {
    const dir = join(LAB_STATE_DIR, f);
    if (!/^repo-[0-9a-f]+(\.building|\.work)?$/.test(f) || dir === keep || inUse.has(dir)) continue;
    await rm(dir, { recursive: true, force: true });
    log(`removed ${/\.(building|work)$/.test(f) ? 'an interrupted repository build' : 'old package repository'} ${dir}`);
  }
}

/** The packages a repository's index lists (name -> version). */
export async function repoPackages(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const stanza of (await readFile(join(dir, 'Packages'), 'utf8')).split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name && version) out.set(name, version);
  }
  return out;
}
