// One command on one channel of an open SSH connection.
//
// Stopping a command (timeout, abort): closing its channel is not enough, sshd keeps the command
// running, and it refuses the SSH "signal" request for root logins (no privilege separation there).
// So the command line first prints a marker line with its pid ($$, which sshd made a session and
// process-group leader) and then execs the real command; to stop it we kill that process group over
// a second channel. Anything a noisy login script prints before the marker is dropped.
import { constants as osConstants } from 'node:os';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import { sh } from './quote.js';
import type { ExecOptions, ExecResult } from './types.js';

export type ChannelOutcome =
  | { kind: 'done'; result: ExecResult }
  | { kind: 'aborted' }
  /** closed with no exit status: the connection went away under the command */
  | { kind: 'lost' }
  | { kind: 'open-failed'; error: Error };

const STOP_GRACE_MS = 4000; // the kill above takes up to ~2 s
const MARKER = 'tsplay-pid:';
const MARKER_RE = /(?:^|\n)tsplay-pid:(\d+)\n/;
const MAX_HEAD = 64 * 1024;

/** Resolves when the kill command has run (its channel closed), or at once when it cannot be started. */
function killGroup(client: SshClient, pid: number): Promise<void> {
  if (!Number.isInteger(pid) || pid <= 1) return Promise.resolve(); // a login script printed something else first
  // TERM first: an upload's shell then removes its temp file (KILL cannot be trapped); KILL
  // whatever is left after 2 s
  const g = '-' + pid;
  const p = String(pid);
  const cmd = sh`kill -TERM -- ${g} ${p} 2>/dev/null; i=0; while kill -0 ${p} 2>/dev/null && [ $i -lt 10 ]; do sleep 0.2; i=$((i+1)); done; kill -KILL -- ${g} ${p} 2>/dev/null; true`;
  return new Promise((resolve) => {
    try {
      client.exec(cmd.text, (err, ch) => {
        if (err) return resolve();
        ch.on('error', () => {});
        ch.on('close', () => resolve());
        ch.resume();
        ch.stderr.resume();
        ch.end();
      });
    } catch {
      resolve(); // connection already gone: nothing left to stop
    }
  });
}

export function runOnChannel(client: SshClient, line: string, stdin: Buffer | undefined, opts: ExecOptions): Promise<ChannelOutcome> {
  return new Promise((resolve) => {
    client.exec(`echo ${MARKER}$$; exec ${line}`, (err, ch: ClientChannel) => {
      if (err) return resolve({ kind: 'open-failed', error: err });
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let head: Buffer | undefined = Buffer.alloc(0); // stdout until the marker line has been seen
      let pid: number | undefined;
      let exitCode: number | undefined;
      let stopped: 'timeout' | 'abort' | undefined;
      let finished = false;
      let grace: NodeJS.Timeout | undefined;
      // a stopped command is reported only once its kill has run on the host: when an interrupted
      // run has ended, nothing it started there is still running
      let killing: Promise<void> | undefined;

      const finish = () => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        if (grace) clearTimeout(grace);
        opts.signal?.removeEventListener('abort', onAbort);
        if (stopped === 'abort') return resolve({ kind: 'aborted' });
        if (exitCode === undefined && stopped !== 'timeout') return resolve({ kind: 'lost' });
        if (head?.length) out.unshift(head); // the command ended before the marker line was complete
        const stdoutBytes = Buffer.concat(out);
        let stderr = Buffer.concat(errOut).toString('utf8');
        if (stopped === 'timeout') stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}timed out after ${opts.timeoutMs} ms\n`;
        resolve({
          kind: 'done',
          result: { exitCode: stopped === 'timeout' ? 128 + 9 : exitCode!, stdout: stdoutBytes.toString('utf8'), stderr, stdoutBytes },
        });
      };
      const stop = (why: 'timeout' | 'abort') => {
        if (stopped || finished) return;
        stopped = why;
        if (pid !== undefined) killing = killGroup(client, pid);
        ch.close();
        grace = setTimeout(finish, STOP_GRACE_MS); // do not hang on a command that could not be killed
      };
      const timer = opts.timeoutMs ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
      const onAbort = () => stop('abort');
      if (opts.signal?.aborted) queueMicrotask(onAbort);
      else opts.signal?.addEventListener('abort', onAbort, { once: true });

      ch.on('data', (d: Buffer) => {
        if (!head) return void out.push(d);
        head = Buffer.concat([head, d]);
        const m = MARKER_RE.exec(head.toString('latin1'));
        if (!m && head.length < MAX_HEAD) return;
        // No marker within 64 KiB: not our prelude's output after all, keep everything as output.
        const rest = m ? head.subarray(m.index + m[0].length) : head;
        head = undefined;
        if (rest.length) out.push(rest);
        if (m) {
          pid = Number(m[1]);
          if (stopped) killing = killGroup(client, pid); // stopped before the pid was known
        }
      });
      ch.stderr.on('data', (d: Buffer) => errOut.push(d));
      ch.on('exit', (code: number | null, signal?: string) => {
        if (typeof code === 'number') exitCode = code;
        else if (signal) exitCode = 128 + ((osConstants.signals as Record<string, number>)[`SIG${signal}`] ?? 0);
      });
      ch.on('error', () => {}); // write-after-close when the command exits before reading stdin
      ch.on('close', () => (killing ? void killing.then(finish) : finish()));
      ch.end(stdin ?? undefined);
    });
  });
}
