// The one list of what a template and a condition can call: the Handlebars helpers (with the Jinja
// filter each stands for) and the CEL functions and macros. `tsplay doc`, the README's cheat-sheet
// and the Jinja hints read it from here; a test renders/evaluates every example against the real
// engine, so the list cannot drift from what the code does.

export interface HelperDoc {
  /** the helper's name, a key of HELPERS or a Handlebars built-in block */
  name: string;
  /** how it is called in a template */
  usage: string;
  /** what it does, in one line */
  summary: string;
  /** the Jinja it replaces, when there is one */
  jinja?: string;
  /** a template using it, the variables it reads and the text it renders (checked by a test) */
  example: { template: string; vars?: Record<string, unknown>; renders: string };
}

/** Template helpers, in the order a reader looks for them. */
export const HELPER_DOCS: readonly HelperDoc[] = [
  { name: 'default', usage: '{{default x "fallback"}}', summary: 'x, or the fallback when x is undefined (a third argument true: also when x is empty/false)', jinja: "x | default('fallback')", example: { template: '{{default port 80}}', renders: '80' } },
  { name: 'defined', usage: '{{#if (defined x)}}', summary: 'whether x is defined', jinja: 'x is defined', example: { template: '{{#if (defined x)}}yes{{else}}no{{/if}}', renders: 'no' } },
  { name: 'if', usage: '{{#if x}}…{{else}}…{{/if}}', summary: 'a block shown when x is true (an empty list or map is false)', jinja: '{% if x %}…{% else %}…{% endif %}', example: { template: '{{#if on}}A{{else}}B{{/if}}', vars: { on: true }, renders: 'A' } },
  { name: 'unless', usage: '{{#unless x}}…{{/unless}}', summary: 'a block shown when x is false', jinja: '{% if not x %}…{% endif %}', example: { template: '{{#unless on}}off{{/unless}}', vars: { on: false }, renders: 'off' } },
  { name: 'each', usage: '{{#each list}}{{this}}{{/each}}', summary: 'a block per item ({{@index}}, {{@first}}, {{@last}}; over a map {{@key}} and {{this}})', jinja: '{% for x in list %}…{% endfor %}', example: { template: '{{#each xs as |x|}}[{{x}}]{{/each}}', vars: { xs: ['a', 'b'] }, renders: '[a][b]' } },
  { name: 'with', usage: '{{#with x}}{{field}}{{/with}}', summary: 'a block whose context is x', example: { template: '{{#with u}}{{name}}{{/with}}', vars: { u: { name: 'ann' } }, renders: 'ann' } },
  { name: 'eq', usage: '(eq a b)', summary: 'a equals b (lists and maps compared deeply); also ne, lt, le, gt, ge', jinja: 'a == b', example: { template: '{{#if (eq a "x")}}same{{/if}}', vars: { a: 'x' }, renders: 'same' } },
  { name: 'ne', usage: '(ne a b)', summary: 'a differs from b', jinja: 'a != b', example: { template: '{{ne 1 2}}', renders: 'true' } },
  { name: 'lt', usage: '(lt a b)', summary: 'a < b (numbers or strings)', jinja: 'a < b', example: { template: '{{lt 1 2}}', renders: 'true' } },
  { name: 'le', usage: '(le a b)', summary: 'a <= b', jinja: 'a <= b', example: { template: '{{le 2 2}}', renders: 'true' } },
  { name: 'gt', usage: '(gt a b)', summary: 'a > b', jinja: 'a > b', example: { template: '{{gt 1 2}}', renders: 'false' } },
  { name: 'ge', usage: '(ge a b)', summary: 'a >= b', jinja: 'a >= b', example: { template: '{{ge 3 2}}', renders: 'true' } },
  { name: 'and', usage: '(and a b …)', summary: 'all true', jinja: 'a and b', example: { template: '{{and true 1}}', renders: 'true' } },
  { name: 'or', usage: '(or a b …)', summary: 'any true', jinja: 'a or b', example: { template: '{{or false 0}}', renders: 'false' } },
  { name: 'not', usage: '(not a)', summary: 'a is false (an empty list or map too)', jinja: 'not a', example: { template: '{{not (keys m)}}', vars: { m: {} }, renders: 'true' } },
  { name: 'join', usage: '{{join list ", "}}', summary: 'the items joined by the separator', jinja: "list | join(', ')", example: { template: '{{join xs ","}}', vars: { xs: ['a', 'b'] }, renders: 'a,b' } },
  { name: 'length', usage: '{{length x}}', summary: 'items of a list, keys of a map, characters of a string', jinja: 'x | length', example: { template: '{{length xs}}', vars: { xs: [1, 2, 3] }, renders: '3' } },
  { name: 'lower', usage: '{{lower s}}', summary: 's in lower case', jinja: 's | lower', example: { template: '{{lower "AbC"}}', renders: 'abc' } },
  { name: 'upper', usage: '{{upper s}}', summary: 's in upper case', jinja: 's | upper', example: { template: '{{upper "AbC"}}', renders: 'ABC' } },
  { name: 'trim', usage: '{{trim s}}', summary: 's without leading and trailing white space', jinja: 's | trim', example: { template: '[{{trim "  a "}}]', renders: '[a]' } },
  { name: 'int', usage: '{{int x}}', summary: 'x as an integer (a string is parsed)', jinja: 'x | int', example: { template: '{{int "42"}}', renders: '42' } },
  { name: 'bool', usage: '{{bool x}}', summary: "Ansible's bool: yes/on/true/1 are true, anything else false", jinja: 'x | bool', example: { template: '{{bool "yes"}}', renders: 'true' } },
  { name: 'to_yaml', usage: '{{to_yaml x}}', summary: 'x as YAML', jinja: 'x | to_yaml', example: { template: '{{to_yaml m}}', vars: { m: { a: 1 } }, renders: 'a: 1\n' } },
  { name: 'to_nice_yaml', usage: '{{to_nice_yaml x indent=2}}', summary: 'x as YAML, indented', jinja: 'x | to_nice_yaml', example: { template: '{{to_nice_yaml xs}}', vars: { xs: ['a'] }, renders: '- a\n' } },
  { name: 'to_json', usage: '{{to_json x}}', summary: 'x as compact JSON', jinja: 'x | to_json', example: { template: '{{to_json m}}', vars: { m: { a: [1] } }, renders: '{"a":[1]}' } },
  { name: 'to_nice_json', usage: '{{to_nice_json x indent=4}}', summary: 'x as indented JSON, keys sorted', jinja: 'x | to_nice_json', example: { template: '{{to_nice_json m indent=1}}', vars: { m: { b: 1, a: 2 } }, renders: '{\n "a": 2,\n "b": 1\n}' } },
  { name: 'from_json', usage: '{{from_json s}}', summary: 'the value a JSON string holds', jinja: 's | from_json', example: { template: '{{lookup (from_json s) "a"}}', vars: { s: '{"a":7}' }, renders: '7' } },
  { name: 'b64encode', usage: '{{b64encode s}}', summary: 's in base64 (UTF-8)', jinja: 's | b64encode', example: { template: '{{b64encode "hi"}}', renders: 'aGk=' } },
  { name: 'b64decode', usage: '{{b64decode s}}', summary: 'the text base64 s holds', jinja: 's | b64decode', example: { template: '{{b64decode "aGk="}}', renders: 'hi' } },
  { name: 'first', usage: '{{first list}}', summary: 'the first item (or character)', jinja: 'list | first', example: { template: '{{first xs}}', vars: { xs: ['a', 'b'] }, renders: 'a' } },
  { name: 'last', usage: '{{last list}}', summary: 'the last item (or character)', jinja: 'list | last', example: { template: '{{last xs}}', vars: { xs: ['a', 'b'] }, renders: 'b' } },
  { name: 'replace', usage: '{{replace s "old" "new"}}', summary: 'every occurrence of old replaced', jinja: "s | replace('old', 'new')", example: { template: '{{replace "a-b-c" "-" "."}}', renders: 'a.b.c' } },
  { name: 'split', usage: '{{split s ","}}', summary: 'a list of the parts (no separator: on white space)', jinja: "s.split(',')", example: { template: '{{join (split "a b" " ") "+"}}', renders: 'a+b' } },
  { name: 'indent', usage: '{{indent s 4 first=false blank=false}}', summary: 'every line but the first (and blank ones) indented', jinja: 's | indent(4)', example: { template: '{{indent "a\nb" 2}}', renders: 'a\n  b' } },
  { name: 'basename', usage: '{{basename path}}', summary: 'the last part of a path', jinja: 'path | basename', example: { template: '{{basename "/etc/hosts"}}', renders: 'hosts' } },
  { name: 'dirname', usage: '{{dirname path}}', summary: 'the path without its last part', jinja: 'path | dirname', example: { template: '{{dirname "/etc/hosts"}}', renders: '/etc' } },
  { name: 'quote', usage: '{{quote s}}', summary: 's as one shell word (a list: several)', jinja: 's | quote', example: { template: '{{quote "a b"}}', renders: "'a b'" } },
  { name: 'lookup', usage: '{{lookup map key [fallback]}}', summary: 'the value at a key computed at run time (an error when missing, unless a fallback is given); also get', jinja: 'map[key]', example: { template: '{{lookup m k}}', vars: { m: { x: 1 }, k: 'x' }, renders: '1' } },
  { name: 'get', usage: '{{get map key [fallback]}}', summary: 'same as lookup', jinja: "map.get(key, fallback)", example: { template: '{{get m "y" 0}}', vars: { m: {} }, renders: '0' } },
  { name: 'difference', usage: '{{difference a b}}', summary: 'the items of list a not in list b, in the order of a', jinja: 'a | difference(b)', example: { template: '{{join (difference hs gone) ","}}', vars: { hs: ['a', 'b', 'c'], gone: ['b'] }, renders: 'a,c' } },
  { name: 'index_of', usage: '{{index_of list item}}', summary: 'the position of item in list (an error when absent)', jinja: 'list.index(item)', example: { template: '{{index_of hs "b"}}', vars: { hs: ['a', 'b'] }, renders: '1' } },
  { name: 'ipsubnet', usage: '{{ipsubnet cidr prefix index}}', summary: 'the index-th /prefix subnet inside cidr (negative: from the end)', jinja: 'cidr | ansible.utils.ipsubnet(prefix, index)', example: { template: '{{ipsubnet "10.233.64.0/18" 24 2}}', renders: '10.233.66.0/24' } },
  { name: 'nthhost', usage: '{{nthhost cidr n}}', summary: 'the n-th address of cidr (0: the network address)', jinja: 'cidr | ansible.utils.nthhost(n)', example: { template: '{{nthhost "10.233.0.0/18" 3}}', renders: '10.233.0.3' } },
  { name: 'keys', usage: '{{keys map}}', summary: 'the keys of a map, as a list', jinja: 'map.keys() | list', example: { template: '{{join (keys m) ","}}', vars: { m: { a: 1, b: 2 } }, renders: 'a,b' } },
  { name: 'dict2items', usage: '{{dict2items map}}', summary: 'a list of {key, value}, one per entry (for loop:)', jinja: 'map | dict2items', example: { template: '{{#each (dict2items m)}}{{key}}={{value}};{{/each}}', vars: { m: { a: 1, b: 2 } }, renders: 'a=1;b=2;' } },
  { name: 'includes', usage: '(includes container item)', summary: 'item is in a list, a key of a map, or a substring', jinja: 'item in container', example: { template: '{{includes xs "b"}}', vars: { xs: ['a', 'b'] }, renders: 'true' } },
  { name: 'concat', usage: '{{concat a b …}}', summary: 'lists joined into one list; strings into one string', jinja: 'a + b, a ~ b', example: { template: '{{concat "a" 1}}', renders: 'a1' } },
  { name: 'range', usage: '{{range [start] end [step]}}', summary: "Python's range, end excluded", jinja: 'range(end)', example: { template: '{{join (range 3) ","}}', renders: '0,1,2' } },
  { name: 'extract', usage: '{{extract names container [key]}}', summary: "each name's value in the container", jinja: "names | map('extract', container, key)", example: { template: '{{join (extract hs hv "ip") ","}}', vars: { hs: ['a'], hv: { a: { ip: '10.0.0.1' } } }, renders: '10.0.0.1' } },
];

export interface CelDoc {
  /** the function, method or macro, as called */
  usage: string;
  summary: string;
  /** the Jinja it replaces, when there is one */
  jinja?: string;
  /** a condition using it and what it gives (checked by a test) */
  example: { condition: string; vars?: Record<string, unknown>; gives: boolean };
}

/** CEL in conditions: the operators, functions and macros people reach for (cel-js provides them). */
export const CEL_DOCS: readonly CelDoc[] = [
  { usage: 'a == b, a != b, <, <=, >, >=', summary: 'comparisons (ints and doubles compare with each other)', jinja: 'a == b', example: { condition: 'rc == 0 && n >= 2', vars: { rc: 0, n: 3 }, gives: true } },
  { usage: '!a, a && b, a || b, c ? x : y', summary: 'not, and, or, conditional', jinja: 'not a, a and b, a or b, x if c else y', example: { condition: '!off && (on || off)', vars: { on: true, off: false }, gives: true } },
  { usage: 'x in list, key in map, s in text', summary: 'membership (of a list item or a map key), or a substring', jinja: 'x in list', example: { condition: '"b" in xs && "k" in m && "ok" in out', vars: { xs: ['a', 'b'], m: { k: 1 }, out: 'all ok' }, gives: true } },
  { usage: 'has(m.key), has(vars.name)', summary: 'whether a key is there; vars holds every variable, so has(vars.x) asks whether x is defined', jinja: 'm.key is defined, x is defined', example: { condition: 'has(vars.port) && !has(r.stderr)', vars: { port: 80, r: { rc: 0 } }, gives: true } },
  { usage: 'm.?key.orValue(d)', summary: "the value at key, or d when it is missing", jinja: "m.key | default(d)", example: { condition: 'm.?size.orValue(1) == 1', vars: { m: {} }, gives: true } },
  { usage: 'size(x), x.size()', summary: 'length of a string, list or map', jinja: 'x | length', example: { condition: 'size(xs) == 2 && "abc".size() == 3', vars: { xs: [1, 2] }, gives: true } },
  { usage: 'int(x), double(x), string(x), bool(s)', summary: 'conversions (bool takes "true"/"false")', jinja: 'x | int, x | float, x | string, x | bool', example: { condition: 'int("42") == 42 && string(7) == "7" && bool("true")', gives: true } },
  { usage: 's.contains(t), s.startsWith(t), s.endsWith(t)', summary: 'substring tests', jinja: "t in s, s.startswith(t), s.endswith(t)", example: { condition: 'out.contains("ok") && out.startsWith("all")', vars: { out: 'all ok' }, gives: true } },
  { usage: 's.matches(re)', summary: 'the RE2-style regular expression matches somewhere in s', jinja: "s is search(re), s is match('^' + re)", example: { condition: 'v.matches("^v1\\\\.[0-9]+")', vars: { v: 'v1.30.2' }, gives: true } },
  { usage: 's.lowerAscii(), s.upperAscii(), s.trim()', summary: 'case and white space', jinja: 's | lower, s | upper, s | trim', example: { condition: '" A ".trim().lowerAscii() == "a"', gives: true } },
  { usage: 's.split(sep), list.join(sep)', summary: 'split a string, join a list of strings', jinja: "s.split(sep), list | join(sep)", example: { condition: '"a,b".split(",").join("-") == "a-b"', gives: true } },
  { usage: 's.indexOf(t), s.lastIndexOf(t), s.substring(i, j)', summary: 'positions and slices', jinja: 's.find(t), s[i:j]', example: { condition: '"hello".substring(1, 3) == "el" && "hello".indexOf("l") == 2', gives: true } },
  { usage: 'list.exists(x, cond), list.all(x, cond), list.exists_one(x, cond)', summary: 'any, every, exactly one item matches', jinja: "list | select(...) | list | length > 0", example: { condition: 'rs.exists(r, r.rc != 0)', vars: { rs: [{ rc: 0 }, { rc: 1 }] }, gives: true } },
  { usage: 'list.map(x, expr), list.filter(x, cond)', summary: 'transform, select', jinja: "list | map(attribute='a'), list | selectattr(...)", example: { condition: 'us.filter(u, u.admin).map(u, u.name) == ["ann"]', vars: { us: [{ name: 'ann', admin: true }, { name: 'bo', admin: false }] }, gives: true } },
  { usage: 'type(x) == string', summary: 'the kind of a value (int, double, string, bool, list, map, null_type)', jinja: 'x is string, x is number', example: { condition: 'type(v) == string', vars: { v: 'x' }, gives: true } },
  { usage: 'cidrContains(cidr, address), cidrOverlaps(cidr, cidr)', summary: 'IPv4: the address is in the network; the two networks share an address', jinja: 'address | ansible.utils.network_in_usable(cidr), cidr | ansible.utils.network_in_network(cidr)', example: { condition: 'cidrContains("10.77.0.0/24", vip) && !cidrOverlaps("10.233.64.0/18", "10.233.0.0/18")', vars: { vip: '10.77.0.100' }, gives: true } },
  { usage: 'timestamp(s), duration(s)', summary: 'times and durations ("2024-01-01T00:00:00Z", "90s")', example: { condition: 'duration("90s") > duration("1m")', gives: true } },
];
