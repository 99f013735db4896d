// Questions asked on the terminal, as ansible-playbook asks them: a password (-k, -K,
// --ask-vault-pass) with echo off, a --step answer with echo on. Only on a terminal: a run whose
// input is a pipe or a file has nobody to answer, and says what to use instead.
import { InterruptedError, UsageError } from '../errors.js';

export interface Answerer {
  /** asks on stderr, reads one line from stdin; `echo: false` shows nothing of what is typed */
  ask(question: string, o: { echo: boolean }): Promise<string>;
}

/** refuses before anything runs when nobody can answer `what` */
export function needTerminal(what: string, instead: string): void {
  if (!process.stdin.isTTY) throw new UsageError(`${what} asks on the terminal, and the input is not a terminal; ${instead}`);
}

export const terminalAnswerer: Answerer = {
  ask(question, o) {
    const input = process.stdin;
    const out = process.stderr;
    out.write(question);
    return new Promise<string>((resolve, reject) => {
      let line = '';
      const wasRaw = input.isRaw;
      // raw: nothing typed is echoed by the terminal; this shows it or not
      input.setRawMode(true);
      input.setEncoding('utf8');
      const finish = () => {
        input.removeListener('data', onData);
        input.setRawMode(wasRaw);
        input.pause();
        out.write('\n');
      };
      const onData = (chunk: string) => {
        for (const c of chunk) {
          if (c === '\r' || c === '\n') {
            finish();
            resolve(line);
            return;
          }
          if (c === '\u0003' || (c === '\u0004' && line === '')) {
            // Ctrl-C / Ctrl-D: raw mode sends no signal; the question is not answered
            finish();
            reject(new InterruptedError(c === '\u0003' ? 'interrupted at a question' : 'no answer (end of input)'));
            return;
          }
          if (c === '\u007f' || c === '\b') {
            if (line) {
              line = [...line].slice(0, -1).join('');
              if (o.echo) out.write('\b \b');
            }
            continue;
          }
          if (c < ' ') continue;
          line += c;
          if (o.echo) out.write(c);
        }
      };
      input.on('data', onData);
      input.resume();
    });
  },
};
