// Watches the real upload script (atomicPutCommand through putViaExec) on any transport: PATH
// shims around head, chmod, chown and mv record the mode, owner and size of every entry in the
// target directory before and after each of those steps. Deterministic: no race to win, each
// step is seen. `exposures` names the moments a file holding bytes was open to someone the
// final mode and owner do not allow.
import { expect } from 'chai';
import { sh } from '../../../engine/transport/quote.js';
import { putViaExec } from '../../../engine/transport/file-ops.js';
import type { PutOptions, Transport } from '../../../engine/transport/types.js';

const SHIMMED = ['head', 'chmod', 'chown', 'mv'];

// stdout of a shimmed head is the temp file itself: the shim writes only to its log
const SHIM = `#!/bin/sh
me=\${0##*/}
snap() {
  for f in "$PROBE_DIR"/* "$PROBE_DIR"/.[!.]*; do
    [ -e "$f" ] && [ ! -L "$f" ] && stat -c "$me $1 %a %u %g %s %n" -- "$f" >> "$PROBE_LOG"
  done
  return 0
}
snap before
PATH=$PROBE_REAL_PATH
export PATH
"$me" "$@"
rc=$?
snap after
exit $rc
`;

/** PATH shims for `names` in `bin` on the target; probeEnv says where they log and what they watch. */
export async function installShims(t: Pick<Transport, 'exec'>, bin: string, names = SHIMMED): Promise<void> {
  await must(t, sh`mkdir -p -- ${bin}`);
  for (const name of names) await must(t, sh`cat > ${`${bin}/${name}`} && chmod 0755 -- ${`${bin}/${name}`}`, SHIM);
}

export function probeEnv(bin: string, realPath: string, dir: string, log: string): Record<string, string> {
  return { PATH: `${bin}:${realPath}`, PROBE_REAL_PATH: realPath, PROBE_DIR: dir, PROBE_LOG: log };
}

export interface ProbeRecord {
  cmd: string;
  when: 'before' | 'after';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  name: string;
}

export interface Final {
  mode: number;
  uid: number;
  gid: number;
}

/** Records where a file with bytes in it could be read or written by someone `final` excludes. */
export function exposures(records: ProbeRecord[], final: Final, isTemp = (name: string) => name.includes('/.tsplay-put.')): ProbeRecord[] {
  const other = final.mode & 0o006;
  return records.filter((r) => {
    if (r.size === 0 || !isTemp(r.name)) return false;
    const o = r.mode & 0o006;
    const g = (r.mode >> 3) & 0o006;
    const u = (r.mode >> 6) & 0o006;
    const groupAllowed = other | (r.gid === final.gid ? (final.mode >> 3) & 0o006 : 0);
    const ownerAllowed = r.uid === 0 || r.uid === final.uid ? 0o006 : other;
    return (o & ~other) !== 0 || (g & ~groupAllowed) !== 0 || (u & ~ownerAllowed) !== 0;
  });
}

export function parseProbeLog(text: string): ProbeRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [cmd, when, mode, uid, gid, size, ...name] = line.split(' ');
      return { cmd, when: when as 'before' | 'after', mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), size: Number(size), name: name.join(' ') };
    });
}

async function must(t: Pick<Transport, 'exec'>, cmd: ReturnType<typeof sh>, stdin?: string): Promise<string> {
  const r = await t.exec(cmd, { stdin });
  if (r.exitCode !== 0) throw new Error(`${cmd.text}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

export class PutProbe {
  private constructor(
    private readonly t: Transport,
    /** the directory uploads go to (only they live there) */
    readonly dir: string,
    private readonly log: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Shims and an empty target directory under `root`, a private directory on the target. */
  static async install(t: Transport, root: string, realPath: string): Promise<PutProbe> {
    const bin = `${root}/bin`;
    const dir = `${root}/target`;
    await must(t, sh`mkdir -p -- ${dir} && chmod 0755 -- ${root} ${dir}`);
    await installShims(t, bin);
    const log = `${root}/probe.log`;
    return new PutProbe(t, dir, log, probeEnv(bin, realPath, dir, log));
  }

  /** The real putViaExec and upload script, with the shims first on PATH; the steps it took. */
  async put(data: Buffer, name: string, opts: PutOptions = {}): Promise<ProbeRecord[]> {
    await must(this.t, sh`: > ${this.log}`);
    const shimmed: Pick<Transport, 'exec'> = { exec: (cmd, o = {}) => this.t.exec(cmd, { ...o, env: { ...o.env, ...this.env } }) };
    await putViaExec(shimmed, data, `${this.dir}/${name}`, opts);
    return parseProbeLog(await must(this.t, sh`cat -- ${this.log}`));
  }

  /** mode (with setuid/setgid bits), uid, gid and bytes of a file in the target directory */
  async stat(name: string): Promise<Final & { content: string }> {
    const p = `${this.dir}/${name}`;
    const [mode, uid, gid] = (await must(this.t, sh`stat -c '%a %u %g' -- ${p}`)).trim().split(' ');
    return { mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), content: await must(this.t, sh`cat -- ${p}`) };
  }

  async write(name: string, content: string, mode: string, owner = 'root'): Promise<void> {
    const p = `${this.dir}/${name}`;
    await must(this.t, sh`cat > ${p} && chown -- ${owner} ${p} && chmod -- ${mode} ${p}`, content);
  }
}

/** setuid and setgid survive an upload with a mode and owner, and a 4755 file replaced without a mode keeps it */
export async function expectSetuidKept(probe: PutProbe): Promise<void> {
  await probe.put(Buffer.from('#!/bin/sh\n'), 'suid', { mode: '4755', owner: 'root' });
  expect((await probe.stat('suid')).mode).to.equal(0o4755);
  await probe.put(Buffer.from('#!/bin/sh\n'), 'sgid', { mode: '2755', owner: 'root', group: 'root' });
  expect((await probe.stat('sgid')).mode).to.equal(0o2755);
  await probe.write('kept', 'old\n', '4755');
  await probe.put(Buffer.from('new\n'), 'kept');
  expect(await probe.stat('kept')).to.deep.equal({ mode: 0o4755, uid: 0, gid: 0, content: 'new\n' });
}
