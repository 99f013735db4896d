import { expect } from 'chai';
import { imageVersion, repoVersion, LAB_RECIPE, ROLE_PACKAGES, BASE_PACKAGES } from '../../../engine/lab/recipe.js';

describe('lab image version', () => {
  it('is 12 hex digits and stable', () => {
    expect(imageVersion()).to.match(/^[0-9a-f]{12}$/);
    expect(imageVersion()).to.equal(imageVersion({ ...LAB_RECIPE }));
  });
  it('ignores package order', () => {
    expect(imageVersion({ ...LAB_RECIPE, basePackages: [...BASE_PACKAGES].reverse() })).to.equal(imageVersion());
  });
  it('changes with the packages, the release or the revision', () => {
    const v = imageVersion();
    expect(imageVersion({ ...LAB_RECIPE, basePackages: [...BASE_PACKAGES, 'jq'] })).to.not.equal(v);
    expect(imageVersion({ ...LAB_RECIPE, basePackages: BASE_PACKAGES.slice(1) })).to.not.equal(v);
    expect(imageVersion({ ...LAB_RECIPE, release: 'trixie' })).to.not.equal(v);
    expect(imageVersion({ ...LAB_RECIPE, revision: LAB_RECIPE.revision + 1 })).to.not.equal(v);
  });
  it('the image has what a booted host needs and none of the role packages', () => {
    for (const p of ['systemd', 'openssh-server', 'python3', 'sudo']) expect(BASE_PACKAGES).to.include(p);
    for (const p of ROLE_PACKAGES) expect(BASE_PACKAGES as readonly string[]).to.not.include(p);
  });
});

describe('lab repository version', () => {
  const image = '/var/lib/tsplay-lab/base-0123456789ab';
  it('lists what the roles install', () => {
    for (const p of ['etcd-server', 'etcd-client', 'haproxy', 'keepalived', 'containerd', 'runc', 'containernetworking-plugins', 'curl', 'kubernetes-client', 'systemd-timesyncd']) {
      expect(ROLE_PACKAGES).to.include(p);
    }
  });
  it('is rebuilt when the package list or the image changes, not when the order does', () => {
    const v = repoVersion(image);
    expect(v).to.match(/^[0-9a-f]{12}$/);
    expect(repoVersion(image, [...ROLE_PACKAGES].reverse())).to.equal(v);
    expect(repoVersion(image, [...ROLE_PACKAGES, 'jq'])).to.not.equal(v);
    expect(repoVersion('/var/lib/tsplay-lab/base-ba9876543210')).to.not.equal(v);
  });
});
