import { expect } from 'chai';
import { closest, didYouMean, editDistance } from '../../engine/did-you-mean.js';

describe('did you mean', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('deplyo', 'deploy')).to.equal(1);
    expect(editDistance('nginxx', 'nginx')).to.equal(1);
    expect(editDistance('abc', 'xyz')).to.equal(3);
    expect(editDistance('', 'ab')).to.equal(2);
  });

  it('suggests the closest name within a third of its length, case aside', () => {
    expect(closest('wbe1', ['web1', 'db1', 'webservers'])).to.equal('web1');
    expect(closest('Command', ['command', 'copy'])).to.equal('command');
    expect(closest('x', ['y', 'xy'])).to.equal('y');
    expect(closest('restart', ['reload'])).to.equal(undefined);
    expect(didYouMean('zzzz', ['when'])).to.equal('');
    expect(didYouMean('whne', ['when', 'name'])).to.equal(' (did you mean "when"?)');
  });
});
