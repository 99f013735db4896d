import { expect } from 'chai';
import { imageVersion, LAB_RECIPE, ROLE_PACKAGES, BASE_PACKAGES } from '../../../engine/lab/recipe.js';

describe('lab image version', () => {
  it('is 12 hex digits and stable', () => {
    expect(imageVersion()).to.match(/^[0-9a-f]{12}$/);
    expect(imageVersion()).to.equal(imageVersion({ ...LAB_RECIPE }));
  });
  it('ignores package order', () => {
    expect(imageVersion({ ...LAB_RECIPE, rolePackages: [...ROLE_PACKAGES].reverse() })).to.equal(imageVersion());
  });
  it('changes with the packages, the release or the revision', () => {
    const v = imageVersion();
    expect(imageVersion({ ...LAB_RECIPE, rolePackages: [...ROLE_PACKAGES, 'jq'] })).to.not.equal(v);
    expect(imageVersion({ ...LAB_RECIPE, basePackages: BASE_PACKAGES.slice(1) })).to.not.equal(v);
    expect(imageVersion({ ...LAB_RECIPE, release: 'trixie' })).to.not.equal(v);
    expect(imageVersion({ ...LAB_RECIPE, revision: LAB_RECIPE.revision + 1 })).to.not.equal(v);
  });
  it('lists what the roles need', () => {
    for (const p of ['etcd-server', 'haproxy', 'keepalived', 'containerd']) expect(ROLE_PACKAGES).to.include(p);
    for (const p of ['systemd', 'openssh-server', 'python3', 'sudo']) expect(BASE_PACKAGES).to.include(p);
  });
});
