// Secrets in the forms output really takes: a listed variable rendered from a template or set
// later in the run, the vault password itself (and its absence from the commands' environment),
// a secret escaped, quoted or encoded, --json that stays JSON whatever the secret looks like, and
// a warning for secrets too short to hide. Each case runs the real CLI on local playbooks and
// reads every output: plain (with -v), --diff, --json (parsed), the run log and stderr.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, type CliResult } from './run-tsplay.js';

const PASSWORD = 'correct horse battery staple';

/** every text a run left: stdout, stderr and the run log */
function texts(...runs: CliResult[]): string {
  return runs.map((r) => `${r.stdout}\n${r.stderr}`).join('\n');
}

function expectNone(all: string, leaks: Record<string, string>): void {
  for (const [what, s] of Object.entries(leaks)) expect(all.includes(s), `${what} (${JSON.stringify(s)}) appears in the output`).to.equal(false);
}

describe('e2e: secrets in derived forms', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-secrets-derived-'));
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'pw'), `${PASSWORD}\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** an inventory of local hosts with the given group_vars/all.yml */
  async function inventory(name: string, allVars: string, hosts = ['localhost']): Promise<string> {
    const inv = join(dir, name);
    await mkdir(join(inv, 'group_vars'), { recursive: true });
    await writeFile(join(inv, 'hosts.yml'), `all:\n  hosts:\n${hosts.map((h) => `    ${h}: { ansible_connection: local }\n`).join('')}`);
    await writeFile(join(inv, 'group_vars', 'all.yml'), allVars);
    return inv;
  }

  describe('a listed variable (tsplay_secret_vars) is hidden rendered, wherever its value is set', () => {
    const DB_PASS = 'Plain-db-9f3k';
    const RENDERED_DSN = `postgres://app:${DB_PASS}@db.internal/app`;
    const secrets = {
      'the rendered DSN password': DB_PASS,
      'the value from -e': 'Extra-value-2w1x',
      'the value from play vars': 'Play-value-7h2m',
      'the value from vars_files': 'File-value-4q8z',
      'the set_fact value': 'Late-tok-8j1n',
      'the last set_fact value': 'Late-final-3v7c',
      'the registered output': 'Reg-out-5t6y',
    };
    let runs: CliResult[];
    let log: string;
    before(async () => {
      // db_pass itself is not listed: only the DSN built from it is a secret
      const inv = await inventory(
        'inv-listed',
        `tsplay_secret_vars: [dsn, from_e, from_play, from_file, late_token, reg_out]\ndb_pass: ${DB_PASS}\ndsn: "postgres://app:{{ db_pass }}@db.internal/app"\n`,
      );
      await writeFile(join(dir, 'listed-vars.yml'), 'from_file: File-value-4q8z\n');
      await writeFile(
        join(dir, 'listed.yml'),
        `- hosts: all
  gather_facts: false
  vars:
    from_play: Play-value-7h2m
  vars_files: [listed-vars.yml]
  tasks:
    - name: dsn in a message
      debug: { msg: "connect {{ dsn }}" }
    - name: dsn in a file
      copy: { dest: "${dir}/out/app.conf", content: "url={{ dsn }}\\n" }
    - name: the others
      debug: { msg: "e={{ from_e }} p={{ from_play }} f={{ from_file }}" }
    - name: set later
      set_fact: { late_token: "Late-tok-8j1n" }
    - name: echo the fact
      debug: { var: late_token }
    - name: registered output
      command: { argv: [sh, -c, "echo Reg-out-5t6y; exit 3"] }
      register: reg_out
      ignore_errors: true
    - name: echo the output
      debug: { msg: "{{ reg_out.stdout }}" }
    - name: fails quoting the dsn
      fail: { msg: "cannot reach {{ dsn }}" }
      ignore_errors: true
    - name: set last, read by no later task
      set_fact: { late_token: "Late-final-3v7c" }
`,
      );
      log = join(dir, 'listed.log');
      const args = ['run', join(dir, 'listed.yml'), '-i', inv, '-e', 'from_e=Extra-value-2w1x'];
      runs = [await tsplay([...args, '--diff', '--run-log', log]), await tsplay([...args, '-v']), await tsplay([...args, '--json', '--diff'])];
    });

    it('no rendered or later value in plain, -v, --diff, --json or the run log', async () => {
      for (const r of runs) expect(r.code, r.stdout + r.stderr).to.equal(0);
      expectNone(texts(...runs) + (await readFile(log, 'utf8')), secrets);
      expect(runs[0].stdout).to.include('connect ********');
      expect(runs[0].stdout).to.include('+url=********');
      expect(runs[0].stdout).to.include('e=******** p=******** f=********');
      const json = JSON.parse(runs[2].stdout);
      const tasks = json.plays[0].tasks as { task: { name: string }; hosts: { localhost: Record<string, unknown> } }[];
      const byName = (n: string) => tasks.find((t) => t.task.name === n)!.hosts.localhost;
      expect(byName('set later').ansible_facts).to.deep.equal({ late_token: '********' });
      expect(byName('echo the fact').late_token).to.equal('********');
      expect(byName('set last, read by no later task').ansible_facts).to.deep.equal({ late_token: '********' });
      expect(byName('registered output').stdout).to.equal('********');
      expect(runs[1].stdout).to.match(/fatal: \[localhost\]: FAILED! => .*"stdout": "\*{8}"/);
      expect(JSON.parse((await readFile(log, 'utf8')).trim()).hosts.localhost.failed_tasks).to.deep.equal([]);
    });

    it('the host gets the real value', async () => {
      expect(await readFile(join(dir, 'out', 'app.conf'), 'utf8')).to.equal(`url=${RENDERED_DSN}\n`);
    });

    it('an error that quotes a value from -e, listed in the inventory only, hides it', async () => {
      await mkdir(join(dir, 'roles', 'db', 'tasks'), { recursive: true });
      await writeFile(join(dir, 'roles', 'db', 'tasks', 'main.yml'), '- debug: { msg: "{{ db_port }}" }\n');
      await writeFile(join(dir, 'roles', 'db', 'schema.json'), JSON.stringify({ type: 'object', properties: { db_port: { type: 'integer' } } }));
      await writeFile(join(dir, 'role.yml'), '- hosts: all\n  gather_facts: false\n  roles: [db]\n');
      const inv = await inventory('inv-role', 'tsplay_secret_vars: [db_port]\n');
      const r = await tsplay(['run', join(dir, 'role.yml'), '-i', inv, '-e', 'db_port=Port-secret-x9']);
      expect(r.code, r.stdout + r.stderr).to.equal(4);
      expect(r.stderr).to.match(/variable "db_port": .*\(got "\*{8}"\)/);
      expectNone(texts(r), { 'the -e value': 'Port-secret-x9' });
    });
  });

  describe('the vault password', () => {
    let inv: string;
    before(async () => {
      inv = await inventory('inv-env', 'x: 1\n', ['app1']);
      await writeFile(
        join(dir, 'env.yml'),
        `- hosts: all
  gather_facts: false
  tasks:
    - name: environment of a local command
      shell: "env > ${dir}/out/env-local-{{ tag }}.txt"
    - name: environment of a command delegated to localhost
      shell: "env > ${dir}/out/env-delegated-{{ tag }}.txt"
      delegate_to: localhost
    - name: a command that prints it
      command: "cat ${dir}/pw"
`,
      );
    });

    for (const tag of ['value', 'file'] as const) {
      it(`given as ${tag === 'value' ? 'TSPLAY_VAULT_PASSWORD' : 'TSPLAY_VAULT_PASSWORD_FILE'}: no command inherits it, and output hides it`, async () => {
        const env =
          tag === 'value' ? { TSPLAY_VAULT_PASSWORD: PASSWORD, TSPLAY_VAULT_PASSWORD_FILE: '' } : { TSPLAY_VAULT_PASSWORD: '', TSPLAY_VAULT_PASSWORD_FILE: join(dir, 'pw') };
        const args = ['run', join(dir, 'env.yml'), '-i', inv, '-e', `tag=${tag}`];
        const plain = await tsplay([...args, '-v'], { env });
        const json = await tsplay([...args, '--json'], { env });
        expect(plain.code, plain.stdout + plain.stderr).to.equal(0);
        expect(json.code, json.stderr).to.equal(0);
        for (const f of ['local', 'delegated']) {
          const seen = await readFile(join(dir, 'out', `env-${f}-${tag}.txt`), 'utf8');
          expect(seen).to.match(/^PATH=/m); // the environment was written
          expect(seen, f).to.not.match(/TSPLAY_VAULT_PASSWORD/);
          expect(seen, f).to.not.include(PASSWORD);
        }
        expectNone(texts(plain, json), { 'the vault password': PASSWORD });
        const r = JSON.parse(json.stdout).plays[0].tasks[2].hosts.app1;
        expect(r.stdout).to.equal('********');
      });
    }

    it('tsplay vault edit: the editor does not inherit it', async () => {
      const file = join(dir, 'edit-me.yml');
      await writeFile(file, 'k: v\n');
      const env = { TSPLAY_VAULT_PASSWORD_FILE: join(dir, 'pw'), TSPLAY_VAULT_PASSWORD: PASSWORD };
      expect((await tsplay(['vault', 'encrypt', file], { env })).code).to.equal(0);
      const editor = join(dir, 'editor.sh');
      await writeFile(editor, `#!/bin/sh\nenv > ${dir}/out/env-editor.txt\n`);
      await chmod(editor, 0o755);
      const e = await tsplay(['vault', 'edit', file], { env: { ...env, VISUAL: editor } });
      expect(e.code, e.stderr).to.equal(0);
      const seen = await readFile(join(dir, 'out', 'env-editor.txt'), 'utf8');
      expect(seen).to.match(/^PATH=/m);
      expect(seen).to.not.match(/TSPLAY_VAULT_PASSWORD/);
      expect(seen).to.not.include(PASSWORD);
    });
  });

  describe('escaped, quoted and encoded forms of a secret, and errors about it', () => {
    const Q = `Qu"o'te\\Bk-x1 z/é`;
    const WORD = 'NotJson-hunter2-zz';
    let runs: CliResult[];
    let log: string;
    before(async () => {
      const inv = await inventory('inv-forms', `q_secret: ${JSON.stringify(Q)}\nword_secret: ${WORD}\n`);
      expect((await tsplay(['vault', 'encrypt', '--vault-password-file', join(dir, 'pw'), join(inv, 'group_vars', 'all.yml')])).code).to.equal(0);
      await writeFile(
        join(dir, 'forms.yml'),
        `- hosts: all
  gather_facts: false
  tasks:
    - name: as JSON
      debug: { msg: "{{ to_json q_secret }}" }
    - name: as JSON in a file
      copy: { dest: "${dir}/out/q.json", content: "{\\"k\\": {{ to_json q_secret }} }\\n" }
    - name: JSON of JSON
      debug: { msg: "{{ to_json (to_json q_secret) }}" }
    - name: shell-quoted
      debug: { msg: "{{ quote q_secret }}" }
    - name: base64
      debug: { msg: "{{ b64encode q_secret }}" }
    - name: base64 inside a longer text
      debug: { msg: "{{ b64encode (concat 'user:' q_secret) }}" }
    - name: url-encoded by a command
      command: { argv: [${JSON.stringify(process.execPath)}, -e, "process.stdout.write(encodeURIComponent(process.argv[1]))", "{{ q_secret }}"] }
    - name: from_json on a secret that is not JSON
      debug: { msg: "{{ from_json word_secret }}" }
      ignore_errors: true
    - name: a condition whose error quotes the value
      debug: { msg: unreachable }
      when: duration(word_secret) > duration("1s")
      ignore_errors: true
`,
      );
      log = join(dir, 'forms.log');
      const args = ['run', join(dir, 'forms.yml'), '-i', inv, '--vault-password-file', join(dir, 'pw')];
      runs = [await tsplay([...args, '--diff', '--run-log', log]), await tsplay([...args, '-v']), await tsplay([...args, '--json', '--diff'])];
    });

    it('none of the forms reaches plain, -v, --json --diff or the run log', async () => {
      for (const r of runs) expect(r.code, r.stdout + r.stderr).to.equal(0);
      const once = JSON.stringify(Q).slice(1, -1);
      const b64 = Buffer.from(Q).toString('base64');
      // "user:" is 5 bytes: from the 3rd base64 group on, every character comes from the secret
      const inner = Buffer.from(`user:${Q}`).toString('base64');
      const all = texts(...runs) + (await readFile(log, 'utf8'));
      const forms: Record<string, string> = {
        raw: Q,
        'shell-quoted': Q.replace(/'/g, `'\\''`),
        base64: b64,
        'base64 without padding': b64.replace(/=+$/, ''),
        'URL-safe base64': Buffer.from(Q).toString('base64url'),
        'base64 inside a longer text': inner.slice(8, inner.length - 4),
        'URL-encoded': encodeURIComponent(Q),
        'the start of the non-JSON secret': WORD.slice(0, 8),
        'the non-JSON secret but its first character': WORD.slice(1),
      };
      // each also as output shows it: in a JSON string, in a JSON string in a JSON string, and
      // one level deeper (to_json of to_json shown in --json)
      const escaped = (t: string) => JSON.stringify(t).slice(1, -1);
      for (const [what, f] of Object.entries(forms)) {
        forms[`${what}, JSON-escaped`] = escaped(f);
        forms[`${what}, JSON-escaped twice`] = escaped(escaped(f));
        forms[`${what}, JSON-escaped three times`] = escaped(escaped(escaped(f)));
      }
      expect(once).to.equal(forms['raw, JSON-escaped']);
      expectNone(all, forms);
      const json = JSON.parse(runs[2].stdout);
      const hosts = (json.plays[0].tasks as { hosts: { localhost: Record<string, unknown> } }[]).map((t) => t.hosts.localhost);
      expect(hosts[0].msg).to.equal('"********"');
      expect(hosts[6].stdout).to.equal('********');
      expect(hosts[7].status).to.equal('ignored');
      expect(hosts[7].msg).to.match(/from_json: the value is not valid JSON/);
      expect(hosts[8].status).to.equal('ignored');
      expect(hosts[8].msg).to.match(/cannot evaluate condition: invalid duration string/);
    });

    it('the file holds the real value', async () => {
      expect(JSON.parse(await readFile(join(dir, 'out', 'q.json'), 'utf8'))).to.deep.equal({ k: Q });
    });
  });

  describe('--json, the run log and tsplay inventory stay JSON whatever a secret looks like', () => {
    const NASTY: Array<[string, string]> = [
      ['a number', '4242'],
      ['quotes', '"q"uo"te"'],
      ['backslashes', 'back\\slash\\'],
      ['braces and brackets', '}br{a]c[e'],
      ['a newline', 'two\nlines here'],
      ['unicode', 'ünïcødé-ключ-✓'],
      ['a JSON keyword', 'true'],
      ['JSON punctuation (--json)', '": "'],
      ['JSON punctuation (the run log)', '":{"'],
    ];
    for (const [what, secret] of NASTY) {
      it(`a secret with ${what}`, async () => {
        const tag = NASTY.findIndex(([w]) => w === what);
        const value = /^\d+$/.test(secret) ? secret : JSON.stringify(secret);
        const inv = await inventory(`inv-nasty-${tag}`, `tsplay_secret_vars: [s]\ns: ${value}\n`);
        await writeFile(
          join(dir, `nasty-${tag}.yml`),
          `- hosts: all
  gather_facts: false
  tasks:
    - debug: { var: s }
    - debug: { msg: "{{ s }}" }
    - debug: { msg: { nested: ["{{ s }}"], text: "<{{ s }}>" } }
    - copy: { dest: "${dir}/out/nasty-${tag}", content: "v={{ s }}\\n" }
    - fail: { msg: "bad {{ s }}" }
      ignore_errors: true
`,
        );
        const log = join(dir, `nasty-${tag}.log`);
        const args = ['run', join(dir, `nasty-${tag}.yml`), '-i', inv];
        const json = await tsplay([...args, '--json', '--diff', '--run-log', log]);
        const plain = await tsplay([...args, '--diff', '-v']);
        const list = await tsplay(['inventory', '-i', inv, '--list']);
        expect(json.code, json.stderr).to.equal(0);
        expect(plain.code, plain.stderr).to.equal(0);
        expect(list.code, list.stderr).to.equal(0);
        const listed = JSON.parse(list.stdout);
        expect(listed._meta.hostvars.localhost.s).to.equal('********');
        const doc = JSON.parse(json.stdout);
        const logLines = (await readFile(log, 'utf8')).trim().split('\n');
        const record = JSON.parse(logLines[0]);
        expect(record.exit_code).to.equal(0);
        const tasks = doc.plays[0].tasks as { hosts: { localhost: Record<string, unknown> } }[];
        expect(tasks[0].hosts.localhost.s).to.equal('********');
        expect(tasks[1].hosts.localhost.msg).to.equal('********');
        expect(tasks[2].hosts.localhost.msg).to.deep.equal({ nested: ['********'], text: '<********>' });
        // the parsed document holds no secret anywhere, nor does any text written
        const forms = { raw: secret, 'JSON-escaped': JSON.stringify(secret).slice(1, -1) };
        expectNone(walkStrings([doc, record, listed]).join('\n'), forms);
        // JSON punctuation as a secret matches the document's own syntax: only its strings are checked
        if (!what.startsWith('JSON punctuation')) expectNone(texts(json, plain, list), forms);
        expect(await readFile(join(dir, 'out', `nasty-${tag}`), 'utf8')).to.equal(`v=${secret}\n`);
      });
    }
  });

  describe('secrets too short to hide', () => {
    let plain: CliResult;
    let json: CliResult;
    before(async () => {
      const inv = await inventory('inv-short', 'tsplay_secret_vars: [tiny]\ntiny: k7\n', ['h1', 'h2']);
      await writeFile(join(dir, 'short-vault.yml'), 'pin_code: Zq9\nlong_one: a-long-enough-value\nport: 22\n');
      await writeFile(join(dir, 'pw3'), 'pw3\n');
      expect((await tsplay(['vault', 'encrypt', '--vault-password-file', join(dir, 'pw3'), join(dir, 'short-vault.yml')])).code).to.equal(0);
      await writeFile(
        join(dir, 'short.yml'),
        `- hosts: all
  gather_facts: false
  vars_files: [short-vault.yml]
  tasks:
    - debug: { msg: "{{ tiny }} {{ pin_code }} {{ long_one }}" }
    - debug: { msg: "{{ tiny }} again" }
`,
      );
      const args = ['run', join(dir, 'short.yml'), '-i', inv, '--vault-password-file', join(dir, 'pw3')];
      plain = await tsplay(args);
      json = await tsplay([...args, '--json']);
    });

    it('one warning per source, naming it but not the value', () => {
      expect(plain.code, plain.stderr).to.equal(0);
      const warnings = plain.stdout.split('\n').filter((l) => l.startsWith('[WARNING]'));
      expect(warnings, plain.stdout).to.have.length(3);
      const [vaultFile] = warnings.filter((w) => w.includes('short-vault.yml'));
      expect(vaultFile).to.match(/pin_code/).and.match(/port/).and.not.match(/long_one/);
      expect(warnings.filter((w) => /\btiny\b/.test(w))).to.have.length(1);
      expect(warnings.filter((w) => /vault password/.test(w))).to.have.length(1);
      for (const w of warnings) expect(w).to.match(/shorter than 4 characters/).and.not.match(/Zq9|k7|pw3/);
      expect(plain.stdout).to.include('k7 Zq9 ********');
      const doc = JSON.parse(json.stdout);
      expect(doc.warnings).to.have.length(3);
    });
  });
});

function walkStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => walkStrings(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(k), walkStrings(x, out);
  else if (v !== undefined) out.push(String(v));
  return out;
}
