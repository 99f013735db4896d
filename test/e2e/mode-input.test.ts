// `mode:` through the real CLI: a bare YAML integer (644, or 0644, which YAML 1.2 reads as the
// same decimal) stops the run before any host is contacted, naming file:line:col and the string
// to write; nothing is changed, not even by the tasks before it. A template that renders to an
// integer fails its task the same way. Quoted octal and symbolic modes work.
import { expect } from 'chai';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

describe('e2e: mode: as a bare YAML integer is refused with its fix', function () {
  this.timeout(120_000);
  let work: string;
  let out: string;
  let inventory: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsplay-mode-'));
    out = join(work, 'out');
    inventory = join(work, 'hosts.yml');
    await writeFile(inventory, 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const playbook = async (name: string, modeText: string) => {
    const file = join(work, name);
    await writeFile(
      file,
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: a valid task first',
        `      file: { path: ${JSON.stringify(out)}, state: directory, mode: "0755" }`,
        '    - name: the config',
        '      copy:',
        `        dest: ${JSON.stringify(join(out, 'app.conf'))}`,
        '        content: "x=1\\n"',
        `        mode: ${modeText}`,
        '',
      ].join('\n'),
    );
    return file;
  };

  const refusals = [
    ['644', 'mode: 644 is a YAML integer (decimal 644); write mode: "0644"'],
    // YAML 1.1 reads 0644 as octal (420), as Ansible does; refused all the same, the message quoting it as written
    ['0644', 'mode: 0644 is a YAML integer (decimal 420); write mode: "0644"'],
  ];
  for (const [text, message] of refusals) {
    it(`mode: ${text} stops the run (exit 4) naming file:line:col and "0644"; nothing changed`, async () => {
      const pb = await playbook(`int-${text}.yml`, text);
      for (const extra of [[], ['--syntax-check']]) {
        const r = await tsplay(['run', pb, '-i', inventory, ...extra], { env: { CI: 'true' } });
        expect(r.code, r.stdout + r.stderr).to.equal(4);
        expect(r.stderr).to.include(`${pb}:10:9: copy: ${message}`);
        expect(r.stdout).to.not.include('TASK [');
      }
      await stat(out).then(
        () => expect.fail('the task before the bad one ran'),
        () => undefined,
      );
    });
  }

  it('a template that renders to an integer fails its task with the same message; the file is not written', async () => {
    const pb = await playbook('templated.yml', '"{{ m }}"');
    const r = await tsplay(['run', pb, '-i', inventory, '-e', '{"m": 644}'], { env: { CI: 'true' } });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stdout).to.include(String.raw`copy: mode: 644 is a YAML integer (decimal 644); write mode: \"0644\" (after rendering)`);
    expect(await readdir(out)).to.deep.equal([]);
  });

  it('quoted octal and symbolic modes work, and a second run changes nothing', async () => {
    for (const [text, want] of [['"0640"', 0o640], ['"600"', 0o600], ['"u=rw,g=r,o=r"', 0o644]] as const) {
      const pb = await playbook('ok.yml', text);
      const r = await tsplay(['run', pb, '-i', inventory], { env: { CI: 'true' } });
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect((await stat(join(out, 'app.conf'))).mode & 0o7777, text).to.equal(want);
      const again = await tsplay(['run', pb, '-i', inventory], { env: { CI: 'true' } });
      expect(again.stdout).to.match(/^localhost\s+: ok=2 changed=0 /m);
    }
  });
});
