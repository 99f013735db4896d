// Variables whose values are templates ("{{ other }}") are rendered when first read, in the
// context of all the host's variables, as Ansible does lazily. A variable that cannot be
// rendered fails only the task that reads it.
import { TemplateError, type ErrorWhere } from '../errors.js';

export interface Renderer {
  renderDeep<T>(value: T, vars: Record<string, unknown>, where?: ErrorWhere): T;
}

const templatedKeys = new WeakMap<object, Set<string>>();

function hasTemplate(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('{{');
  if (depth > 50 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasTemplate(x, depth + 1));
  // A getter is a lazy value of another merge (hostvars, an earlier layer) that renders itself
  // when read: looking must not read it, or a value that only fails for another host
  // (hostvars.localhost.x) fails every task here.
  for (const k of Object.keys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d && 'value' in d && hasTemplate(d.value, depth + 1)) return true;
  }
  return false;
}

/** keys of a layer whose values hold templates, computed once per layer object */
function keysWithTemplates(layer: Record<string, unknown>): Set<string> {
  let keys = templatedKeys.get(layer);
  if (!keys) {
    keys = new Set(Object.keys(layer).filter((k) => hasTemplate(layer[k])));
    templatedKeys.set(layer, keys);
  }
  return keys;
}

/** A layer whose values are never templates (magic variables): not scanned for "{{". */
export function plainLayer<T extends Record<string, unknown>>(layer: T): T {
  templatedKeys.set(layer, new Set());
  return layer;
}

/**
 * Merge layers (lowest precedence first) into one object. Templated values become getters
 * that render on first access and then stay rendered.
 */
export function mergeVars(layers: Array<Record<string, unknown> | undefined>, renderer: Renderer, where?: ErrorWhere): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const k of Object.keys(layer)) merged[k] = layer[k];
  }
  // a templated key whose value is still this layer's own (no later layer set another) renders lazily;
  // no map of owners: this runs for every task on every host
  let lazy: Array<[string, unknown]> | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    for (const k of keysWithTemplates(layer)) if (merged[k] === layer[k]) (lazy ??= []).push([k, layer[k]]);
  }
  if (!lazy) return merged;
  const resolving = new Set<string>();
  for (const [k, raw] of lazy) {
    Object.defineProperty(merged, k, {
      enumerable: true,
      configurable: true,
      get() {
        if (resolving.has(k)) throw new TemplateError(`recursive loop in variable "${k}"`, where ?? {});
        resolving.add(k);
        try {
          const value = renderer.renderDeep(raw, merged, where);
          Object.defineProperty(merged, k, { value, enumerable: true, configurable: true, writable: true });
          return value;
        } catch (e) {
          if (e instanceof TemplateError && !e.message.includes(`variable "${k}"`)) {
            e.message = `in variable "${k}": ${e.message}`;
          }
          throw e;
        } finally {
          resolving.delete(k);
        }
      },
    });
  }
  return merged;
}

/**
 * `vars` with `extra` on top, without rendering any of them: the lazy getters are carried over as
 * they are (Object.assign or a spread would call every getter, so one variable that cannot render
 * for this host, such as a node's pod CIDR on an etcd-only host, would fail a task that never uses it).
 */
export function withVars(vars: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(vars));
  for (const k of Object.keys(extra)) Object.defineProperty(out, k, { value: extra[k], enumerable: true, configurable: true, writable: true });
  return out;
}
