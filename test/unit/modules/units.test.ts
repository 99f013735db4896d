// The pure helpers behind the modules: modes, diffs, registry names.
import { expect } from 'chai';
import { parseMode, resolveMode, formatMode, octalMode } from '../../../engine/modules/lib/file-mode.js';
import { contentDiff, MAX_DIFF_BYTES } from '../../../engine/modules/lib/file-diff.js';
import { findModule, builtinModules } from '../../../engine/modules/registry.js';
import { canonicalParams, expandAliasSchema } from '../../../engine/modules/lib/aliases.js';
import { pyRegex, expandMatch } from '../../../engine/modules/lib/text-lines.js';
import { InputError } from '../../../engine/errors.js';

const mode = (spec: string, cur: number, dir = false) => formatMode(resolveMode(parseMode(spec), cur, dir));

describe('file modes', () => {
  it('octal strings', () => {
    expect(mode('0644', 0o777)).to.equal('0644');
    expect(mode('755', 0)).to.equal('0755');
    expect(mode('1777', 0)).to.equal('1777');
    expect(mode('02755', 0)).to.equal('2755');
  });
  it('refuses a bare integer, naming the string to write', () => {
    expect(() => parseMode(644)).to.throw('mode: 644 is a YAML integer (decimal 644); write mode: "0644"');
    expect(() => parseMode(1777)).to.throw('write mode: "1777"');
    expect(() => parseMode(493)).to.throw('mode: 493 is a YAML integer (decimal 493); write mode: "0755"');
    expect(() => parseMode(99999)).to.throw('write the mode as a quoted octal string, e.g. mode: "0644"');
    expect(() => parseMode(644, 'octal')).to.throw('write mode: "0644"');
    // as written in YAML, when the loader knows it: 0644 is YAML 1.1 octal, read as 420
    expect(() => parseMode(420, 'symbolic', '0644')).to.throw('mode: 0644 is a YAML integer (decimal 420); write mode: "0644"');
    expect(() => parseMode(644, 'symbolic', '644')).to.throw('mode: 644 is a YAML integer (decimal 644); write mode: "0644"');
    // from a variable the writing is unknown: a small number names both readings
    expect(() => parseMode(420)).to.throw('mode: 420 is a YAML integer (decimal 420); write mode: "0420", or mode: "0644" if it was written 0644');
  });
  it('octal-only modules refuse a symbolic mode', () => {
    expect(octalMode('644')).to.equal('0644');
    expect(() => octalMode('u=rw')).to.throw('invalid mode "u=rw": expected octal like "0644"');
  });
  it('symbolic, like chmod', () => {
    expect(mode('u+x', 0o644)).to.equal('0744');
    expect(mode('go-w', 0o666)).to.equal('0644');
    expect(mode('a=r', 0o777)).to.equal('0444');
    expect(mode('u=rwx,g=rx,o=', 0o777)).to.equal('0750');
    expect(mode('+x', 0o600)).to.equal('0711');
    expect(mode('a+X', 0o600)).to.equal('0600');
    expect(mode('a+X', 0o600, true)).to.equal('0711');
    expect(mode('a+X', 0o700)).to.equal('0711');
    expect(mode('u+s,g+s,+t', 0o755)).to.equal('7755');
    expect(mode('u=rw', 0o4755)).to.equal('0655');
  });
  it('rejects what chmod would not take', () => {
    for (const bad of ['rw-r--r--', '0888', 'u+q', '99999', '-1', 'u=rw,,']) expect(() => parseMode(bad), String(bad)).to.throw(/invalid mode/);
  });
});

describe('contentDiff', () => {
  it('text before/after, absent sides', () => {
    expect(contentDiff('/f', null, Buffer.from('a\n'))).to.deep.equal({ path: '/f', after: 'a\n' });
    expect(contentDiff('/f', Buffer.from('a\n'), Buffer.from('b\n'))).to.deep.equal({ path: '/f', before: 'a\n', after: 'b\n' });
  });
  it('binary and large files get a summary', () => {
    expect(contentDiff('/f', Buffer.from([0, 1, 2]), Buffer.from('x')).summary).to.equal('binary file');
    expect(contentDiff('/f', Buffer.from('x'), Buffer.from([0xff, 0xfe])).summary).to.equal('binary file');
    const big = Buffer.alloc(MAX_DIFF_BYTES + 1, 'a');
    expect(contentDiff('/f', Buffer.from('x'), big).summary).to.equal('file too large to diff');
    expect(contentDiff('/f', undefined, Buffer.from('x'), MAX_DIFF_BYTES * 2).summary).to.equal('file too large to diff');
  });
});

const MINE = ['file', 'copy', 'template', 'lineinfile', 'blockinfile', 'command', 'shell', 'stat', 'debug', 'set_fact', 'assert', 'fail'];

describe('registry', () => {
  it('ansible.builtin.X and ansible.legacy.X name the same module', async () => {
    for (const name of MINE) {
      const m = await findModule(name);
      expect(m?.name, name).to.equal(name);
      expect(await findModule(`ansible.builtin.${name}`)).to.equal(m);
      expect(await findModule(`ansible.legacy.${name}`)).to.equal(m);
    }
    expect(await findModule('nope')).to.equal(undefined);
    expect(await findModule('community.general.file')).to.equal(undefined);
    expect(await findModule('toString')).to.equal(undefined);
  });
  it('each module is registered under its own name', async () => {
    for (const [name, m] of await builtinModules()) expect(m.name).to.equal(name);
  });
  it('every schema is closed and describes its parameters', async () => {
    for (const [name, m] of await builtinModules()) {
      if (!MINE.includes(name) || name === 'set_fact') continue; // set_fact: its parameters are the facts
      expect(m.schema.additionalProperties, name).to.equal(false);
      for (const [p, def] of Object.entries(m.schema.properties as Record<string, { description?: string }>)) {
        expect(def.description, `${name}.${p}`).to.be.a('string');
      }
    }
  });
});

describe('aliases', () => {
  const schema = { type: 'object', required: ['path'], properties: { path: { type: 'string', aliases: ['dest', 'name'] } } };
  it('maps aliases to the canonical name and refuses both', () => {
    expect(canonicalParams(schema, { dest: '/x' })).to.deep.equal({ path: '/x' });
    expect(() => canonicalParams(schema, { dest: '/x', path: '/y' })).to.throw(InputError, /given twice/);
  });
  it('the published schema lists aliases and requires one of them', () => {
    const s = expandAliasSchema(schema) as { properties: Record<string, unknown>; required?: string[]; allOf: unknown[] };
    expect(Object.keys(s.properties)).to.deep.equal(['path', 'dest', 'name']);
    expect(s.required).to.equal(undefined);
    expect(s.allOf).to.have.length(1);
  });
});

describe('Python regular expressions', () => {
  it('named groups, inline flags, expand', () => {
    const re = pyRegex('(?i)^(?P<k>\\w+)=(?P=k)$', 'regexp');
    const m = re.exec('AB=AB')!;
    expect(m).to.not.equal(null);
    expect(re.test('ab=AB')).to.equal(true); // (?i) applies to the backreference too, as in Python
    expect(re.test('ab=cd')).to.equal(false);
    expect(expandMatch(m, '\\g<k>:\\1:\\g<0>\\n\\\\')).to.equal('AB:AB:AB=AB\n\\');
  });
});
