// The direct path (engine/template/direct.ts) against Handlebars itself: on generated templates and
// variables, a Templater with it and one without give the same value or the same error message.
import { expect } from 'chai';
import Handlebars from 'handlebars';
import { Templater } from '../../../engine/template/index.js';
import { directTemplate, runDirect, NOT_DIRECT } from '../../../engine/template/direct.js';
import { HELPERS } from '../../../engine/template/helpers.js';

const rewrite = { helpers: new Set([...Object.keys(HELPERS), 'if', 'each', 'with', 'lookup', 'unless']), lenient: new Set(['default', 'defined']) };
const parse = (text: string) => directTemplate(Handlebars.parse(text), rewrite);

function outcome(t: Templater, mode: 'string' | 'text', text: string, vars: Record<string, unknown>): unknown {
  try {
    return { value: mode === 'string' ? t.renderString(text, vars) : t.renderText(text, vars) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

// a small deterministic generator: the same cases on every run
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('direct templates', () => {
  it('covers text and plain variables only', () => {
    expect(parse('{{ a }}/x/{{ b.0.c }}')?.pieces).to.deep.equal([['a'], '/x/', ['b', '0', 'c']]);
    for (const text of ['{{#if a}}x{{/if}}', '{{ default a "x" }}', '{{ this.a }}', '{{ ../a }}', '{{ @index }}', '{{ first }}', '{{! c }}', '{{ "lit" }}', '{{> p }}'])
      expect(parse(text), text).to.equal(undefined);
  });

  it('answers NOT_DIRECT for what Handlebars must decide', () => {
    const t = parse('{{ a.b }}')!;
    expect(runDirect(t, { a: { b: 1 } }, 'value')).to.equal(1);
    for (const vars of [{}, { a: null }, { a: { b: null } }, { a: Object.create({ b: 1 }) }, { a: 5 }])
      expect(runDirect(t, vars as Record<string, unknown>, 'value')).to.equal(NOT_DIRECT);
    expect(runDirect(parse('{{ a.constructor }}')!, { a: {} }, 'text')).to.equal(NOT_DIRECT);
  });

  it('renders exactly as Handlebars on 3,000 generated templates', () => {
    const rand = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const getterCalls: string[] = [];
    const base: Record<string, unknown> = {
      s: 'str',
      e: '',
      z: 0,
      f: false,
      t: true,
      n: null,
      num: 3.5,
      list: ['a', { k: 'v' }, null],
      map: { a: { b: [1, 2] }, n: null, z: 0, s: 'x', '0': 'zero' },
      proto: Object.create({ inherited: 1 }),
      fn: () => 1,
    };
    Object.defineProperty(base, 'lazy', { enumerable: true, get: () => (getterCalls.push('lazy'), { v: 'l' }) });
    const names = ['s', 'e', 'z', 'f', 't', 'n', 'num', 'list', 'map', 'proto', 'fn', 'lazy', 'missing', 'constructor', 'toString'];
    const keys = ['a', 'b', 'k', 'v', 'n', 'z', 's', '0', '1', '2', 'length', 'inherited', 'constructor', '__proto__', 'x'];
    const texts = ['', '/', ' x ', 'a-b', '\\{{ s }}', '\n'];
    const withDirect = new Templater();
    const handlebarsOnly = new Templater({ direct: false });
    let direct = 0;
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const pieces = 1 + Math.floor(rand() * 3);
      for (let p = 0; p < pieces; p++) {
        if (rand() < 0.4) text += pick(texts);
        let path = pick(names);
        for (let d = Math.floor(rand() * 3); d > 0; d--) path += `.${pick(keys)}`;
        text += rand() < 0.5 ? `{{ ${path} }}` : `{{${path}}}`;
      }
      if (!text.includes('{{')) continue;
      let program: ReturnType<typeof Handlebars.parse>;
      try {
        program = Handlebars.parse(text);
      } catch {
        continue; // not a template either engine accepts; the syntax errors are tested elsewhere
      }
      const d = directTemplate(program, rewrite);
      if (d && runDirect(d, base, 'text') !== NOT_DIRECT) direct++;
      for (const mode of ['string', 'text'] as const)
        expect(outcome(withDirect, mode, text, base), `${mode} ${JSON.stringify(text)}`).to.deep.equal(outcome(handlebarsOnly, mode, text, base));
    }
    // the comparison is only worth something if the direct path took a good share of the cases
    expect(direct).to.be.greaterThan(250);
    expect(getterCalls.length).to.be.greaterThan(0);
  });
});
