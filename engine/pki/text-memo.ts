// A bounded memo for pure functions of a PEM text. A run parses the same CA certificate and key
// once per task and item that signs with them (hundreds of times on a cluster), and parsing with
// asn1js costs far more than a lookup. The result depends only on the text, so keeping it is
// safe; the bound keeps a long-running program's memory flat.
export function memoByText<T>(fn: (text: string) => T, max = 256): (text: string) => T {
  const memo = new Map<string, T>();
  return (text: string) => {
    if (memo.has(text)) return memo.get(text)!;
    const v = fn(text);
    if (memo.size >= max) memo.delete(memo.keys().next().value!);
    memo.set(text, v);
    return v;
  };
}
