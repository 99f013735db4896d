// The floor: what SSH itself costs for a workload's checks. One ssh2 connection per host (TCP_NODELAY, as OpenSSH),
// then either one exec per check ("per-task") or all checks of a host in one exec ("batched").
// Prints Ansible's recap line per host: ok = checks that found the host converged, failed = the others.
import { Client } from 'ssh2';
import { connect as tcpConnect } from 'node:net';
import { readFileSync } from 'node:fs';
import { joinCommands, sh, raw, type ShellCommand } from '../../engine/transport/quote.js';

export interface FloorHost {
  name: string;
  address: string;
  port: number;
  user: string;
  keyFile: string;
  knownHosts: string;
  checks: { command: string; expect: string }[];
}

export type FloorMode = 'per-task' | 'batched';

/** Host keys ("type base64") that known_hosts lists for address:port (plain, unhashed entries). */
export function knownKeys(knownHostsText: string, address: string, port: number): string[] {
  const wanted = port === 22 ? [address, `[${address}]:22`] : [`[${address}]:${port}`];
  const keys: string[] = [];
  for (const line of knownHostsText.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || f[0].startsWith('#')) continue;
    if (f[0].split(',').some((n) => wanted.includes(n))) keys.push(f[2]);
  }
  return keys;
}

export function open(h: Omit<FloorHost, "checks">): Promise<Client> {
  const keys = knownKeys(readFileSync(h.knownHosts, 'utf8'), h.address, h.port);
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: h.address, port: h.port });
    sock.setNoDelay(true); // without it each small exec waits for a delayed ACK
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    sock.once('connect', () =>
      c.connect({
        sock,
        username: h.user,
        privateKey: readFileSync(h.keyFile),
        hostVerifier: (key: Buffer) => keys.includes(key.toString('base64')),
        readyTimeout: 60_000,
      }),
    );
    sock.once('error', reject);
  });
}

export function exec(c: Client, cmd: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (err, stream) => {
      if (err) return reject(err);
      const out: Buffer[] = [];
      let code = -1;
      stream.on('data', (b: Buffer) => out.push(b));
      stream.stderr.on('data', () => {});
      stream.on('exit', (c: number | null) => (code = c ?? -1));
      stream.on('close', () => resolve({ code, stdout: Buffer.concat(out).toString('utf8') }));
    });
  });
}

/** One exec running every check, each followed by a separator line, so results split back per check. */
export function batchedCommand(checks: { command: string }[]): ShellCommand {
  return joinCommands(
    checks.map((c) => sh`${raw(`{ ${c.command}; } 2>/dev/null`)}; echo ${'@@floor@@'}`),
    '\n',
  );
}

/** Checks of one host; returns how many found the host converged. */
export async function floorHost(h: FloorHost, mode: FloorMode): Promise<{ ok: number; failed: number }> {
  const c = await open(h);
  try {
    let outputs: string[];
    if (mode === 'per-task') {
      outputs = [];
      for (const ch of h.checks) outputs.push((await exec(c, ch.command)).stdout);
    } else {
      const { stdout } = await exec(c, batchedCommand(h.checks).text);
      outputs = stdout.split('@@floor@@\n');
    }
    let ok = 0;
    h.checks.forEach((ch, i) => {
      if ((outputs[i] ?? '').trim() === ch.expect) ok++;
    });
    return { ok, failed: h.checks.length - ok };
  } finally {
    c.end();
  }
}

/** All hosts in parallel; recap lines in Ansible's format. A host that cannot be reached counts unreachable. */
export async function runFloor(hosts: FloorHost[], mode: FloorMode): Promise<string[]> {
  const results = await Promise.all(
    hosts.map(async (h) => {
      try {
        const r = await floorHost(h, mode);
        return `${h.name} : ok=${r.ok} changed=0 unreachable=0 failed=${r.failed} skipped=0 rescued=0 ignored=0`;
      } catch (e) {
        process.stderr.write(`${h.name}: ${(e as Error).message}\n`);
        return `${h.name} : ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0`;
      }
    }),
  );
  return results;
}
