// Real: fileStat read in-process on the controller must equal what its command prints through
// /bin/sh on this machine, for every kind of path modules ask about.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, chmodSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../../../engine/transport/local.js';
import { FactCache } from '../../../engine/facts/cache.js';
import { fileStat, type FileStatArgs } from '../../../engine/facts/file-stat.js';
import type { ExecResult } from '../../../engine/transport/types.js';

class Counting extends LocalTransport {
  execs = 0;
  override exec(...a: Parameters<LocalTransport['exec']>): Promise<ExecResult> {
    this.execs++;
    return super.exec(...a);
  }
}

describe('fileStat on the controller: in-process read equals the command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-stat-'));
  before(() => {
    writeFileSync(join(dir, 'file'), 'hello\n');
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'setuid'), 'x');
    chmodSync(join(dir, 'setuid'), 0o4755);
    writeFileSync(join(dir, 'secret'), 'k');
    chmodSync(join(dir, 'secret'), 0o600);
    mkdirSync(join(dir, 'dir'));
    chmodSync(join(dir, 'dir'), 0o1777);
    symlinkSync('file', join(dir, 'link'));
    symlinkSync('dir', join(dir, 'dirlink'));
    symlinkSync('missing', join(dir, 'dangling'));
    symlinkSync('new\nline', join(dir, 'oddlink'));
    writeFileSync(join(dir, "name with 'quote' and $x"), 'q');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const names = ['file', 'empty', 'setuid', 'secret', 'dir', 'link', 'dirlink', 'dangling', 'oddlink', "name with 'quote' and $x", 'fifo', 'absent', 'file/below-a-file'];
  const variants: Omit<FileStatArgs, 'path'>[] = [{}, { follow: true }, { checksum: 'sha256' }, { follow: true, checksum: 'md5' }, { checksum: 'sha512' }];

  it('gives the same FileStat for files, directories, links, special files and absent paths', async () => {
    const t = new LocalTransport();
    let compared = 0;
    for (const n of [...names, '/etc/passwd', '/']) {
      for (const v of variants) {
        const args = { path: n.startsWith('/') ? n : join(dir, n), ...v };
        const viaShell = fileStat.parse(await t.exec(fileStat.command(args)), args);
        const inProcess = await fileStat.local!(args);
        expect(inProcess, `${n} ${JSON.stringify(v)}`).to.deep.equal(viaShell);
        compared++;
      }
    }
    expect(compared).to.equal((names.length + 2) * variants.length);
  });

  it('is what the fact cache uses on a local connection: no shell spawned', async () => {
    const t = new Counting();
    const facts = new FactCache(t);
    const st = await facts.get(fileStat, { path: join(dir, 'file'), follow: true, checksum: 'sha256' });
    expect(st.checksum).to.equal('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(t.execs).to.equal(0);
    // with become the command runs (sudo/su need a shell)
    await facts.get(fileStat, { path: join(dir, 'file') }, { method: 'sudo', user: 'root' }).catch(() => undefined);
    expect(t.execs).to.equal(1);
  });

  it('rejects an unknown checksum algorithm as the command does', () => {
    expect(() => fileStat.local!({ path: '/', checksum: 'crc32' as never })).to.throw(/unknown checksum algorithm/);
  });
});
