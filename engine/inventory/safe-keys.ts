// Keys that would reach Object.prototype through a plain object. Inventories come from
// people and scripts, so these are refused wherever a key is read (vars, host and group names).
import { InputError, type SourcePos } from '../errors.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN.has(key);
}

/** Throws an InputError naming the key and where it was written. */
export function assertSafeKey(key: string, where: SourcePos | (() => SourcePos), what = 'key'): void {
  if (FORBIDDEN.has(key)) {
    throw new InputError(`${what} "${key}" is not allowed (it would reach the object prototype)`, typeof where === 'function' ? where() : where);
  }
}

/** An empty dictionary without a prototype: no key can collide with Object.prototype. */
export function newDict<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
