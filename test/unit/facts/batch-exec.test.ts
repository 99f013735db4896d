// Real: reads batched into one exec of /bin/sh on this machine (LocalTransport), each result the
// same bytes, stderr and exit code as when the command runs alone.
import { expect } from 'chai';
import { LocalTransport } from '../../../engine/transport/local.js';
import { BatchExec, batchScript, splitBatchOutput } from '../../../engine/facts/batch-exec.js';
import { sh, ShellCommand } from '../../../engine/transport/quote.js';
import type { ExecResult, Transport } from '../../../engine/transport/types.js';

/** LocalTransport that counts its execs */
class Counting extends LocalTransport {
  execs = 0;
  override exec(...a: Parameters<LocalTransport['exec']>): Promise<ExecResult> {
    this.execs++;
    return super.exec(...a);
  }
}

const COMMANDS: ShellCommand[] = [
  sh`printf 'no final newline'`,
  new ShellCommand("printf 'two\\nlines\\n'"),
  new ShellCommand("printf '\\n\\n'"),
  sh`true`,
  sh`echo to stderr >&2; exit 3`,
  new ShellCommand("printf '\\377\\376\\000binary'"),
  sh`exit 7`,
  new ShellCommand('echo "${UNSET:-x}" # a trailing comment'),
  sh`printf '%s\n' 'looks like a boundary: tsplay-batch-0 0'`,
  sh`cat`, // stdin is /dev/null in a batch: it ends at once
  sh`p=first; echo "$p"`,
  sh`echo "\${p:-unset in this subshell}"`,
];

describe('BatchExec: reads asked for together share one exec', () => {
  it('gives every command the result it gets alone, in one exec', async () => {
    const t = new Counting();
    const alone: ExecResult[] = [];
    for (const c of COMMANDS) alone.push(await t.exec(c, { stdin: '' }));
    t.execs = 0;
    const batch = new BatchExec(t);
    const together = await Promise.all(COMMANDS.map((c) => batch.exec(c, undefined)));
    expect(t.execs).to.equal(1);
    expect(batch.stats).to.deep.equal({ execs: 1, commands: COMMANDS.length });
    together.forEach((r, i) => {
      const a = alone[i];
      const what = COMMANDS[i].text;
      expect(r.exitCode, what).to.equal(a.exitCode);
      expect(r.stdoutBytes.equals(a.stdoutBytes), `${what}: ${JSON.stringify(r.stdout)}`).to.equal(true);
      expect(r.stdout, what).to.equal(a.stdout);
      expect(r.stderr, what).to.equal(a.stderr);
    });
  });

  it('asks made in different turns of the event loop go separately', async () => {
    const t = new Counting();
    const batch = new BatchExec(t);
    const a = await batch.exec(sh`echo a`);
    const b = await batch.exec(sh`echo b`);
    expect([a.stdout, b.stdout]).to.deep.equal(['a\n', 'b\n']);
    expect(t.execs).to.equal(2);
  });

  it('splits a big batch into scripts that fit one argument', async () => {
    const t = new Counting();
    const batch = new BatchExec(t);
    const long = 'y'.repeat(20_000);
    const cmds = Array.from({ length: 10 }, (_, i) => sh`printf '%s %s' ${String(i)} ${long}`);
    const rs = await Promise.all(cmds.map((c) => batch.exec(c)));
    rs.forEach((r, i) => expect(r.stdout).to.equal(`${i} ${long}`));
    expect(t.execs).to.be.greaterThan(1);
    expect(t.execs).to.be.lessThan(10);
  });

  it('runs each command alone when the batch does not finish (here one kills the batch shell)', async () => {
    const t = new Counting();
    const batch = new BatchExec(t);
    // in a subshell $$ is still the batch shell: killing it ends the batch half way
    const rs = await Promise.all([batch.exec(sh`echo before`), batch.exec(new ShellCommand('kill -9 $$')), batch.exec(sh`echo after`)]);
    expect(rs.map((r) => r.stdout)).to.deep.equal(['before\n', '', 'after\n']);
    expect(rs[1].exitCode).to.equal(137);
    expect(t.execs).to.equal(4);
  });

  it('passes a broken connection on to every read of the batch', async () => {
    const broken: Transport = {
      host: 'h',
      kind: 'test',
      connect: async () => undefined,
      exec: async () => {
        throw new Error('connection lost');
      },
      put: async () => undefined,
      get: async () => null,
      close: async () => undefined,
    };
    const batch = new BatchExec(broken);
    const rs = await Promise.allSettled([batch.exec(sh`true`), batch.exec(sh`true`)]);
    expect(rs.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });

  it('rejects output that does not hold every result', () => {
    const script = batchScript([sh`true`, sh`true`], 'B0');
    expect(script.text).to.include('B=B0');
    const one = Buffer.from('\nB0 0\n');
    const r = (out: Buffer, err: string, exitCode = 0): ExecResult => ({ exitCode, stdout: out.toString(), stdoutBytes: out, stderr: err });
    expect(splitBatchOutput(r(one, '\nB0\n'), 'B0', 2)).to.equal(undefined);
    expect(splitBatchOutput(r(Buffer.concat([one, one]), '\nB0\n\nB0\n'), 'B0', 2)).to.have.length(2);
    expect(splitBatchOutput(r(Buffer.concat([one, one]), '\nB0\n\nB0\n', 1), 'B0', 2)).to.equal(undefined);
    expect(splitBatchOutput(r(Buffer.concat([one, one, Buffer.from('extra')]), '\nB0\n\nB0\n'), 'B0', 2)).to.equal(undefined);
  });
});
