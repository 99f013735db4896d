import { expect } from 'chai';
import { InputError } from '../../../engine/errors.js';
import { transportFor } from '../../../engine/transport/factory.js';

describe('transportFor', () => {
  const ctx = { home: '/nonexistent', env: {}, currentUser: 'me' };
  it('chooses local for ansible_connection=local and for implicit localhost', () => {
    expect(transportFor('web1', { ansible_connection: 'local' }, ctx).kind).to.equal('local');
    expect(transportFor('localhost', {}, ctx).kind).to.equal('local');
    expect(transportFor('127.0.0.1', {}, ctx).kind).to.equal('local');
  });
  it('chooses ssh otherwise, including an explicit ssh localhost', () => {
    expect(transportFor('web1', {}, ctx).kind).to.equal('ssh');
    expect(transportFor('localhost', { ansible_connection: 'ssh' }, ctx).kind).to.equal('ssh');
    expect(transportFor('web1', { ansible_connection: 'ssh', ansible_port: 2222 }, ctx).host).to.equal('web1');
  });
  it('refuses an unknown connection type', () => {
    expect(() => transportFor('web1', { ansible_connection: 'winrm' }, ctx)).to.throw(InputError, /ansible_connection for host web1 is "winrm"/);
  });
});
