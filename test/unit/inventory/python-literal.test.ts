import { expect } from 'chai';
import { iniValue, parsePythonLiteral } from '../../../engine/inventory/python-literal.js';

describe('inventory INI values (Python literals)', () => {
  it('reads numbers, booleans and None', () => {
    expect(iniValue('22')).to.equal(22);
    expect(iniValue('-1.5')).to.equal(-1.5);
    expect(iniValue('0x1F')).to.equal(31);
    expect(iniValue('1_000')).to.equal(1000);
    expect(iniValue('True')).to.equal(true);
    expect(iniValue('False')).to.equal(false);
    expect(iniValue('None')).to.equal(null);
  });
  it('keeps what is not a literal as the raw string', () => {
    expect(iniValue('true')).to.equal('true'); // not Python
    expect(iniValue('yes')).to.equal('yes');
    expect(iniValue('0755')).to.equal('0755'); // leading zero is a syntax error in Python 3
    expect(iniValue('10.0.0.1')).to.equal('10.0.0.1');
    expect(iniValue('foo bar')).to.equal('foo bar');
    expect(iniValue('1 + 2')).to.equal('1 + 2');
    expect(iniValue('[1, 2')).to.equal('[1, 2');
    expect(iniValue('')).to.equal('');
  });
  it('reads quoted strings, lists, tuples and dicts', () => {
    expect(iniValue('"1"')).to.equal('1');
    expect(iniValue("'a\\tb'")).to.equal('a\tb');
    expect(iniValue("r'a\\tb'")).to.equal('a\\tb');
    expect(iniValue("'a' 'b'")).to.equal('ab');
    expect(iniValue("[1, 'two', [3]]")).to.deep.equal([1, 'two', [3]]);
    expect(iniValue('(1, 2)')).to.deep.equal([1, 2]);
    expect(iniValue('1, 2')).to.deep.equal([1, 2]);
    expect({ ...(iniValue("{'a': 1, 'b': [True]}") as object) }).to.deep.equal({ a: 1, b: [true] });
  });
  it('ignores a trailing comment as Python does', () => {
    expect(iniValue('1 # one')).to.equal(1);
    expect(parsePythonLiteral('# only')).to.equal(undefined);
  });
  it('never turns a dict literal with a prototype key into an object', () => {
    expect(iniValue("{'__proto__': 1}")).to.equal("{'__proto__': 1}");
  });
});
