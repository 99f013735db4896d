// What tsplay's roles generate for a host, and the official schemas it is checked against:
// API objects through kubernetes-models (the upstream OpenAPI), component configurations
// through schemas/kubernetes/*.schema.json (the official Go types of v1.33.8, unknown fields
// refused; the source is named in each file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { Ajv } from 'ajv';
import { projectRoot } from '../../../engine/paths.js';
import { Templater } from '../../../engine/template/templater.js';

const templater = new Templater();
const yml = (p: string) => (load(readFileSync(join(projectRoot(), p), 'utf8')) ?? {}) as Record<string, unknown>;

/**
 * The lab's master1 as the roles see it: cluster_defaults (every role's meta dependency) < role
 * defaults < lab group_vars < host and inventory vars; values that are templates (kube_dns_ip is
 * derived from kube_service_addresses) rendered as the engine renders them when used.
 */
export function hostVars(role: string, host = 'master1', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const vars = flatVars(role, host, extra);
  for (let pass = 0; pass < 3; pass++) {
    for (const [k, v] of Object.entries(vars)) {
      if (typeof v === 'string' && v.includes('{{')) vars[k] = templater.renderText(v, vars, { file: `${k} (a variable)` });
    }
  }
  return vars;
}

function flatVars(role: string, host: string, extra: Record<string, unknown>): Record<string, unknown> {
  const ips: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
  const groupVars = yml('inventories/lab/group_vars/all.yml');
  const groups = { kube_control_plane: ['master1', 'master2', 'master3'], etcd: ['master1', 'master2', 'master3'], kube_node: ['worker1', 'worker2'],
    k8s_cluster: Object.keys(ips) };
  return {
    ...yml('roles/cluster_defaults/defaults/main.yml'),
    ...yml(`roles/${role}/defaults/main.yml`),
    ...groupVars,
    inventory_dir: join(projectRoot(), 'inventories/lab'),
    inventory_hostname: host,
    ansible_host: ips[host],
    groups: { ...groups, all: Object.keys(ips) },
    group_names: Object.entries(groups).filter(([, hosts]) => hosts.includes(host)).map(([g]) => g),
    hostvars: Object.fromEntries(Object.entries(ips).map(([h, ip]) => [h, { ansible_host: ip }])),
    ...extra,
  };
}

/** roles/<role>/templates/<name>.hbs rendered as the template module renders it. */
export function render(role: string, name: string, vars: Record<string, unknown>): string {
  const file = `roles/${role}/templates/${name}.hbs`;
  return templater.renderText(readFileSync(join(projectRoot(), file), 'utf8'), vars, { file });
}

export const documents = (text: string) => loadAll(text).filter((d) => d !== null && d !== undefined) as Record<string, unknown>[];

const ajv = new Ajv({ allErrors: true, strict: false });
const schemaCache = new Map<string, ReturnType<Ajv['compile']>>();

/** Errors of a component configuration against schemas/kubernetes/<kind>.schema.json; [] when valid. */
export function componentConfigErrors(kind: string, doc: unknown): string[] {
  let v = schemaCache.get(kind);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(join(projectRoot(), 'schemas/kubernetes', `${kind}.schema.json`), 'utf8')) as object);
    schemaCache.set(kind, v);
  }
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? `: ${String((e.params as { additionalProperty?: string }).additionalProperty)}` : ''}`);
}

/** Errors of an API object against the upstream OpenAPI (kubernetes-models); [] when valid. */
export async function apiObjectErrors(obj: Record<string, unknown>): Promise<string[]> {
  const [group, version] = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/') : ['', String(obj.apiVersion)];
  const kind = String(obj.kind);
  let model: { new (o: unknown): { validate(): void } };
  try {
    const mod = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`)) as Record<string, unknown>;
    model = mod[kind] as typeof model;
  } catch {
    return [`${obj.apiVersion} ${kind}: not an upstream API kind (kubernetes-models has no such model)`];
  }
  try {
    new model(obj).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/**
 * Fields of API objects that their upstream type does not have (a typo the apiserver would drop),
 * found by TypeScript's excess-property check against kubernetes-models' interfaces, which are
 * generated from the same upstream OpenAPI: each object is type-checked as a literal of its kind's
 * interface. One message per unknown field, naming the object; [] when every field is known.
 */
export async function apiObjectsUnknownFields(objs: Record<string, unknown>[]): Promise<string[]> {
  const ts = (await import('typescript')).default;
  const root = projectRoot();
  const file = join(root, '__tsplay_k8s_fields__.mts');
  const lines = objs.map((o, i) => {
    const [group, version] = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/') : ['', String(o.apiVersion)];
    return `import type { I${String(o.kind)} as T${i} } from 'kubernetes-models/${group ? `${group}/` : ''}${version}/${String(o.kind)}';\nexport const o${i}: T${i} = ${JSON.stringify(o)};`;
  });
  const source = lines.join('\n') + '\n';
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === file || fileExists.call(host, f);
  host.readFile = (f) => (f === file ? source : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, ...rest));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const o = objs[Math.floor((line - 1) / 2)] as { kind?: string; metadata?: { name?: string } } | undefined;
    return `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
