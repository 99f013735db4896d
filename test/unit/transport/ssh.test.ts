// SshTransport against a real sshd on 127.0.0.1 (started per suite by the fixture).
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { ConnectError, InterruptedError } from '../../../engine/errors.js';
import { sh } from '../../../engine/transport/quote.js';
import { SshTransport } from '../../../engine/transport/ssh.js';
import { ChannelLimit } from '../../../engine/transport/channel-limit.js';
import { Sshd, sshdAvailable, freePort } from './sshd-fixture.js';
import { TcpProxy } from './tcp-proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

function hasSudo(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v sudo'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('SshTransport (real sshd on 127.0.0.1)', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  let t: SshTransport;
  const open: SshTransport[] = [];
  const transport = (vars: Record<string, unknown> = {}) => {
    const x = SshTransport.fromVars('testhost', sshd.vars(vars), sshd.ctx);
    open.push(x);
    return x;
  };

  before(async function () {
    if (!sshdAvailable()) this.skip();
    sshd = await Sshd.start();
    t = transport();
    await t.connect();
  });
  afterEach(async () => {
    for (const x of open.splice(0)) if (x !== t) await x.close();
  });
  after(async () => {
    await t?.close();
    await sshd?.stop();
  });

  it('a run-wide handshake limit: at most that many connects in progress, every host still connects', async () => {
    // counts the slots held at once
    class Counting extends ChannelLimit {
      held = 0;
      peak = 0;
      override async acquire(): Promise<() => void> {
        const release = await super.acquire();
        this.peak = Math.max(this.peak, ++this.held);
        return () => {
          this.held--;
          release();
        };
      }
    }
    const handshakes = new Counting(2);
    const many = Array.from({ length: 6 }, () => SshTransport.fromVars('testhost', sshd.vars(), sshd.ctx, { handshakes }));
    open.push(...many);
    await Promise.all(many.map((x) => x.connect()));
    const rs = await Promise.all(many.map((x) => x.exec(sh`echo ok`)));
    expect(rs.map((r) => r.stdout)).to.deep.equal(Array(6).fill('ok\n'));
    expect(handshakes.peak).to.equal(2);
    expect(handshakes.held).to.equal(0);
    expect(many.map((x) => x.connectionsOpened)).to.deep.equal(Array(6).fill(1));
  });

  it('runs a command: stdout, stderr and a non-zero exit code as a result', async () => {
    const r = await t.exec(sh`echo out; echo err >&2; exit 3`);
    expect(r).to.include({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await t.exec(sh`true`)).exitCode).to.equal(0);
  });

  it('writes stdin, sets env and cwd', async () => {
    expect((await t.exec(sh`cat`, { stdin: 'hello\nworld' })).stdout).to.equal('hello\nworld');
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    expect((await t.exec(sh`wc -c`, { stdin: big })).stdout.trim()).to.equal(String(big.length));
    const r = await t.exec(sh`pwd; printf %s "$FOO"`, { env: { FOO: `a b'c"$HOME` }, cwd: '/tmp' });
    expect(r.stdout).to.equal(`/tmp\na b'c"$HOME`);
  });

  it('puts and gets binary data byte for byte (all 256 values), atomically with mode', async () => {
    const dir = mkdtempSync('/tmp/tsplay-ssh-put-');
    const data = Buffer.alloc(256 * 64);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    for (let v = 0; v < 256; v++) data[v] = v; // every byte value, in order, at the start
    await t.put(data, `${dir}/blob`, { mode: '0600' });
    expect(readFileSync(`${dir}/blob`).equals(data)).to.equal(true);
    expect(statSync(`${dir}/blob`).mode & 0o777).to.equal(0o600);
    const back = await t.get(`${dir}/blob`);
    expect(back && back.equals(data)).to.equal(true);
    expect(await t.get(`${dir}/absent`)).to.equal(null);
    expect(readdirSync(dir)).to.deep.equal(['blob']);
  });

  it('runs many tasks, sequential and concurrent, over one connection', async () => {
    const before = sshd.acceptedLogins();
    const x = transport();
    await x.connect();
    for (let i = 0; i < 40; i++) expect((await x.exec(sh`echo ${i}`)).stdout).to.equal(`${i}\n`);
    // more at once than sshd's MaxSessions (10): they queue on the one connection
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => x.exec(sh`sleep 0.05; echo ${i}`)));
    rs.forEach((r, i) => expect(r.stdout).to.equal(`${i}\n`));
    await x.put(Buffer.from('x'), '/tmp/tsplay-ssh-one-conn');
    expect((await x.get('/tmp/tsplay-ssh-one-conn'))?.toString()).to.equal('x');
    expect(x.connectionsOpened).to.equal(1);
    expect(sshd.acceptedLogins() - before).to.equal(1); // counted by sshd itself
  });

  it('uses one TCP socket with TCP_NODELAY, the one sshd logged', async () => {
    const sock = t.socket!;
    // Node records the TCP_NODELAY setsockopt under this symbol; no public getter exists.
    const noDelay = Object.getOwnPropertySymbols(sock).find((s) => s.description === 'kSetNoDelay');
    expect(noDelay && (sock as unknown as Record<symbol, unknown>)[noDelay]).to.equal(true);
    expect(sock.remotePort).to.equal(sshd.port);
    expect(sshd.log()).to.contain(`Accepted publickey for root from 127.0.0.1 port ${sock.localPort} `);
  });

  it('times out a command and kills it on the host', async () => {
    const pidFile = `${mkdtempSync('/tmp/tsplay-ssh-to-')}/pid`;
    const start = Date.now();
    const r = await t.exec(sh`sh -c ${`echo $$ > ${pidFile}; exec sleep 30`}`, { timeoutMs: 2000 });
    expect(Date.now() - start).to.be.below(6000);
    expect(r.exitCode).to.equal(137);
    expect(r.stderr).to.match(/timed out after 2000 ms/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        return process.kill(pid, 0);
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 40 && alive(); i++) await sleep(50);
    expect(alive()).to.equal(false); // the sleep is gone, not left running on the host
    expect((await t.exec(sh`echo still`)).stdout).to.equal('still\n');
  });

  it('aborts a command with an AbortSignal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const e = await rejection(t.exec(sh`sleep 5`, { signal: ac.signal }));
    expect(e).to.be.instanceOf(InterruptedError);
    expect((await t.exec(sh`echo ok`)).stdout).to.equal('ok\n');
  });

  it('an aborted command is killed on the host before exec rejects: closing the connection at once leaves nothing running', async () => {
    // the sshd is on this machine: its commands are this machine's processes
    const n = `300.${process.pid}${Date.now() % 100000}`;
    const cmdline = (e: string) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    };
    const pids = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e) && cmdline(e) === `sleep\0${n}\0`);
    const x = transport();
    const ac = new AbortController();
    const running = x.exec(sh`sleep ${n}`, { signal: ac.signal });
    try {
      for (let i = 0; i < 200 && pids().length === 0; i++) await sleep(25);
      expect(pids(), 'the sleep started').to.have.length(1);
      ac.abort();
      expect(await rejection(running)).to.be.instanceOf(InterruptedError);
      await x.close(); // as a run does right after its last task
      expect(pids(), `sleep ${n} still runs`).to.deep.equal([]);
    } finally {
      for (const p of pids()) process.kill(Number(p), 'SIGKILL');
    }
  });

  it('becomes another user without a password (root -> nobody)', async () => {
    const method = hasSudo() ? 'sudo' : 'su';
    const r = await t.exec(sh`id -un`, { become: { method, user: 'nobody' } });
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal('nobody\n');
  });

  it('takes HostName, Port, User, IdentityFile and UserKnownHostsFile from ~/.ssh/config', async () => {
    const home = mkdtempSync('/tmp/tsplay-ssh-home-');
    mkdirSync(`${home}/.ssh`);
    writeFileSync(
      `${home}/.ssh/config`,
      `Host mybox\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${sshd.clientKey}\n  UserKnownHostsFile ${sshd.knownHosts}\n`,
    );
    const x = SshTransport.fromVars('mybox', {}, { home, env: {}, currentUser: 'nobody-here' });
    open.push(x);
    expect((await x.exec(sh`id -un`)).stdout).to.equal('root\n');
  });

  it('authenticates with a key held by ssh-agent (SSH_AUTH_SOCK)', async () => {
    const sock = `${mkdtempSync('/tmp/tsplay-agent-')}/agent.sock`;
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(20);
      execFileSync('ssh-add', ['-q', sshd.clientKey], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const vars = sshd.vars();
      delete vars.ansible_ssh_private_key_file;
      const x = SshTransport.fromVars('testhost', vars, { ...sshd.ctx, env: { SSH_AUTH_SOCK: sock } });
      open.push(x);
      expect((await x.exec(sh`echo agent`)).stdout).to.equal('agent\n');
      // without the agent (and no key files in the fake home) login fails, and says what it tried
      const y = SshTransport.fromVars('testhost', vars, sshd.ctx);
      open.push(y);
      const e = await rejection(y.connect());
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.match(/authentication to testhost \(root@127\.0\.0\.1:\d+\) failed/);
    } finally {
      process.kill(agent.pid!, 'SIGTERM');
    }
  });

  describe('host keys', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync('/tmp/tsplay-kh-');
    });
    const otherKey = () => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/other`]);
      return readFileSync(`${dir}/other.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    };

    it('rejects an unknown host key and says how to add it', async () => {
      writeFileSync(`${dir}/kh`, '');
      const before = sshd.acceptedLogins();
      const e = await rejection(transport({ ansible_ssh_known_hosts_file: `${dir}/kh` }).connect());
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.contain(`host key for testhost (127.0.0.1:${sshd.port}) is not known`);
      expect(e.message).to.contain(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts`);
      expect(e.message).to.contain('ansible_host_key_checking=false');
      expect(sshd.acceptedLogins()).to.equal(before); // never logged in
    });

    it('rejects a changed host key naming the offending line', async () => {
      writeFileSync(`${dir}/kh`, `# comment\nexample.org ${sshd.hostPub}\n[127.0.0.1]:${sshd.port} ${otherKey()}\n`);
      const x = transport({ ansible_ssh_known_hosts_file: `${dir}/kh` });
      const e = await rejection(x.connect());
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.match(/^REMOTE HOST IDENTIFICATION HAS CHANGED for testhost/);
      expect(e.message).to.contain(`offending line ${dir}/kh:3`);
      // the transport stays unusable
      expect(await rejection(x.exec(sh`true`))).to.be.instanceOf(ConnectError);
    });

    it('accepts hashed entries and comma lists', async () => {
      writeFileSync(`${dir}/kh`, `${sshd.knownHostsLine()}\n`);
      execFileSync('ssh-keygen', ['-q', '-H', '-f', `${dir}/kh`], { stdio: 'ignore' });
      expect(readFileSync(`${dir}/kh`, 'utf8')).to.match(/^\|1\|/);
      const x = transport({ ansible_ssh_known_hosts_file: `${dir}/kh` });
      expect((await x.exec(sh`echo hashed`)).stdout).to.equal('hashed\n');
      writeFileSync(`${dir}/kh2`, `web1,[127.0.0.1]:${sshd.port},10.0.0.1 ${sshd.hostPub}\n`);
      expect((await transport({ ansible_ssh_known_hosts_file: `${dir}/kh2` }).exec(sh`echo list`)).stdout).to.equal('list\n');
    });

    it('rejects a @revoked key even when another line trusts it', async () => {
      writeFileSync(`${dir}/kh`, `${sshd.knownHostsLine()}\n@revoked * ${sshd.hostPub}\n`);
      const e = await rejection(transport({ ansible_ssh_known_hosts_file: `${dir}/kh` }).connect());
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.contain(`REVOKED in ${dir}/kh:2`);
    });

    it('can be turned off: ansible_host_key_checking=false or -o StrictHostKeyChecking=no', async () => {
      writeFileSync(`${dir}/kh`, `[127.0.0.1]:${sshd.port} ${otherKey()}\n`);
      const a = transport({ ansible_ssh_known_hosts_file: `${dir}/kh`, ansible_host_key_checking: false });
      expect((await a.exec(sh`echo a`)).stdout).to.equal('a\n');
      const b = transport({ ansible_ssh_known_hosts_file: `${dir}/kh`, ansible_ssh_common_args: '-o StrictHostKeyChecking=no' });
      expect((await b.exec(sh`echo b`)).stdout).to.equal('b\n');
    });
  });

  describe('broken connections', () => {
    let proxy: TcpProxy;
    beforeEach(async () => {
      proxy = await TcpProxy.start(sshd.port);
      writeFileSync(sshd.knownHosts, `${sshd.knownHostsLine()}\n${sshd.knownHostsLine(proxy.port)}\n`);
    });
    afterEach(async () => {
      await proxy.stop();
    });
    const viaProxy = (extra: Record<string, unknown> = {}) => transport({ ansible_port: proxy.port, ...extra });

    it('an unreachable port gives ConnectError quickly, and stays unreachable', async () => {
      const port = await freePort();
      const x = transport({ ansible_port: port });
      const start = Date.now();
      const e = await rejection(x.exec(sh`true`));
      expect(Date.now() - start).to.be.below(1000);
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.match(new RegExp(`cannot connect to testhost \\([^@ ]+@127\\.0\\.0\\.1:${port}\\)`));
      expect(await rejection(x.exec(sh`true`))).to.be.instanceOf(ConnectError);
    });

    it('a server that never answers times out after ansible_ssh_timeout', async () => {
      proxy.freeze(); // TCP connects, SSH banner never comes
      const start = Date.now();
      const e = await rejection(viaProxy({ ansible_ssh_timeout: 1 }).connect());
      expect(Date.now() - start).to.be.within(900, 3000);
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.match(/testhost .*Timed out while waiting for handshake/);
    });

    it('a cut connection fails the running command and every later call', async () => {
      const x = viaProxy();
      expect((await x.exec(sh`echo up`)).stdout).to.equal('up\n');
      const running = x.exec(sh`sleep 5`);
      await sleep(200);
      proxy.cut();
      const e = await rejection(running);
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.contain('testhost');
      expect(await rejection(x.exec(sh`true`))).to.be.instanceOf(ConnectError);
      expect(await rejection(x.get('/etc/hostname'))).to.be.instanceOf(ConnectError);
      expect(x.connectionsOpened).to.equal(1); // no silent reconnect
    });

    it('keepalives notice a silent network', async () => {
      const x = viaProxy({ ansible_ssh_extra_args: '-o ServerAliveInterval=1 -o ServerAliveCountMax=1' });
      await x.connect();
      const running = x.exec(sh`sleep 8`);
      await sleep(100);
      proxy.freeze();
      const start = Date.now();
      const e = await rejection(running);
      expect(Date.now() - start).to.be.below(8000);
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.contain('keepalive');
    });

    it('a connection cut mid-upload leaves the old file intact and no temp file', async () => {
      const dir = mkdtempSync('/tmp/tsplay-ssh-atomic-');
      writeFileSync(`${dir}/big`, 'old content\n');
      const x = viaProxy();
      await x.connect();
      const data = Buffer.alloc(64 * 1024 * 1024, 0x61);
      proxy.afterUpstreamBytes(8 * 1024 * 1024, () => proxy.cut());
      const e = await rejection(x.put(data, `${dir}/big`));
      expect(e).to.be.instanceOf(ConnectError);
      expect(proxy.upstreamBytes).to.be.below(data.length);
      // the remote shell notices EOF, finds a short write and removes its temp file
      const until = Date.now() + 10_000;
      while (readdirSync(dir).length > 1 && Date.now() < until) await sleep(50);
      expect(readdirSync(dir)).to.deep.equal(['big']);
      expect(readFileSync(`${dir}/big`, 'utf8')).to.equal('old content\n');
    });

    it('reaches the target through a jump host (ProxyJump), over one TCP connection', async () => {
      const before = sshd.acceptedLogins();
      // target 127.0.0.1:sshd, bastion 127.0.0.1 reached through the counting proxy
      const x = transport({ ansible_ssh_common_args: `-o ProxyJump=root@127.0.0.1:${proxy.port}` });
      expect((await x.exec(sh`echo hop`)).stdout).to.equal('hop\n');
      expect((await x.exec(sh`echo again`)).stdout).to.equal('again\n');
      expect(proxy.connections).to.equal(1); // our only TCP connection went to the bastion
      expect(sshd.acceptedLogins() - before).to.equal(2); // bastion login + target login over the forwarded channel
      const y = transport({ ansible_ssh_extra_args: `-J root@127.0.0.1:${proxy.port}` });
      expect((await y.exec(sh`echo J`)).stdout).to.equal('J\n');
      expect(proxy.connections).to.equal(2);
      // losing the bastion loses the target
      proxy.cut();
      expect(await rejection(x.exec(sh`sleep 1`))).to.be.instanceOf(ConnectError);
    });

    it('checks the jump host key too', async () => {
      writeFileSync(sshd.knownHosts, `${sshd.knownHostsLine()}\n`); // bastion (proxy port) unknown
      const e = await rejection(transport({ ansible_ssh_common_args: `-J root@127.0.0.1:${proxy.port}` }).connect());
      expect(e).to.be.instanceOf(ConnectError);
      expect(e.message).to.contain(`host key for jump host 127.0.0.1 (127.0.0.1:${proxy.port}) is not known`);
    });
  });
});
