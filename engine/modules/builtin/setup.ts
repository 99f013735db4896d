// ansible.builtin.setup: the host's facts gathered on demand (the same one-round-trip read as a
// play's gather_facts), narrowed by gather_subset and filter as Ansible narrows them. The result's
// ansible_facts carry Ansible's `ansible_` prefix; the runner stores them as the host's facts
// (ansible_facts.X and ansible_X), replacing what an earlier gathering said about the same keys.
// Read-only, so it runs in check mode too.
import type { Module, Plan } from '../types.js';
import { gatherFacts, type GatheredFacts } from '../../facts/gather.js';
import { globToRegex } from '../../inventory/pattern-parse.js';

export interface SetupParams {
  gather_subset?: string | string[];
  filter?: string | string[];
}

/** the subsets tsplay's one gathering command covers; everything it gathers that is not below is `min` */
const SUBSETS = ['all', 'min', 'hardware', 'network'] as const;
type Subset = (typeof SUBSETS)[number];

const HARDWARE = /^(processor_\w+|mem\w*_mb|swap\w*_mb|uptime_seconds)$/;
const NETWORK = new Set(['interfaces', 'all_ipv4_addresses', 'all_ipv6_addresses', 'default_ipv4']);

function subsetOf(key: string, facts: GatheredFacts): Exclude<Subset, 'all'> {
  if (HARDWARE.test(key)) return 'hardware';
  if (NETWORK.has(key)) return 'network';
  // one key per interface, named as in `interfaces` (ansible_eth0)
  if (Array.isArray(facts.interfaces) && facts.interfaces.some((i) => String(i).replace(/[^A-Za-z0-9_]/g, '_') === key)) return 'network';
  return 'min';
}

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : v.split(',').map((s) => s.trim());
}

export class SubsetError extends Error {}

/** Ansible's gather_subset: names add, !names remove, min is always in; the subsets kept */
export function selectSubsets(spec: string[]): Set<Exclude<Subset, 'all'>> {
  const add = new Set<string>();
  const remove = new Set<string>();
  for (const raw of spec.length ? spec : ['all']) {
    const neg = raw.startsWith('!');
    const name = neg ? raw.slice(1) : raw;
    if (!(SUBSETS as readonly string[]).includes(name)) {
      throw new SubsetError(`gather_subset ${raw}: tsplay gathers the subsets ${SUBSETS.join(', ')} (each with ! to leave it out); ${name} is not among the facts it reads`);
    }
    (neg ? remove : add).add(name);
  }
  const out = new Set<Exclude<Subset, 'all'>>(['min']);
  const expand = (n: string): Array<Exclude<Subset, 'all'>> => (n === 'all' ? ['hardware', 'network'] : n === 'min' ? [] : [n as Exclude<Subset, 'all'>]);
  // only negations: everything but them (Ansible: "!hardware" alone still gathers the rest)
  if (!add.size) add.add('all');
  for (const n of add) for (const s of expand(n)) out.add(s);
  for (const n of remove) for (const s of expand(n)) out.delete(s);
  return out;
}

/** Ansible's filter: fnmatch on the prefixed names, a pattern without the prefix also tried with it */
export function filterFacts(prefixed: Record<string, unknown>, patterns: string[]): Record<string, unknown> {
  if (!patterns.length || (patterns.length === 1 && (patterns[0] === '*' || patterns[0] === ''))) return prefixed;
  const res = patterns.flatMap((f) => (!f ? [/^/] : f.startsWith('ansible_') || f.startsWith('facter') || f.startsWith('ohai') ? [globToRegex(f)] : [globToRegex(f), globToRegex(`ansible_${f}`)]));
  return Object.fromEntries(Object.entries(prefixed).filter(([k]) => res.some((re) => re.test(k))));
}

export const setupModule: Module<SetupParams, GatheredFacts> = {
  name: 'setup',
  readAhead: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    description: "Gather the host's facts now (as a play's gather_facts), optionally only some of them; they become the host's ansible_facts and ansible_* variables.",
    properties: {
      gather_subset: {
        type: ['array', 'string'],
        items: { type: 'string' },
        default: ['all'],
        description: 'Which facts to gather: all, min, hardware, network, or !name to leave one out (min is always gathered). Other Ansible subsets are refused: tsplay does not read them.',
      },
      filter: {
        type: ['array', 'string'],
        items: { type: 'string' },
        default: [],
        description: "Return only the facts whose names match one of these shell patterns (fnmatch), e.g. ansible_*_mb or distribution* (the ansible_ prefix is added when missing).",
      },
    },
  },

  read(ctx) {
    return ctx.facts.get(gatherFacts, undefined, ctx.become);
  },

  diff(p, facts): Plan {
    let subsets: Set<string>;
    try {
      subsets = selectSubsets(list(p.gather_subset));
    } catch (e) {
      if (e instanceof SubsetError) return { kind: 'fail', msg: e.message };
      throw e;
    }
    const prefixed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(facts)) if (subsets.has(subsetOf(k, facts))) prefixed[`ansible_${k}`] = v;
    const subset = list(p.gather_subset);
    prefixed.gather_subset = subset.length ? subset : ['all'];
    prefixed.module_setup = true;
    const ansible_facts = filterFacts(prefixed, list(p.filter));
    return { kind: 'noop', reason: `gathered ${Object.keys(ansible_facts).length} facts (setup only reads)`, result: { ansible_facts } };
  },

  async apply() {
    throw new Error('setup never changes anything');
  },
};
