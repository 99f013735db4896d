// Numeric command-line options take the whole argument as the number or refuse it (exit 5):
// parseInt took "abc" as NaN (no host ran) and "2x" as 2.
import { expect } from 'chai';
import { InvalidArgumentError } from 'commander';
import { wholeNumber, seconds } from '../../../engine/cli/numbers.js';

describe('cli numeric options', () => {
  it('whole numbers: digits only, within the range', () => {
    const forks = wholeNumber(1, 100);
    expect(forks('1')).to.equal(1);
    expect(forks(' 25 ')).to.equal(25);
    for (const bad of ['', ' ', 'abc', '0', '101', '2.5', '3x', '-1', '1e2', '0x10', 'Infinity']) {
      expect(() => forks(bad), JSON.stringify(bad)).to.throw(InvalidArgumentError, 'must be a whole number from 1 to 100');
    }
    // lab up --hosts: the lab has six hosts
    expect(() => wholeNumber(1, 6)('7')).to.throw(InvalidArgumentError, 'from 1 to 6');
  });

  it('seconds: fractions allowed, from 0 to the limit', () => {
    const grace = seconds(86_400);
    expect(grace('0')).to.equal(0);
    expect(grace('1.5')).to.equal(1.5);
    expect(grace('.5')).to.equal(0.5);
    for (const bad of ['', 'abc', '-1', '1e12', '86401', 'NaN', '1,5']) {
      expect(() => grace(bad), JSON.stringify(bad)).to.throw(InvalidArgumentError, 'must be a number of seconds from 0 to 86400');
    }
  });
});
