// Names that reach a host command (units, kernel modules, packages, sysctl keys) are checked by
// the module's schema: real names pass, globs, shell syntax and options never do.
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { findModule } from '../../../engine/modules/registry.js';

const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
const hostile = ['*', '?[a-z]*', 'ss[h]', '$(touch x)', '`id`', 'a;b', 'a b', 'a\nb', "a'b", '"', '|x', '>x', '~root', '/etc/passwd', ''];

// the registry loads modules asynchronously; the tests below look their schemas up here
const schemas = new Map<string, Record<string, unknown>>();

function accepts(mod: string, params: Record<string, unknown>): boolean {
  return ajv.compile(schemas.get(mod)!)(params) as boolean;
}

describe('modules: names that reach a command', () => {
  before(async () => {
    for (const m of ['service', 'systemd', 'modprobe', 'apt', 'sysctl']) schemas.set(m, (await findModule(m))!.schema);
  });
  it('service/systemd: unit names with systemd characters only (no globs)', () => {
    for (const m of ['service', 'systemd']) {
      for (const n of ['etcd', 'ssh.service', 'getty@tty1.service', 'dev-disk-by\\x2duuid-1.device', 'user-1000.slice', 'a:b_c'])
        expect(accepts(m, { name: n, state: 'started' }), `${m} ${n}`).to.equal(true);
      for (const n of hostile) expect(accepts(m, { name: n, state: 'stopped' }), `${m} ${JSON.stringify(n)}`).to.equal(false);
    }
  });
  it('modprobe, apt and sysctl refuse the same values', () => {
    for (const n of hostile) {
      expect(accepts('modprobe', { name: n }), `modprobe ${JSON.stringify(n)}`).to.equal(false);
      expect(accepts('apt', { name: n }), `apt ${JSON.stringify(n)}`).to.equal(false);
      if (n !== '*') expect(accepts('sysctl', { name: n, value: '1' }), `sysctl ${JSON.stringify(n)}`).to.equal(false);
    }
    expect(accepts('modprobe', { name: 'br_netfilter' })).to.equal(true);
    expect(accepts('apt', { name: 'etcd-server=3.4.23-4+b1' })).to.equal(true);
    expect(accepts('sysctl', { name: 'net.ipv4.ip_forward', value: '1' })).to.equal(true);
  });
});
