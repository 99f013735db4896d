// Runs a module the way the runner does (aliases, schema, read -> diff -> apply unless check
// mode) against a real temporary directory through LocalTransport, plus helpers to set up and
// snapshot that directory.
import { mkdtemp, mkdir, writeFile, symlink, chmod, readdir, lstat, readFile, readlink, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { Ajv } from 'ajv';
import { LocalTransport } from '../../../engine/transport/local.js';
import { FactCache } from '../../../engine/facts/cache.js';
import { InputError } from '../../../engine/errors.js';
import { Templater } from '../../../engine/template/index.js';
import type { Module, ModuleContext, Plan, TaskResult } from '../../../engine/modules/types.js';
import { modeParamError } from '../../../engine/modules/lib/file-mode.js';
import { recordPredictions } from '../../../engine/modules/lib/predictions.js';

export interface FileSetup {
  content?: string;
  /** base64 bytes, for binary files */
  base64?: string;
  mode?: string;
}

export interface Setup {
  files?: Record<string, FileSetup | string>;
  dirs?: Record<string, { mode?: string }> | string[];
  symlinks?: Record<string, string>;
}

export async function makeTmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tsplay-mod-'));
}

export async function applySetup(root: string, setup: Setup = {}): Promise<void> {
  const dirs: Record<string, { mode?: string }> = Array.isArray(setup.dirs) ? Object.fromEntries(setup.dirs.map((d) => [d, {}])) : (setup.dirs ?? {});
  for (const [rel, d] of Object.entries(dirs)) {
    await mkdir(join(root, rel), { recursive: true });
    if (d.mode) await chmod(join(root, rel), parseInt(d.mode, 8));
  }
  for (const [rel, f0] of Object.entries(setup.files ?? {})) {
    const f = typeof f0 === 'string' ? { content: f0 } : f0;
    const p = join(root, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, f.base64 !== undefined ? Buffer.from(f.base64, 'base64') : (f.content ?? ''));
    await chmod(p, parseInt(f.mode ?? '0644', 8));
  }
  for (const [rel, target] of Object.entries(setup.symlinks ?? {})) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await symlink(target, join(root, rel));
  }
}

export interface Entry {
  type: 'file' | 'directory' | 'link' | 'other';
  mode: string;
  uid: number;
  gid: number;
  content?: string;
  target?: string;
}

/** Everything under root: what a check-mode run must leave exactly as it was. */
export async function snapshot(root: string): Promise<Record<string, Entry>> {
  const out: Record<string, Entry> = {};
  const walk = async (dir: string, rel: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(p);
      const e: Entry = {
        type: st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'link' : 'other',
        mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
        uid: st.uid,
        gid: st.gid,
      };
      if (e.type === 'file') e.content = (await readFile(p)).toString('base64');
      if (e.type === 'link') e.target = await readlink(p);
      out[r] = e;
      if (e.type === 'directory') await walk(p, r);
    }
  };
  await walk(root, '');
  return out;
}

export async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function removeTmp(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

export interface Harness {
  ctx: ModuleContext;
  controllerDir: string;
}

const templater = new Templater();

export function makeContext(opts: { controllerDir: string; vars?: Record<string, unknown>; check?: boolean }): ModuleContext {
  const transport = new LocalTransport('localhost');
  const vars = opts.vars ?? {};
  return {
    host: 'localhost',
    transport,
    controller: new LocalTransport('controller'),
    facts: new FactCache(transport),
    check: !!opts.check,
    vars,
    async findFile(kind, name) {
      const p = name.startsWith('/') ? name : join(opts.controllerDir, kind, name);
      if (!(await exists(p))) throw new InputError(`could not find ${kind.slice(0, -1)} ${name} (looked in ${join(opts.controllerDir, kind)})`);
      return p;
    },
    renderTemplate: (text, sourceName) => templater.renderText(text, vars, { file: sourceName }),
    evalCondition: (expr) => templater.evalCondition(expr, vars),
  };
}

const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
const validators = new WeakMap<object, ReturnType<typeof ajv.compile>>();

export interface Run {
  plan: Plan;
  result: TaskResult;
}

/** Schema validation, then read -> diff -> (apply unless check mode), as the runner does it. */
export async function runModule(mod: Module, params: Record<string, unknown>, ctx: ModuleContext): Promise<Run> {
  // as the loader does before the schema: a mode the one parser refuses, with its fix
  const badMode = modeParamError(mod.schema, params, false);
  if (badMode) throw new InputError(`${mod.name}: ${badMode.message}`);
  let validate = validators.get(mod.schema);
  if (!validate) validators.set(mod.schema, (validate = ajv.compile(mod.schema)));
  if (!validate(params)) throw new InputError(`invalid parameters for ${mod.name}: ${ajv.errorsText(validate.errors)}`);
  const current = await mod.read(ctx, params);
  const plan = mod.diff(params, current);
  let result: TaskResult;
  if (plan.kind === 'noop') result = { ...plan.result, changed: false };
  else if (plan.kind === 'fail') result = { ...plan.result, changed: false, failed: true, msg: plan.msg };
  else if (ctx.check) {
    if (plan.unknowable) {
      recordPredictions(mod, params, plan, ctx.facts, ctx.facts);
      result = { ...plan.result, changed: false, skipped: true };
    }
    else {
      // as the runner does: later reads in this check run see what this change would make
      recordPredictions(mod, params, plan, ctx.facts, ctx.facts);
      result = { ...plan.result, changed: true, diff: plan.fileDiffs };
    }
  }
  else {
    result = await mod.apply(ctx, params, plan);
    if (plan.fileDiffs) result.diff = plan.fileDiffs;
    ctx.facts.invalidate();
  }
  return { plan, result };
}
