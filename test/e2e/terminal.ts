// A real terminal for the CLI: tmux with a server of its own (its socket in the test's directory),
// a session per run, what the screen shows captured when the run is over.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI } from './run-tsplay.js';

const run = promisify(execFile);

export interface Screen {
  /** `capture-pane -p`: the screen and its history, one screen row per line */
  rows: string;
  /** `capture-pane -J`: rows a long line wrapped onto joined back into that line */
  joined: string;
  /** `capture-pane -e -J`: the same with the colours (SGR sequences) */
  coloured: string;
  title: string;
  code: number;
}

/** a tmux server of its own (own socket, own config with a long history), a session per run */
export class Terminal {
  private n = 0;
  constructor(private dir: string) {}

  private tmux(...args: string[]) {
    // the socket lives in the test's directory: removed with it, never the user's tmux
    return run('tmux', ['-S', join(this.dir, 'tmux.sock'), '-f', join(this.dir, 'tmux.conf'), ...args], { maxBuffer: 64 << 20 });
  }

  async start(): Promise<void> {
    // the server stays up between sessions (a new session must not race a server on its way out)
    await writeFile(join(this.dir, 'tmux.conf'), 'set -g history-limit 100000\nset -g exit-empty off\n');
    await this.tmux('start-server');
  }

  async stop(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }

  /** runs `tsplay ARGS` in a fresh cols×rows terminal until it exits; `keys` are typed after `keysAfterMs` */
  async tsplay(
    args: string[],
    o: { cols: number; rows: number; env?: Record<string, string>; keys?: string[]; keysAfterMs?: number; answers?: { after: string | RegExp; keys: string[] }[] },
  ): Promise<Screen> {
    const session = `s${++this.n}`;
    const done = join(this.dir, `exit-${session}`);
    const env = Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
    // CI=true selects the plain view, NO_COLOR turns colour off: only what the test asks for
    const cmd = `env -u CI -u NO_COLOR ${env} ${shq(process.execPath)} ${shq(CLI)} ${args.map(shq).join(' ')}; echo $? > ${shq(done)}; sleep 600`;
    await this.tmux('new-session', '-d', '-s', session, '-x', String(o.cols), '-y', String(o.rows), cmd);
    if (o.keys) {
      await sleep(o.keysAfterMs ?? 0);
      await this.tmux('send-keys', '-t', session, ...o.keys);
    }
    // questions answered as a person would: each once it is on screen (the n-th time a question
    // repeats, once it shows the n-th time)
    const seen = new Map<string, number>();
    for (const a of o.answers ?? []) {
      const count = (screen: string) => screen.split('\n').filter((l) => (typeof a.after === 'string' ? l.includes(a.after) : a.after.test(l))).length;
      const before = seen.get(String(a.after)) ?? 0;
      for (let i = 0; i < 300; i++) {
        const n = count((await this.tmux('capture-pane', '-t', session, '-p', '-J', '-S', '-')).stdout);
        if (n > before) break;
        await sleep(100);
      }
      seen.set(String(a.after), before + 1);
      await this.tmux('send-keys', '-t', session, ...a.keys);
    }
    let code = '';
    for (let i = 0; i < 600 && !code; i++) {
      await sleep(100);
      code = (await readFile(done, 'utf8').catch(() => '')).trim();
    }
    const capture = async (...flags: string[]) => (await this.tmux('capture-pane', '-t', session, '-p', '-S', '-', ...flags)).stdout;
    const screen = {
      rows: await capture(),
      joined: await capture('-J'),
      coloured: await capture('-e', '-J'),
      title: (await this.tmux('display-message', '-p', '-t', session, '#{pane_title}')).stdout.trim(),
      code: code === '' ? -1 : Number(code),
    };
    await this.tmux('kill-session', '-t', session).catch(() => undefined);
    return screen;
  }
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
