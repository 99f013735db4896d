// Ansible's tag selection: --tags / --skip-tags with the special tags always, never, tagged, untagged, all.

export function selectedByTags(taskTags: string[], tags: string[] | undefined, skipTags: string[] | undefined): boolean {
  const want = tags && tags.length ? tags : ['all'];
  const skip = skipTags ?? [];
  const has = (t: string) => taskTags.includes(t);
  if (skip.some((t) => has(t) || (t === 'tagged' && taskTags.length > 0) || (t === 'untagged' && taskTags.length === 0) || t === 'all')) return false;
  if (has('always') && !skip.includes('always')) return true;
  const named = want.some((t) => has(t));
  if (has('never')) return named;
  if (named) return true;
  if (want.includes('all')) return true;
  if (want.includes('tagged') && taskTags.length > 0) return true;
  if (want.includes('untagged') && taskTags.length === 0) return true;
  return false;
}
