import { expect } from 'chai';
import { mirrorFromSources } from '../../../engine/lab/mirror.js';

const SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

describe('lab mirror from apt sources', () => {
  it('takes the URIs of the stanza serving the release, ignoring comments', () => {
    expect(mirrorFromSources(SOURCES)).to.equal('http://mirror.example/debian');
  });
  it('does not take the security stanza for bookworm', () => {
    const swapped = SOURCES.split('\n\n').reverse().join('\n\n');
    expect(mirrorFromSources(swapped)).to.equal('http://mirror.example/debian');
  });
  it('falls back to the first URI, and gives undefined when there is none', () => {
    expect(mirrorFromSources('URIs: http://a/b http://c/d\nSuites: trixie\n')).to.equal('http://a/b');
    expect(mirrorFromSources('# URIs: http://commented/out\n')).to.equal(undefined);
  });
});
