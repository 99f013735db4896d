import { expect } from 'chai';
import { InputError } from '../../../engine/errors.js';
import { connectionSpec, transportFor } from '../../../engine/transport/factory.js';

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

describe('connectionSpec (how a task reaches its host)', () => {
  it('a variable wins over its keyword; a command-line default loses to it (-u < remote_user < ansible_user)', () => {
    expect(connectionSpec('web1', {}, { remote_user: 'kw' }).vars.ansible_user).to.equal('kw');
    expect(connectionSpec('web1', { ansible_ssh_user: 'var' }, { remote_user: 'kw' }).vars).to.deep.equal({ ansible_ssh_user: 'var' });
    const cli = { ansible_user: 'cli', ansible_connection: 'ssh' };
    expect(connectionSpec('web1', { ...cli }, { remote_user: 'kw' }, cli).vars.ansible_user).to.equal('kw');
    expect(connectionSpec('web1', { ...cli }, {}, cli).vars.ansible_user).to.equal('cli');
    expect(connectionSpec('web1', { ...cli, ansible_user: 'inv' }, { remote_user: 'kw' }, cli).vars.ansible_user).to.equal('inv');
    expect(connectionSpec('web1', { ...cli }, { connection: 'local' }, cli).kind).to.equal('local');
    expect(connectionSpec('web1', { ansible_connection: 'ssh' }, { connection: 'local' }).kind).to.equal('ssh');
  });
  it('the same options give the same key; only connection variables count; every local connection of a host is one', () => {
    const a = connectionSpec('web1', { ansible_host: '10.0.0.1', unrelated: 1 });
    const b = connectionSpec('web1', { ansible_host: '10.0.0.1', unrelated: 2 });
    expect(a.key).to.equal(b.key);
    expect(connectionSpec('web1', { ansible_host: '10.0.0.2' }).key).to.not.equal(a.key);
    expect(connectionSpec('web1', { ansible_connection: 'local', ansible_user: 'x' }).key).to.equal(connectionSpec('web1', { ansible_connection: 'local' }).key);
  });
});
