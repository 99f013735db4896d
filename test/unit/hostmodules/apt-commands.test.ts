// The apt-get command line the apt module runs for a plan: the options that change what apt may do.
import { expect } from 'chai';
import { aptCommands } from '../../../engine/modules/builtin/apt.js';

describe('apt: the apt-get command for a plan', () => {
  const data = { update: false, install: ['etcd-server=3.5.16-1'], remove: [] };

  it('allow_change_held_packages passes --allow-change-held-packages; without it apt-get gets no such option', () => {
    expect(aptCommands({ name: 'etcd-server=3.5.16-1', allow_change_held_packages: true }, data).text).to.match(/^apt-get install .* --no-install-recommends --allow-change-held-packages etcd-server=3\.5\.16-1$/);
    expect(aptCommands({ name: 'etcd-server=3.5.16-1' }, data).text).to.not.contain('held');
    expect(aptCommands({ name: 'etcd-server=3.5.16-1', allow_downgrade: true, allow_change_held_packages: true }, data).text).to.contain(' --allow-downgrades --allow-change-held-packages ');
  });
});
