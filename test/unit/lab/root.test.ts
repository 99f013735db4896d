import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireRoot } from '../../../engine/lab/root.js';
import { nspawnArgv } from '../../../engine/lab/nspawn.js';

describe('lab root-only and nspawn command', () => {
  it('accepts uid 0 and refuses any other uid', () => {
    expect(() => requireRoot(0)).to.not.throw();
    expect(() => requireRoot(1000)).to.throw('tsplay lab needs root');
  });

  it('labUp run by an unprivileged user fails with "tsplay lab needs root"', async function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to drop to another uid
    const index = fileURLToPath(new URL('../../../engine/lab/index.js', import.meta.url));
    const code = `import(${JSON.stringify(index)}).then(m => m.labUp()).then(() => console.log('UP'), e => console.log('ERR:' + e.message))`;
    const child = spawn(process.execPath, ['-e', code], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.once('close', r));
    expect(out.trim()).to.equal('ERR:tsplay lab needs root');
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
