// On a lab host over SSH: a uri task's Authorization header never appears in a command line on
// the host (every user can read them with `ps`), yet reaches the server, and the output still
// shows it redacted. A one-shot server on worker2 holds the request open while the test reads
// `ps` on worker2 again and again, then answers with the header it got.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { CLI, type CliResult } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// accepts one connection, records the Authorization header, waits for "release", answers it
const SERVER = `import json, os, socket, sys, time
d = sys.argv[1]
open(d + '/pid', 'w').write(str(os.getpid()))
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(1)
open(d + '/port.tmp', 'w').write(str(s.getsockname()[1]))
os.rename(d + '/port.tmp', d + '/port')
c, _ = s.accept()
data = b''
while b'\\r\\n\\r\\n' not in data:
    chunk = c.recv(65536)
    if not chunk:
        break
    data += chunk
auth = ''
for line in data.split(b'\\r\\n\\r\\n')[0].decode('latin1').split('\\r\\n')[1:]:
    k, _, v = line.partition(':')
    if k.strip().lower() == 'authorization':
        auth = v.strip()
open(d + '/auth', 'w').write(auth)
open(d + '/arrived', 'w').close()
deadline = time.time() + 120
while not os.path.exists(d + '/release') and time.time() < deadline:
    time.sleep(0.05)
body = json.dumps({'got': auth}).encode()
c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nConnection: close\\r\\nContent-Length: ' + str(len(body)).encode() + b'\\r\\n\\r\\n' + body)
c.close()
`;

describe('e2e: uri keeps its Authorization header out of `ps` on a lab host', function () {
  this.timeout(180_000);
  let dir: string;
  let remote: string;

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      remote = (await labSsh(IP, 'mktemp -d /tmp/tsplay-argv-XXXXXX', 30_000)).stdout.trim();
    } catch {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-argv-'));
  });
  after(async () => {
    if (remote) await labSsh(IP, `[ -s ${remote}/pid ] && kill "$(cat ${remote}/pid)" 2>/dev/null; rm -rf ${remote}`, 30_000).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the header is sent, never in a command line on worker2, and redacted in the output', async () => {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await labSsh(IP, `cat > ${remote}/server.py <<'EOF'\n${SERVER}EOF\nnohup python3 ${remote}/server.py ${remote} > ${remote}/log 2>&1 < /dev/null &`, 30_000);
    let port = '';
    for (let i = 0; i < 100 && !port; i++) {
      port = (await labSsh(IP, `cat ${remote}/port 2>/dev/null; true`)).stdout.trim();
      if (!port) await sleep(100);
    }
    expect(port, 'the server on worker2 is listening').to.match(/^\d+$/);
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: worker2
  gather_facts: false
  vars:
    tsplay_secret_vars: [api_token]
    api_token: ${token}
  tasks:
    - uri:
        url: "http://127.0.0.1:${port}/held"
        headers: { Authorization: "Bearer {{ api_token }}" }
        return_content: true
      register: r
    - debug: { msg: "the server got {{ r.json.got }}" }
`,
    );
    const child = spawn(process.execPath, [CLI, 'run', join(dir, 'site.yml'), '-i', INV], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const done = new Promise<CliResult>((res) =>
      child.on('close', (code) => {
        clearTimeout(kill);
        res({ code: code ?? -1, stdout: out, stderr: '' });
      }),
    );
    try {
      // every command line on worker2, in full, until curl has been seen with the request held, then 5 more times
      let curls = 0;
      let after = 0;
      let polls = 0;
      for (let i = 0; i < 300 && after < 5; i++) {
        const { stdout } = await labSsh(IP, `ps -eww -o args=; echo; [ -e ${remote}/arrived ] && echo ARRIVED; true`);
        polls++;
        const lines = stdout.split('\n');
        expect(lines.filter((l) => l.includes(token)), 'the token in a command line on worker2').to.deep.equal([]);
        const mine = lines.filter((l) => /\bcurl\b/.test(l)).length;
        curls += mine;
        if (mine && lines.includes('ARRIVED')) after++;
      }
      expect(curls, 'curl was seen running on worker2').to.be.greaterThan(0);
      expect(after, `the request was held while ps was read (${polls} reads)`).to.equal(5);
    } finally {
      await labSsh(IP, `touch ${remote}/release`).catch(() => undefined);
    }
    const r = await done;
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    expect((await labSsh(IP, `cat ${remote}/auth`)).stdout, 'what the server on worker2 got').to.equal(`Bearer ${token}`);
    expect(r.stdout).to.include('the server got Bearer ********');
    expect(r.stdout).to.not.include(token);
  });
});
