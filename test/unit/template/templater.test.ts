import { expect } from 'chai';
import Handlebars from 'handlebars';
import { TemplateError } from '../../../engine/errors.js';
import { Templater } from '../../../engine/template/index.js';

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError, got none');
}

describe('Templater', () => {
  const vars = {
    inventory_hostname: 'm1',
    groups: { etcd: ['m1', 'm2'], all: ['m1', 'm2', 'w1'] },
    hostvars: { m1: { ansible_host: '10.77.0.11' }, m2: { ansible_host: '10.77.0.12' } },
    ansible_default_ipv4: { address: '10.77.0.11' },
    etcd_port: 2379,
    tls: true,
    opts: { a: 1, b: [1, 2] },
  };

  describe('type preservation', () => {
    const t = new Templater();
    it('keeps lists, numbers, maps and booleans for a lone {{ expr }}', () => {
      expect(t.renderString('{{ groups.etcd }}', vars)).to.deep.equal(['m1', 'm2']);
      expect(t.renderString('{{etcd_port}}', vars)).to.equal(2379);
      expect(t.renderString('{{  opts  }}', vars)).to.deep.equal({ a: 1, b: [1, 2] });
      expect(t.renderString('{{ tls }}', vars)).to.equal(true);
    });
    it('returns the very value, not a copy, for a lone variable', () => {
      expect(t.renderString('{{ opts }}', vars)).to.equal(vars.opts);
    });
    it('renders anything else to a string', () => {
      expect(t.renderString('https://{{ ansible_default_ipv4.address }}:{{ etcd_port }}', vars)).to.equal('https://10.77.0.11:2379');
      expect(t.renderString('{{ etcd_port }} ', vars)).to.equal('2379 ');
      expect(t.renderString('{{#if tls}}{{ etcd_port }}{{/if}}', vars)).to.equal('2379');
    });
    it('renderText always gives a string', () => {
      expect(t.renderText('{{ etcd_port }}', vars)).to.equal('2379');
      expect(t.renderText('{{ tls }}', vars)).to.equal('true');
    });
    it('returns strings without {{ untouched, even with other Handlebars-looking text', () => {
      expect(t.renderString('a } b {', vars)).to.equal('a } b {');
      expect(t.renderText('no template here\n', vars)).to.equal('no template here\n');
    });
    it('builds an etcd cluster string from groups and hostvars', () => {
      const s = '{{#each groups.etcd as |h|}}{{ h }}=https://{{ lookup (lookup ../hostvars h) "ansible_host" }}:2380{{#unless @last}},{{/unless}}{{/each}}';
      expect(t.renderString(s, vars)).to.equal('m1=https://10.77.0.11:2380,m2=https://10.77.0.12:2380');
    });
  });

  describe('strict errors', () => {
    const t = new Templater();
    const where = { file: 'roles/etcd/tasks/main.yml', line: 12, col: 9 };
    it('names the variable and the caller position', () => {
      const e = errorOf(() => t.renderString('{{ etcd_peer_port }}', vars, where));
      expect(e.message).to.include('undefined variable "etcd_peer_port"');
      expect(e.location()).to.equal('roles/etcd/tasks/main.yml:12:9');
      expect(e.exitCode).to.equal(4);
    });
    it('names the line and column within a multi-line template file', () => {
      const text = 'a: 1\nb: {{ etcd_port }}\nc: {{ groups.etcdd }}\n';
      const e = errorOf(() => t.renderText(text, vars, { file: 'roles/etcd/templates/etcd.conf.hbs' }));
      expect(e.message).to.include('undefined variable "groups.etcdd": "groups" has no key "etcdd"');
      expect(e.message).to.include('template line 3, col 7');
      expect(e.describe()).to.match(/^roles\/etcd\/templates\/etcd\.conf\.hbs: /);
    });
    it('fails for a missing variable used as a condition in {{#if}}', () => {
      expect(errorOf(() => t.renderString('{{#if nope}}x{{/if}}', vars)).message).to.include('undefined variable "nope"');
    });
    it('lets default take an undefined argument', () => {
      expect(t.renderString('{{#if (default nope false)}}x{{else}}y{{/if}}', vars)).to.equal('y');
      expect(t.renderString('{{ default etcd_client_port 2379 }}', vars)).to.equal(2379);
    });
    it('a failed render does not poison the cache', () => {
      expect(() => t.renderString('{{ later }}', vars)).to.throw(TemplateError);
      expect(t.renderString('{{ later }}', { later: 'now' })).to.equal('now');
    });
  });

  describe('isolation and caching', () => {
    it('registers nothing on the global Handlebars', () => {
      new Templater();
      expect(Handlebars.helpers).to.not.have.property('to_nice_json');
      expect(Handlebars.helpers).to.have.property('log');
    });
    it('renders the same text with different vars from the cache', () => {
      const t = new Templater();
      for (let i = 0; i < 50; i++) expect(t.renderString('n={{ n }}', { n: i })).to.equal(`n=${i}`);
    });
    it('keeps typed and text compilations of the same string apart', () => {
      const t = new Templater();
      expect(t.renderString('{{ n }}', { n: 5 })).to.equal(5);
      expect(t.renderText('{{ n }}', { n: 5 })).to.equal('5');
      expect(t.renderString('{{ n }}', { n: 6 })).to.equal(6);
    });
  });

  describe('renderDeep', () => {
    const t = new Templater();
    it('renders every string in maps and lists, not keys, typed where alone', () => {
      const input = {
        name: 'etcd on {{ inventory_hostname }}',
        '{{ key }}': 'k',
        ports: ['{{ etcd_port }}', 2380],
        nested: { peers: '{{ groups.etcd }}', flag: '{{ tls }}', n: null },
      };
      const out = t.renderDeep(input, vars);
      expect(out).to.deep.equal({
        name: 'etcd on m1',
        '{{ key }}': 'k',
        ports: [2379, 2380],
        nested: { peers: ['m1', 'm2'], flag: true, n: null },
      });
    });
    it('never changes its input', () => {
      const input = { a: ['{{ etcd_port }}'], b: { c: '{{ tls }}' } };
      const before = JSON.stringify(input);
      const out = t.renderDeep(input, vars);
      expect(JSON.stringify(input)).to.equal(before);
      expect(out.a).to.not.equal(input.a);
      expect(out.b).to.not.equal(input.b);
    });
    it('keeps an own "__proto__" key a key: no prototype change', () => {
      const input = JSON.parse('{"__proto__": {"polluted": "{{ tls }}"}, "x": 1}') as Record<string, unknown>;
      const out = t.renderDeep(input, vars) as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).to.equal(true);
      expect(Object.getOwnPropertyDescriptor(out, '__proto__')!.value).to.deep.equal({ polluted: true });
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
    it('names the key path of a failing value, and asks a where-function for its position', () => {
      const seen: Array<ReadonlyArray<string | number>> = [];
      const e = errorOf(() =>
        t.renderDeep({ env: { list: ['ok', '{{ nope }}'] } }, vars, (p) => {
          seen.push([...p]);
          return { file: 'play.yml', line: 20 + p.length, col: 5 };
        }),
      );
      expect(e.message).to.include('(in env.list[1])');
      expect(e.location()).to.equal('play.yml:23:5');
      expect(seen).to.deep.equal([['env', 'list', 1]]);
    });
    it('leaves non-plain values alone', () => {
      const d = new Date(0);
      const out = t.renderDeep({ d, n: 5, b: false }, vars);
      expect(out.d).to.equal(d);
      expect(out).to.deep.equal({ d, n: 5, b: false });
    });
  });
});
