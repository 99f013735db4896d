// The `order` play keyword: the order in which a play's hosts are taken (serial batches, the
// first host of run_once, the order results come in with few forks).

export type HostOrder = 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';

/** `names` (in inventory order) in the play's order; `random` in [0, 1) for shuffle */
export function orderHosts(names: readonly string[], order: unknown, random: () => number = Math.random): string[] {
  const out = [...names];
  switch (order as HostOrder | undefined) {
    case undefined:
    case 'inventory':
      return out;
    case 'reverse_inventory':
      return out.reverse();
    // by code point, as Python's sorted() that Ansible uses (not by locale)
    case 'sorted':
      return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    case 'reverse_sorted':
      return out.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    case 'shuffle':
      // Fisher-Yates
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    default:
      // the loader's schema allows no other value
      throw new Error(`unknown host order ${String(order)}`);
  }
}
