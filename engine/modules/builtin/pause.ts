// ansible.builtin.pause: wait a while (seconds/minutes), or ask on the terminal and wait for an
// answer (prompt, or neither seconds nor minutes: "press enter"). The wait happens on the
// controller and changes nothing. Without a terminal nobody can answer: a prompt fails at once.
import type { Module, Plan, TaskResult } from '../types.js';
import { terminalAnswerer } from '../../cli/prompt.js';
import { sh } from '../../transport/quote.js';

export interface PauseParams {
  seconds?: number;
  minutes?: number;
  prompt?: string;
  echo?: boolean;
}

type PauseCurrent = { terminal: boolean };

// hosts that reach one prompt together get one question and share its answer, as Ansible asks
// once for the play's hosts
const asking = new Map<string, Promise<string>>();

function ask(question: string, echo: boolean): Promise<string> {
  const key = `${echo}\0${question}`;
  let answer = asking.get(key);
  if (!answer) {
    answer = terminalAnswerer.ask(question, { echo }).finally(() => asking.delete(key));
    asking.set(key, answer);
  }
  return answer;
}

function waitMs(p: PauseParams): number | undefined {
  if (p.seconds !== undefined) return p.seconds * 1000;
  if (p.minutes !== undefined) return p.minutes * 60_000;
  return undefined;
}

export const pauseModule: Module<PauseParams, PauseCurrent> = {
  name: 'pause',
  schema: {
    type: 'object',
    description: 'Wait for a time, or for a person to press Enter (or answer a prompt).',
    additionalProperties: false,
    properties: {
      seconds: { type: 'number', minimum: 0, description: 'How long to wait, in seconds.' },
      minutes: { type: 'number', minimum: 0, description: 'How long to wait, in minutes.' },
      prompt: { type: 'string', description: 'A question asked on the terminal; the answer is user_input. Without seconds/minutes the run waits for it.' },
      echo: { type: 'boolean', default: true, description: 'Show what is typed at the prompt.' },
    },
  },

  async read() {
    return { terminal: !!process.stdin.isTTY };
  },

  diff(p, cur): Plan {
    if (p.seconds !== undefined && p.minutes !== undefined) return { kind: 'fail', msg: 'parameters are mutually exclusive: minutes|seconds' };
    const ms = waitMs(p);
    if (ms === undefined && !cur.terminal) {
      return {
        kind: 'fail',
        msg: `pause: ${p.prompt !== undefined ? 'prompt' : 'a pause without seconds or minutes'} asks on the terminal, and the input is not a terminal; give seconds or minutes instead`,
      };
    }
    // waiting changes nothing; check mode has nothing to predict and skips it
    const what = ms === undefined ? `wait for an answer to: ${p.prompt ?? 'Press enter to continue'}` : `pause for ${ms / 1000} seconds`;
    return { kind: 'change', unknowable: true, summary: what };
  },

  async apply(ctx, p): Promise<TaskResult> {
    const ms = waitMs(p);
    const start = new Date();
    let userInput = '';
    if (ms === undefined) {
      userInput = await ask(`[pause]\n${p.prompt ?? 'Press enter to continue, Ctrl+C to interrupt'}:\n`, p.echo ?? true);
    } else {
      // a sleep on the controller, not a timer: Ctrl+C (the run's stop signal) ends it at once
      // whole milliseconds, so the seconds are written as given (300.123, not 300.12300000000002)
      const r = await ctx.controller.exec(sh`sleep ${String(Math.round(ms) / 1000)}`);
      if (r.exitCode !== 0) return { changed: false, failed: true, rc: r.exitCode, msg: `pause: sleep failed: ${r.stderr.trim()}` };
    }
    const stop = new Date();
    const delta = Math.round((stop.getTime() - start.getTime()) / 1000);
    return {
      changed: false,
      start: start.toISOString(),
      stop: stop.toISOString(),
      delta,
      echo: p.echo ?? true,
      user_input: userInput,
      stdout: ms === undefined ? 'Paused' : `Paused for ${ms / 1000} seconds`,
    };
  },
};
