/** Ansible's truthiness for keyword values: yes/no/true/false strings too. */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') return ['yes', 'true', 'on', '1', 'y'].includes(v.trim().toLowerCase());
  return !!v;
}
