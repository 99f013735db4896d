// @peculiar/x509 depends on tsyringe, which refuses to load without the Reflect metadata API
// (the `reflect-metadata` polyfill). It only calls defineMetadata/getMetadata/getOwnMetadata, so a
// tiny WeakMap-backed version stands in; a real polyfill, when present, is left alone.
type Key = unknown;
type Target = object;

interface ReflectMetadata {
  defineMetadata(key: Key, value: unknown, target: Target, property?: string | symbol): void;
  getOwnMetadata(key: Key, target: Target, property?: string | symbol): unknown;
  getMetadata(key: Key, target: Target, property?: string | symbol): unknown;
}

const R = Reflect as unknown as Partial<ReflectMetadata>;

if (typeof R.getMetadata !== 'function') {
  const store = new WeakMap<Target, Map<string, unknown>>();
  const slot = (key: Key, property?: string | symbol) => `${String(property ?? '')}\0${String(key)}`;
  R.defineMetadata = (key, value, target, property) => {
    let m = store.get(target);
    if (!m) store.set(target, (m = new Map()));
    m.set(slot(key, property), value);
  };
  R.getOwnMetadata = (key, target, property) => store.get(target)?.get(slot(key, property));
  R.getMetadata = (key, target, property) => {
    for (let o: Target | null = target; o; o = Object.getPrototypeOf(o) as Target | null) {
      const v = R.getOwnMetadata!(key, o, property);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

export {};
