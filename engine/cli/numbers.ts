// Numeric command-line options: the whole argument must be the number, or commander refuses it
// (exit 5) with the option, the argument and what it must be. parseInt would take "2x" as 2 and
// "abc" as NaN, and a NaN fork count runs no host at all.
import { InvalidArgumentError } from 'commander';

/** a whole number from min to max, written in decimal digits */
export function wholeNumber(min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** seconds, fractions allowed, from 0 to max */
export function seconds(max: number): (v: string) => number {
  return (v: string) => {
    const n = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0 || n > max) throw new InvalidArgumentError(`must be a number of seconds from 0 to ${max}`);
    return n;
  };
}

/** hosts worked on at once: at least 1; more than a host list's length changes nothing */
export const MAX_FORKS = 100_000;
/** a timer holds at most 2^31-1 ms; a day is far beyond any task's need to finish */
export const MAX_GRACE_SECONDS = 86_400;
