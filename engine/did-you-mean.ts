// "did you mean …?" for names a person typed: modules, keywords, parameters, handlers, hosts,
// groups, tasks. The closest known name by edit distance (a swap of two neighbouring letters
// counts as one edit), when it is close enough to be the likely intent.

/** optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // three rows are enough: the swap looks two rows back
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}

/** the known name closest to `typed`, if within a third of its length (at least 1, at most 3 edits) */
export function closest(typed: string, known: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  const t = typed.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (k === typed) continue;
    // names are short; a length gap larger than the limit cannot be close enough
    if (Math.abs(k.length - typed.length) > limit) continue;
    const d = editDistance(t, k.toLowerCase());
    if (d <= limit && d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or "" when nothing known is close */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const c = closest(typed, known);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}
