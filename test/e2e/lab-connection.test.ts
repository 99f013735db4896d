// How a host is reached, end to end on the lab (worker2 only): connection variables rendered from
// templates, `environment:` over SSH (and redacted when secret), `connection: local` opening no SSH
// connection, remote_user logging in as another user and ansible_user winning over it.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB, labSsh } from './lab-ssh.js';
import { tsplay } from './run-tsplay.js';

const IP = '10.77.0.22';

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { status: string; stdout?: string; rc?: number }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

function result(r: JsonRun, task: string, host = 'w2') {
  for (const p of r.plays) for (const t of p.tasks) if (t.task.name === task) return t.hosts[host];
  throw new Error(`no task "${task}" in the run`);
}

/** sshd's count of logins accepted so far (the counting login itself included) */
async function acceptedLogins(): Promise<number> {
  return Number((await labSsh(IP, 'journalctl -u ssh.service -o cat | grep -c "Accepted publickey" || true')).stdout.trim());
}

describe('e2e: connection, environment and remote_user on the lab (worker2)', function () {
  this.timeout(300_000);
  const id = randomBytes(4).toString('hex');
  const user = `tsplay-rt-${id}`;
  const secret = `s3cret-${randomBytes(8).toString('hex')}`;
  let dir: string;
  let userMade = false;

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(IP, 'true');
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      this.skip();
    }
    // an unprivileged user that logs in with the lab's key, for remote_user
    const pub = (await readFile(`${LAB}/id_ed25519.pub`, 'utf8')).trim();
    await labSsh(IP, `useradd -m -s /bin/sh ${user} && install -d -m 700 -o ${user} -g ${user} /home/${user}/.ssh && printf '%s\\n' '${pub}' > /home/${user}/.ssh/authorized_keys && chown ${user}: /home/${user}/.ssh/authorized_keys`);
    userMade = true;
    dir = await mkdtemp(join(tmpdir(), 'tsplay-lab-conn-'));
    // every connection variable comes from a template: the address and the kind from group_vars,
    // the kind through two variables
    await mkdir(join(dir, 'inventory', 'group_vars'), { recursive: true });
    await writeFile(
      join(dir, 'inventory', 'hosts.yml'),
      [
        'all:',
        '  hosts:',
        '    w2:',
        '      ansible_host: "{{ lab_ip }}"',
        '      ansible_connection: "{{ lab_kind }}"',
        // no ansible_connection: the connection keyword decides (a variable would win over it)
        '    w2plain:',
        '      ansible_host: "{{ lab_ip }}"',
        '  vars:',
        `    ansible_ssh_private_key_file: ${LAB}/id_ed25519`,
        `    ansible_ssh_known_hosts_file: ${LAB}/known_hosts`,
        '    tsplay_secret_vars: [db_password]',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'inventory', 'group_vars', 'all.yml'), `lab_ip: ${IP}\nlab_kind: "{{ transport_kind }}"\ntransport_kind: ssh\ndb_password: ${secret}\n`);
  });

  after(async () => {
    if (userMade) await labSsh(IP, `pkill -u ${user} || true; userdel -r ${user} 2>/dev/null || true`);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const playbook = async (name: string, plays: string) => {
    const file = join(dir, name);
    await writeFile(file, plays);
    return file;
  };

  it('templated connection variables, environment over SSH (secret values redacted), remote_user and ansible_user over it', async () => {
    const pb = await playbook(
      'remote.yml',
      `- hosts: w2
  gather_facts: false
  remote_user: root
  environment:
    TSPLAY_E2E: "marker-${id}"
    TSPLAY_SECRET: "{{ db_password }}"
  tasks:
    - name: where
      command: hostname
    - name: env
      command: printenv TSPLAY_E2E
    - name: secret env
      shell: printenv TSPLAY_SECRET; printenv TSPLAY_SECRET | sha256sum
    - name: task env wins
      shell: printenv TSPLAY_E2E
      environment: {TSPLAY_E2E: inner}
    - name: as the play's remote_user
      command: id -un
    - name: as the task's remote_user
      command: id -un
      remote_user: "{{ other_user }}"
    - name: ansible_user wins
      command: id -un
      remote_user: "{{ other_user }}"
      vars: {ansible_user: root}
`,
    );
    const r = await tsplay(['run', pb, '-i', join(dir, 'inventory'), '-e', `other_user=${user}`, '--json']);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    const j = JSON.parse(r.stdout) as JsonRun;
    expect(result(j, 'where').stdout).to.equal('worker2');
    expect(result(j, 'env').stdout).to.equal(`marker-${id}`);
    expect(result(j, 'task env wins').stdout).to.equal('inner');
    // the command saw the secret; the output shows neither it nor anything but its hash
    const hash = createHash('sha256').update(`${secret}\n`).digest('hex');
    expect(result(j, 'secret env').stdout).to.include(hash);
    expect(r.stdout).to.not.include(secret);
    expect(result(j, 'as the play\'s remote_user').stdout).to.equal('root');
    expect(result(j, 'as the task\'s remote_user').stdout).to.equal(user);
    expect(result(j, 'ansible_user wins').stdout).to.equal('root');
  });

  it('tsplay facts reaches a host through rendered connection variables too', async () => {
    const r = await tsplay(['facts', '-i', join(dir, 'inventory'), '--limit', 'w2']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const facts = JSON.parse(r.stdout) as Record<string, { ansible_facts: Record<string, unknown> }>;
    expect(facts.w2.ansible_facts.hostname).to.equal('worker2');
  });

  it('connection: local on a play and on a task runs on the controller and opens no SSH connection (facts gathered there too)', async () => {
    const pb = await playbook(
      'local.yml',
      `- hosts: w2plain
  connection: local
  gather_facts: true
  environment: {TSPLAY_E2E: "local-${id}"}
  tasks:
    - name: play local
      shell: hostname; printenv TSPLAY_E2E
- hosts: w2plain
  gather_facts: false
  tasks:
    - name: task local
      command: hostname
      connection: local
`,
    );
    const before = await acceptedLogins();
    const r = await tsplay(['run', pb, '-i', join(dir, 'inventory'), '--json']);
    const after = await acceptedLogins();
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    const j = JSON.parse(r.stdout) as JsonRun;
    expect(result(j, 'play local', 'w2plain').stdout).to.equal(`${hostname()}\nlocal-${id}`);
    expect(result(j, 'task local', 'w2plain').stdout).to.equal(hostname());
    // only the counting login itself
    expect(after - before).to.equal(1);
  });
});
