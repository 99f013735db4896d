// `tsplay role doc`: the real CLI on the shipped roles and on an argument_specs role; the
// shipped roles' own defaults satisfy their schemas.
import { expect } from 'chai';
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { projectRoot } from '../../../engine/paths.js';
import { newAjv, Validators } from '../../../engine/schema/validators.js';
import { loadRoleSchema } from '../../../engine/playbook/role-schema.js';
import { tsplay } from '../../e2e/run-tsplay.js';

describe('role schemas and tsplay role doc', function () {
  this.timeout(30_000);

  for (const role of ['preflight', 'containerd']) {
    it(`the shipped ${role} role declares a schema its defaults satisfy`, async () => {
      const dir = join(projectRoot(), 'roles', role);
      const rs = await loadRoleSchema([dir], new Validators('load'));
      expect(rs?.file).to.equal(join(dir, 'schema.json'));
      const defaults = yaml.load(await readFile(join(dir, 'defaults', 'main.yml'), 'utf8')) as Record<string, unknown>;
      const validate = newAjv('load').compile(rs!.schema);
      expect(validate(defaults), JSON.stringify(validate.errors)).to.equal(true);
      // every default is documented
      expect(Object.keys(rs!.schema.properties as object)).to.include.members(Object.keys(defaults));
    });
  }

  it('prints each parameter of a shipped role with type, default and description', async () => {
    const r = await tsplay(['role', 'doc', 'containerd']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('containerd_sandbox_image\n    type: string\n    default: "registry.k8s.io/pause:3.9"\n    The pause image');
    expect(r.stdout).to.include('containerd_packages\n    type: array of string');
  });

  it('reads meta/argument_specs.yml from --roles-path, a site default overriding the shipped one', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'tsplay-roledoc-'));
    try {
      await mkdir(join(tmp, 'web', 'meta'), { recursive: true });
      await mkdir(join(tmp, 'web', 'defaults'), { recursive: true });
      await writeFile(
        join(tmp, 'web', 'meta', 'argument_specs.yml'),
        'argument_specs:\n  main:\n    short_description: a web server\n    options:\n      web_port:\n        type: int\n        default: 80\n        description: [port to, listen on]\n      web_mode:\n        type: str\n        required: true\n        choices: [fast, safe]\n',
      );
      await writeFile(join(tmp, 'web', 'defaults', 'main.yml'), 'web_port: 8080\n');
      const r = await tsplay(['role', 'doc', 'web', '--roles-path', tmp]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include('  a web server\n');
      expect(r.stdout).to.include('web_port\n    type: integer\n    default: 8080\n    port to listen on');
      expect(r.stdout).to.include('web_mode  (required)\n    type: one of "fast", "safe"');
      const missing = await tsplay(['role', 'doc', 'nosuch', '--roles-path', tmp]);
      expect(missing.code).to.equal(4);
      expect(missing.stderr).to.include('role "nosuch" not found');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
