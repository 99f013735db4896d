// YAML as Ansible reads it: YAML 1.1 as PyYAML resolves it (yes/no/on/off are booleans, `y` and
// `n` are strings, dates stay strings, a float needs a dot). Playbooks, vars files and
// inventories all parse with these options.
import type { ScalarTag, Tags } from 'yaml';

const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const BOOL = 'tag:yaml.org,2002:bool';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
const FLOAT = 'tag:yaml.org,2002:float';

function pyyamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const tag of tags) {
    if (typeof tag === 'string') continue;
    const t = tag as ScalarTag;
    if (t.tag === TIMESTAMP) continue; // dates stay the strings that were written
    if (t.tag === BOOL && t.test) {
      out.push({ ...t, test: t.test.test('yes') ? PYYAML_TRUE : PYYAML_FALSE } as ScalarTag);
      continue;
    }
    // PyYAML needs a dot in a float: 1e3 is a string
    if (t.tag === FLOAT && t.test && String(t.test).includes('[eE]') && !String(t.test).includes('inf')) {
      out.push({ ...t, test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*[eE][-+][0-9]+$/ } as ScalarTag);
      continue;
    }
    out.push(t);
  }
  return out;
}

export const PYYAML_PARSE_OPTIONS = { version: '1.1', customTags: pyyamlTags } as const;
