import { expect } from 'chai';
import { windowFor } from '../../../engine/runner/read-ahead/read-ahead.js';

describe('read-ahead window', () => {
  it('is the host\'s own window on a small play', () => {
    for (const own of [0, 1, 4, 16, 64]) expect(windowFor(own, 6)).to.equal(own);
  });
  it('is cut on a play with many hosts, to no fewer than 8 tasks', () => {
    expect(windowFor(64, 32)).to.equal(64);
    expect(windowFor(64, 200)).to.equal(10);
    expect(windowFor(64, 500)).to.equal(8);
    expect(windowFor(64, 5000)).to.equal(8);
  });
  it('stays 0 after a change, whatever the play', () => {
    expect(windowFor(0, 500)).to.equal(0);
  });
});
