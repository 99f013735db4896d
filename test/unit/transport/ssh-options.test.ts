import { expect } from 'chai';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../engine/errors.js';
import { sshOptionsFromVars } from '../../../engine/transport/ssh-options.js';
import { checkSshArgs, parseSshArgs } from '../../../engine/transport/ssh-args.js';
import { parseProxyJump, proxyCommandToJump } from '../../../engine/transport/proxy-jump.js';

describe('ssh options from inventory variables', () => {
  let home: string;
  const ctx = () => ({ home, env: {}, currentUser: 'me' });
  const sshConfig = (text: string) => writeFileSync(join(home, '.ssh', 'config'), text);
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'tsplay-sshopt-'));
    mkdirSync(join(home, '.ssh'));
  });

  it('defaults: inventory name, port 22, current user, checking on, 10 s timeout', () => {
    const o = sshOptionsFromVars('web1', {}, ctx());
    expect(o).to.include({ host: 'web1', hostname: 'web1', port: 22, user: 'me', hostKeyChecking: true, connectTimeoutMs: 10_000 });
    expect(o.identityFiles).to.deep.equal([]);
    expect(o.jumps).to.deep.equal([]);
    expect(o.knownHostsFiles).to.deep.equal([`${home}/.ssh/known_hosts`, '/etc/ssh/ssh_known_hosts']);
    expect(o.agent).to.equal(undefined);
  });

  it('reads Ansible connection variables', () => {
    const o = sshOptionsFromVars(
      'web1',
      {
        ansible_host: '10.77.0.11',
        ansible_port: '2222',
        ansible_user: 'admin',
        ansible_ssh_private_key_file: '~/.ssh/lab',
        ansible_ssh_pass: 's3cret',
        ansible_ssh_known_hosts_file: '/lab/known_hosts',
        ansible_ssh_timeout: 3,
      },
      { ...ctx(), env: { SSH_AUTH_SOCK: '/run/agent.sock' } },
    );
    expect(o).to.include({ hostname: '10.77.0.11', port: 2222, user: 'admin', password: 's3cret', agent: '/run/agent.sock', connectTimeoutMs: 3000 });
    expect(o.identityFiles).to.deep.equal([`${home}/.ssh/lab`]);
    expect(o.knownHostsFiles[0]).to.equal('/lab/known_hosts');
  });

  it('parses ssh arguments: -o options, -J, -p, -i, quoted values', () => {
    const o = sshOptionsFromVars(
      'db',
      {
        ansible_ssh_common_args: `-o ProxyJump=ops@bastion:2200 -o 'UserKnownHostsFile=/k 1' -C -o ControlMaster=auto`,
        ansible_ssh_extra_args: '-p 2022 -i /keys/db -o StrictHostKeyChecking=no -o ServerAliveInterval=5',
      },
      ctx(),
    );
    expect(o.port).to.equal(2022);
    expect(o.identityFiles).to.deep.equal(['/keys/db']);
    expect(o.jumps).to.deep.equal([{ hostname: 'bastion', port: 2200, user: 'ops', identityFiles: ['/keys/db'] }]);
    expect(o.knownHostsFiles).to.include('/k');
    expect(o.hostKeyChecking).to.equal(false);
    expect(o.keepaliveIntervalMs).to.equal(5000);
    expect(o.ignoredArgs).to.include('-C').and.to.include('-o controlmaster=auto');
  });

  it('uses ~/.ssh/config for the host, and inventory variables win over it', () => {
    sshConfig(
      [
        'Host web*',
        '  HostName %h.lab.example',
        '  Port 2200',
        '  User deploy',
        '  IdentityFile ~/.ssh/web_key',
        '  ProxyJump jump1,ops@jump2:2022',
        '  UserKnownHostsFile ~/.ssh/lab_known_hosts',
        'Host jump1',
        '  HostName 10.0.0.1',
        '  User gate',
        'Host *',
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    const o = sshOptionsFromVars('web1', {}, ctx());
    expect(o).to.include({ hostname: 'web1.lab.example', port: 2200, user: 'deploy', hostKeyChecking: true });
    expect(o.identityFiles).to.deep.equal([`${home}/.ssh/web_key`]);
    expect(o.knownHostsFiles[0]).to.equal(`${home}/.ssh/lab_known_hosts`);
    expect(o.jumps).to.deep.equal([
      { hostname: '10.0.0.1', port: 22, user: 'gate', identityFiles: [`${home}/.ssh/web_key`] },
      { hostname: 'jump2', port: 2022, user: 'ops', identityFiles: [`${home}/.ssh/web_key`] },
    ]);
    const v = sshOptionsFromVars('web1', { ansible_port: 22, ansible_user: 'root', ansible_ssh_common_args: '-o ProxyJump=none' }, ctx());
    expect(v).to.include({ port: 22, user: 'root' });
    expect(v.jumps).to.deep.equal([]);
    // ssh config is looked up by ansible_host, as `ssh ansible_host` would
    expect(sshOptionsFromVars('db', { ansible_host: 'web9' }, ctx()).hostname).to.equal('web9.lab.example');
  });

  it('turns host key checking off only when asked', () => {
    expect(sshOptionsFromVars('h', { ansible_host_key_checking: false }, ctx()).hostKeyChecking).to.equal(false);
    expect(sshOptionsFromVars('h', { ansible_host_key_checking: 'False' }, ctx()).hostKeyChecking).to.equal(false);
    expect(sshOptionsFromVars('h', { ansible_host_key_checking: true }, ctx()).hostKeyChecking).to.equal(true);
    expect(sshOptionsFromVars('h', { ansible_ssh_common_args: '-o StrictHostKeyChecking=accept-new' }, ctx()).hostKeyChecking).to.equal(true);
    expect(sshOptionsFromVars('h', {}, { ...ctx(), env: { ANSIBLE_HOST_KEY_CHECKING: 'False' } }).hostKeyChecking).to.equal(false);
    // the host's variable wins over the environment, as in Ansible
    expect(sshOptionsFromVars('h', { ansible_host_key_checking: true }, { ...ctx(), env: { ANSIBLE_HOST_KEY_CHECKING: 'False' } }).hostKeyChecking).to.equal(true);
    expect(sshOptionsFromVars('h', { ansible_host_key_checking: 'no' }, { ...ctx(), env: { ANSIBLE_HOST_KEY_CHECKING: 'True' } }).hostKeyChecking).to.equal(false);
    sshConfig('Host h\n  StrictHostKeyChecking no\n');
    expect(sshOptionsFromVars('h', {}, ctx()).hostKeyChecking).to.equal(false);
  });

  it('ssh arguments for every host (ssh_args): the options it acts on and the performance ones pass, any other is named', () => {
    expect(checkSshArgs('-C -o ControlMaster=auto -o ControlPersist=60s -o ControlPath=/tmp/%C')).to.equal(undefined);
    expect(checkSshArgs('-o ConnectTimeout=5 -o ServerAliveInterval=30 -o ServerAliveCountMax=3 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null')).to.equal(undefined);
    expect(checkSshArgs('-o IdentityFile=~/.ssh/k -o Port=2222 -o User=ops -J ops@bastion -p 22 -i k -l u -F cfg')).to.equal(undefined);
    expect(checkSshArgs('-o ProxyCommand="ssh -W %h:%p bastion"')).to.equal(undefined);
    expect(checkSshArgs('-o ForwardAgent=yes')).to.match(/^-o ForwardAgent=yes: tsplay's SSH connection .* cannot act on this;/);
    expect(checkSshArgs('-A -4 -o PasswordAuthentication=no')).to.match(/^-A, -4, -o PasswordAuthentication=no: .* cannot act on these;/);
    expect(checkSshArgs('-o ProxyCommand="nc -X 5 -x proxy:1080 %h %p"')).to.match(/ProxyCommand .* is not supported/);
    expect(checkSshArgs('-o')).to.match(/needs a value/);
    expect(checkSshArgs('somehost')).to.match(/^somehost: /);
  });

  it('an option in ansible_ssh_*_args that the connection would not act on is refused, naming the variable and the option', () => {
    for (const name of ['ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
      expect(() => sshOptionsFromVars('h', { [name]: '-o ConnectTimeout=5 -o ForwardAgent=yes' }, ctx()))
        .to.throw(InputError, new RegExp(`^${name}: -o ForwardAgent=yes: tsplay's SSH connection`));
    }
    expect(() => sshOptionsFromVars('h', { ansible_ssh_extra_args: '-A' }, ctx())).to.throw(InputError, /^ansible_ssh_extra_args: -A: /);
    // Ansible's default ssh_args pass
    expect(sshOptionsFromVars('h', { ansible_ssh_args: '-C -o ControlMaster=auto -o ControlPersist=60s' }, ctx()).port).to.equal(22);
  });

  it('turns an "ssh -W %h:%p bastion" ProxyCommand into a jump, refuses other ProxyCommands', () => {
    const o = sshOptionsFromVars('h', { ansible_ssh_common_args: `-o ProxyCommand="ssh -W %h:%p -q -p 2222 ops@bastion"` }, ctx());
    expect(o.jumps).to.deep.equal([{ hostname: 'bastion', port: 2222, user: 'ops', identityFiles: [] }]);
    expect(() => sshOptionsFromVars('h', { ansible_ssh_common_args: `-o ProxyCommand="nc -X 5 -x proxy:1080 %h %p"` }, ctx()))
      .to.throw(InputError, /ProxyCommand .* is not supported.*use ProxyJump/);
  });

  it('bad values are InputErrors naming the host and variable', () => {
    expect(() => sshOptionsFromVars('h', { ansible_port: 'ssh' }, ctx())).to.throw(InputError, /ansible_port for host h must be a port number/);
    expect(() => sshOptionsFromVars('h', { ansible_port: 70000 }, ctx())).to.throw(InputError, /port number/);
    expect(() => sshOptionsFromVars('h', { ansible_ssh_common_args: '-o "ProxyJump=a' }, ctx())).to.throw(InputError, /no closing quotation/);
    expect(() => sshOptionsFromVars('h', { ansible_ssh_common_args: '-o ProxyJump=bob@:22' }, ctx())).to.throw(InputError, /bad jump host/);
    expect(() => sshOptionsFromVars('h', { ansible_user: ['a'] }, ctx())).to.throw(InputError, /ansible_user for host h must be a string/);
    expect(() => sshOptionsFromVars('h', { ansible_ssh_timeout: 'soon' }, ctx())).to.throw(InputError, /seconds/);
  });
});

describe('ssh argument pieces', () => {
  it('reads -oKey=Value, -o "Key Value", attached flag values; first value wins', () => {
    const a = parseSshArgs('-oPort=1 -o "User bob" -p2 -i/k -J j1 -F /cfg -v');
    expect(a.options).to.deep.equal({ port: '1', user: 'bob', proxyjump: 'j1' });
    expect(a.identityFiles).to.deep.equal(['/k']);
    expect(a.configFile).to.equal('/cfg');
    expect(a.ignored).to.deep.equal(['-v']);
    expect(() => parseSshArgs('-o')).to.throw(/needs a value/);
  });

  it('parses ProxyJump hops including IPv6 and ssh:// forms', () => {
    expect(parseProxyJump('a,u@b:2,[::1]:3,ssh://v@c:4')).to.deep.equal([
      { host: 'a', port: undefined, user: undefined, identityFiles: [] },
      { host: 'b', port: 2, user: 'u', identityFiles: [] },
      { host: '::1', port: 3, user: undefined, identityFiles: [] },
      { host: 'c', port: 4, user: 'v', identityFiles: [] },
    ]);
    expect(() => parseProxyJump('a:0')).to.throw(/bad port/);
    expect(proxyCommandToJump('ssh -i /k -W [%h]:%p gate')).to.deep.equal([{ host: 'gate', port: undefined, user: undefined, identityFiles: ['/k'] }]);
    expect(() => proxyCommandToJump('ssh gate nc %h %p')).to.throw(/not supported/);
  });
});
