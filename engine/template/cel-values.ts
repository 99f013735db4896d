// cel-js reads JS numbers as CEL doubles, so `result.rc + 1` fails (no double + int overload)
// and `x % 2` fails. Facts and YAML give JS numbers; CEL users expect ints.
// This view shows safe integers as BigInt (CEL int) lazily: only the values an expression
// touches are converted, nothing is copied, and the caller's objects are never changed.
// Only own properties are visible, so `__proto__`/`constructor` never reach a prototype.

const views = new WeakMap<object, object>();

function convert(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof v === 'object' && v !== null) return view(v);
  return v;
}

function isIndex(key: string | symbol): boolean {
  return typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key);
}

function view(obj: object): object {
  // Only plain maps and lists are wrapped: Map, Set, Date, Uint8Array keep their identity.
  const proto = Object.getPrototypeOf(obj);
  const isArray = Array.isArray(obj);
  if (!isArray && proto !== Object.prototype && proto !== null) return obj;
  if (!isArray && Object.prototype.hasOwnProperty.call(obj, 'constructor')) {
    // cel-js tells maps from lists by `.constructor`; a map with that key is shown as a Map
    // (built on each access, so it never goes stale; such maps are rare).
    return new Map(Object.entries(obj).map(([k, x]) => [k, convert(x)]));
  }
  let v = views.get(obj);
  if (!v) {
    // A proxy of a frozen object must return its properties unchanged (a Proxy invariant), so
    // a frozen value (shared inventory data such as `groups`) is viewed through a shallow copy.
    const target: object = Object.isFrozen(obj) ? (isArray ? [...(obj as unknown[])] : Object.assign(Object.create(proto), obj)) : obj;
    v = new Proxy(target, {
      get(target, key, receiver) {
        if (key === 'constructor') return isArray ? Array : proto === null ? undefined : Object;
        if (isArray ? isIndex(key) : typeof key === 'string' && Object.prototype.hasOwnProperty.call(target, key)) {
          return convert(Reflect.get(target, key));
        }
        if (!isArray && typeof key === 'string') return undefined; // no prototype keys
        return Reflect.get(target, key, receiver);
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    views.set(obj, v);
  }
  return v;
}

const roots = new WeakMap<object, Record<string, unknown>>();

/** The variables as CEL sees them: own keys only (a variable named `constructor` is just undefined), and `vars`. */
export function celContext(vars: Record<string, unknown>): Record<string, unknown> {
  let root = roots.get(vars);
  if (!root) {
    root = new Proxy(vars, {
      get: (target, key) => {
        if (typeof key !== 'string') return undefined;
        if (Object.prototype.hasOwnProperty.call(target, key)) return convert(target[key]);
        // Ansible's `vars`: every variable as one map, so `has(vars.x)` asks whether x is defined
        // (CEL's has() needs a field of a map; a bare unknown name is an error)
        return key === 'vars' ? view(target) : undefined;
      },
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    roots.set(vars, root);
  }
  return root;
}
