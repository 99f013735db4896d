// lab up: idempotent. Running hosts are kept; missing ones are prepared and booted; then every
// requested host must answer SSH with its pinned key and finish booting.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_HOSTS, selectHosts, DEFAULT_HOST_COUNT, type LabHost } from './hosts.js';
import { hostPaths } from './paths.js';
import { ensureStateDir, requireRoot } from './root.js';
import { withLabLock } from './lock.js';
import { ensureLabKey, writeKnownHosts, HOST_KEY_FILE } from './keys.js';
import { ensureBaseImage, pruneBaseImages, type Log } from './image.js';
import { ensureNspawnRuntime } from './runtime.js';
import { ensurePackageRepo, pruneRepos } from './repo.js';
import { ensureBridge } from './bridge.js';
import { runningPid } from './pidfile.js';
import { prepareHostRoot } from './host-root.js';
import { bootHost } from './nspawn.js';
import { killOrphans, releaseVeth } from './orphans.js';
import { waitReady, type ReadyHost } from './reach.js';
import { readLabStatus, type LabStatus } from './status.js';
import { ensureLabTools } from './prereqs.js';

export interface LabUpOptions {
  /** how many hosts, from the fixed table (default 5: master1-3, worker1-2; 6 adds worker3) */
  hosts?: number;
  log?: Log;
  /** per host: boot until SSH answers and systemd is up (default 120 s) */
  readyTimeoutMs?: number;
}

export async function labUp(opts: LabUpOptions = {}): Promise<LabStatus> {
  const log: Log = opts.log ?? (() => {});
  // before anything else, so a controller without the tools is told which packages it lacks
  await ensureLabTools({ log });
  requireRoot();
  const wanted = selectHosts(opts.hosts ?? DEFAULT_HOST_COUNT);
  await ensureStateDir();
  return withLabLock(async () => {
    const started = Date.now();
    const labKey = await ensureLabKey();
    const base = await ensureBaseImage(log);
    const repo = await ensurePackageRepo(base, log);
    await ensureNspawnRuntime(log);
    await ensureBridge();

    const toBoot: LabHost[] = [];
    for (const h of wanted) {
      const pid = await runningPid(hostPaths(h.name).pidFile, h.name);
      if (pid) log(`${h.name} already running (pid ${pid})`);
      else {
        await killOrphans(h.name, log);
        await releaseVeth(h.name, log);
        await prepareHostRoot(h, base, labKey, log);
        toBoot.push(h);
      }
    }
    await pinHostKeys(toBoot);
    await pruneBaseImages(base, await inUse('baseFile'), log);
    await pruneRepos(repo, await inUse('repoFile'), log);
    for (const h of toBoot) log(`${h.name} booting (pid ${await bootHost(h, repo)}), console: ${hostPaths(h.name).logFile}`);

    const ready = await waitAll(wanted, opts.readyTimeoutMs ?? 120_000, log);
    // a boot that failed at once (e.g. its network name taken) must not pass for a running host
    for (const h of toBoot) {
      if (!(await runningPid(hostPaths(h.name).pidFile, h.name))) throw new Error(`${h.name}: nspawn exited after boot; see ${hostPaths(h.name).logFile}`);
    }
    const status = await readLabStatus();
    for (const h of status.hosts) {
      const r = ready.get(h.name);
      if (r) Object.assign(h, { systemState: r.state, failedUnits: r.failedUnits });
    }
    log(`lab up: ${wanted.map((h) => h.name).join(' ')} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return status;
  });
}

/** known_hosts gets every host that is running or about to boot, each with its own key. */
async function pinHostKeys(booting: readonly LabHost[]): Promise<void> {
  const entries: { host: LabHost; pubKey: string }[] = [];
  for (const h of LAB_HOSTS) {
    const p = hostPaths(h.name);
    const live = booting.includes(h) || (await runningPid(p.pidFile, h.name));
    if (!live) continue;
    entries.push({ host: h, pubKey: await readFile(join(p.root, `${HOST_KEY_FILE}.pub`), 'utf8') });
  }
  await writeKnownHosts(entries);
}

/** Base images that running hosts stand on (baseFile), or repositories they have mounted (repoFile). */
async function inUse(which: 'baseFile' | 'repoFile'): Promise<Set<string>> {
  const out = new Set<string>();
  for (const h of LAB_HOSTS) {
    const p = hostPaths(h.name);
    if (!(await runningPid(p.pidFile, h.name))) continue;
    const dir = (await readFile(p[which], 'utf8').catch(() => '')).trim();
    if (dir) out.add(dir);
  }
  return out;
}

async function waitAll(hosts: readonly LabHost[], timeoutMs: number, log: Log): Promise<Map<string, ReadyHost>> {
  const results = await Promise.allSettled(
    hosts.map(async (h) => {
      const t = Date.now();
      const r = await waitReady(h, hostPaths(h.name).logFile, timeoutMs);
      const extra = r.failedUnits.length ? ` (failed units: ${r.failedUnits.join(', ')})` : '';
      log(`${h.name} ${h.ip} ssh ok, system ${r.state}${extra} after ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return [h.name, r] as const;
    }),
  );
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length) throw new Error(failures.map((f) => (f.reason as Error).message).join('\n'));
  return new Map(results.map((r) => (r as PromiseFulfilledResult<readonly [string, ReadyHost]>).value));
}
