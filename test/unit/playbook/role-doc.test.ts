// `tsplay role doc`: the real CLI on the shipped roles and on an argument_specs role; the
// shipped roles' own defaults satisfy their schemas.
import { expect } from 'chai';
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { projectRoot } from '../../../engine/paths.js';
import { newAjv, Validators } from '../../../engine/schema/validators.js';
import { loadRoleSchema } from '../../../engine/playbook/role-schema.js';
import { tsplay } from '../../e2e/run-tsplay.js';

describe('role schemas and tsplay role doc', function () {
  this.timeout(30_000);

  const shipped = readdirSync(join(projectRoot(), 'roles')).sort();
  it('there are shipped roles to check', () => expect(shipped).to.include.members(['cluster_defaults', 'cni', 'preflight', 'containerd', 'kubelet']));
  for (const role of shipped) {
    it(`the shipped ${role} role declares a schema its defaults satisfy`, async () => {
      const dir = join(projectRoot(), 'roles', role);
      const rs = await loadRoleSchema([dir], new Validators('load'));
      expect(rs?.file).to.equal(join(dir, 'schema.json'));
      const defaults = yaml.load(await readFile(join(dir, 'defaults', 'main.yml'), 'utf8')) as Record<string, unknown>;
      const validate = newAjv('load').compile(rs!.schema);
      // values still holding a template are checked when rendered, as a run checks them
      const concrete = Object.fromEntries(Object.entries(defaults).filter(([, v]) => !(typeof v === 'string' && v.includes('{{'))));
      expect(validate(concrete), JSON.stringify(validate.errors)).to.equal(true);
      // every default is documented, with the value defaults/main.yml gives it
      const props = rs!.schema.properties as Record<string, { default?: unknown; description?: string }>;
      expect(Object.keys(props)).to.include.members(Object.keys(defaults));
      for (const [k, v] of Object.entries(defaults)) {
        expect(props[k].default, `${role}: ${k}`).to.deep.equal(v);
        expect(props[k].description, `${role}: ${k}`).to.be.a('string').that.is.not.empty;
      }
    });
  }

  it('prints each parameter of a shipped role with type, default and description', async () => {
    const r = await tsplay(['role', 'doc', 'containerd']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('containerd_sandbox_image\n    type: string\n    default: "registry.k8s.io/pause:3.9"\n    The pause image');
    expect(r.stdout).to.include('containerd_packages\n    type: array of string');
  });

  it('without a name prints every shipped role, each with the parameters of its schema', async () => {
    const r = await tsplay(['role', 'doc']);
    expect(r.code, r.stderr).to.equal(0);
    const roles = [...r.stdout.matchAll(/^role (\S+) /gm)].map((m) => m[1]);
    expect(roles).to.deep.equal(shipped);
    expect(r.stdout).not.to.include('declares no schema');
    expect(r.stdout.match(/^ {2}parameters \(/gm)?.length).to.equal(shipped.length);
    expect(r.stdout).to.include('role kubelet (');
    expect(r.stdout).to.include('  depends on cluster_defaults: their parameters are this role\'s too');
    expect(r.stdout).to.include('  kube_dns_ip\n    type: string\n    default: "{{ nthhost kube_service_addresses 3 }}"');
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
