import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../../engine/paths.js';
import { requireRoot } from '../../../engine/lab/root.js';
import { nspawnArgv } from '../../../engine/lab/nspawn.js';

describe('lab root-only and nspawn command', () => {
  it('accepts uid 0 and refuses any other uid', () => {
    expect(() => requireRoot(0)).to.not.throw();
    expect(() => requireRoot(1000)).to.throw('tsplay lab needs root');
  });

  it('labUp run by an unprivileged user fails with "tsplay lab needs root"', async function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to drop to another uid
    // a checkout may sit where that user cannot read (/root is 0700): it runs a copy of the
    // compiled engine (the lab's code imports no package) from a directory it can read
    const copy = mkdtempSync(join(tmpdir(), 'tsplay-lab-root-'));
    try {
      chmodSync(copy, 0o755);
      cpSync(fileURLToPath(new URL('../../../engine', import.meta.url)), join(copy, 'dist', 'engine'), { recursive: true });
      cpSync(join(projectRoot(), 'package.json'), join(copy, 'package.json'));
      execFileSync('chmod', ['-R', 'a+rX', copy]); // a checkout made under umask 077 keeps 0600 files in the copy
      const index = join(copy, 'dist', 'engine', 'lab', 'index.js');
      const code = `import(${JSON.stringify(index)}).then(m => m.labUp()).then(() => console.log('UP'), e => console.log('ERR:' + e.message))`;
      const child = spawn(process.execPath, ['-e', code], { uid: 65534, gid: 65534, cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.once('close', r));
      expect(out.trim()).to.equal('ERR:tsplay lab needs root');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('boots with the flags lab.md found necessary, on the lab bridge', () => {
    const argv = nspawnArgv({ name: 'master1', ip: '10.77.0.11' }, '/r');
    expect(argv[0]).to.equal('systemd-nspawn');
    for (const f of ['--boot', '--machine=master1', '--network-bridge=tsplay0', '--register=no', '--keep-unit', '--resolv-conf=off']) {
      expect(argv).to.include(f);
    }
    expect(argv.slice(argv.indexOf('-D'), argv.indexOf('-D') + 2)).to.deep.equal(['-D', '/r']);
  });
});
