// Equality of rendered task data (what YAML and templates make: strings, numbers, booleans,
// null, arrays, plain objects). Anything else compares unequal: a class instance may hide its
// state where a deep comparison does not look.
export function samePlainData(a: unknown, b: unknown): boolean {
  if (a === b) return a === null || typeof a !== 'object' || isPlain(a);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => samePlainData(x, b[i]));
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && samePlainData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function isPlain(o: object): boolean {
  if (Array.isArray(o)) return o.every((x) => x === null || typeof x !== 'object' || isPlain(x));
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(o).every((x) => x === null || typeof x !== 'object' || isPlain(x));
}
