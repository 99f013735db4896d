// The programs the lab's setup runs (and every other program tsplay starts) do not inherit the
// vault password from tsplay's environment.
import { expect } from 'chai';
import { run } from '../../../engine/lab/run.js';
import { LocalTransport } from '../../../engine/transport/local.js';
import { sh } from '../../../engine/transport/quote.js';

describe('programs tsplay starts: no vault password in their environment', () => {
  const saved = { pw: process.env.TSPLAY_VAULT_PASSWORD, file: process.env.TSPLAY_VAULT_PASSWORD_FILE };
  beforeEach(() => {
    process.env.TSPLAY_VAULT_PASSWORD = 'vault-pw-in-env';
    process.env.TSPLAY_VAULT_PASSWORD_FILE = '/some/vault-pw-file';
  });
  afterEach(() => {
    for (const [k, v] of [
      ['TSPLAY_VAULT_PASSWORD', saved.pw],
      ['TSPLAY_VAULT_PASSWORD_FILE', saved.file],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("the lab's commands (run), with the environment they ask for", async () => {
    const r = await run(['env'], { env: { LAB_EXTRA: 'kept' } });
    expect(r.stdout).to.match(/^LAB_EXTRA=kept$/m).and.match(/^PATH=/m);
    expect(r.stdout).to.not.match(/TSPLAY_VAULT_PASSWORD|vault-pw/);
  });

  it('a local command (ansible_connection: local, delegate_to: localhost)', async () => {
    const r = await new LocalTransport().exec(sh`env`);
    expect(r.stdout).to.match(/^PATH=/m);
    expect(r.stdout).to.not.match(/TSPLAY_VAULT_PASSWORD|vault-pw/);
  });
});
