// Loads a playbook and everything it pulls in (vars files, task files, roles) into plain,
// validated data with source positions. Nothing here contacts a host.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError, type SourcePos } from '../errors.js';
import type { Module } from '../modules/types.js';
import { loadYamlFile, type SourceMap } from '../yaml/source.js';
import { loadVarsFile } from '../yaml/vars-file.js';
import { relevantErrors, describeAjvError, isTemplated } from './ajv.js';
import { INCLUDE_KEYS, INCLUDE_OWN_KEYWORDS, acceptedAt, isKeyword, keyword, keywordProblem, type Level } from './keywords.js';
import { playbookSchema, levelRef, VALIDATED_LEVELS } from './playbook-schema.js';
import { parseFreeForm } from './kv.js';
import { findRoleDirs, yamlFile } from './role-dirs.js';
import { loadRoleSchema } from './role-schema.js';
import type { LoadContext } from './load-context.js';
import { didYouMean } from '../did-you-mean.js';
import { modeParamError } from '../modules/lib/file-mode.js';
import type { ModuleDefaults, BlockNode, Handler, IncludeSpec, Keywords, Node, Play, Playbook, RoleContext, TaskNode } from './model.js';

/** after an unknown module's name: where the names are */
const LIST_MODULES = '; `tsplay doc` lists the modules';

const MAX_INCLUDE_DEPTH = 50;

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class PlaybookLoader {
  private validators: Record<Level, ValidateFunction>;

  constructor(private ctx: LoadContext) {
    const schema = playbookSchema();
    this.validators = Object.fromEntries(VALIDATED_LEVELS.map((l) => [l, ctx.schemas.get(schema, levelRef(l))])) as Record<Level, ValidateFunction>;
  }

  private get sm(): SourceMap {
    return this.ctx.positions;
  }

  private fail(msg: string, pos: SourcePos | undefined, file: string): never {
    throw new InputError(msg, pos ?? { file });
  }

  async loadPlaybook(file: string, depth = 0): Promise<Playbook> {
    const abs = resolve(file);
    const { data } = await loadYamlFile(abs, this.sm, this.ctx.secrets);
    if (data === null || data === undefined) this.fail('playbook is empty', { file: abs, line: 1, col: 1 }, abs);
    if (!Array.isArray(data)) this.fail('a playbook must be a list of plays', this.sm.pos(data) ?? { file: abs, line: 1, col: 1 }, abs);
    const dir = dirname(abs);
    const plays: Play[] = [];
    for (const [i, raw] of (data as unknown[]).entries()) {
      if (!isMap(raw)) this.fail('a play must be a map (hosts:, tasks:, …)', this.sm.pos(data, i) ?? { file: abs, line: 1, col: 1 }, abs);
      const imp = raw.import_playbook ?? raw['ansible.builtin.import_playbook'];
      if (imp !== undefined) {
        const { keywords } = this.levelKeywords(raw, 'import_playbook', abs, ['import_playbook', 'ansible.builtin.import_playbook'], (k) => `unknown keyword "${k}" on import_playbook${didYouMean(k, acceptedAt('import_playbook'))}`);
        if (depth > MAX_INCLUDE_DEPTH) this.fail('import_playbook nested too deeply', this.sm.pos(raw), abs);
        if (isTemplated(imp)) this.fail('import_playbook needs a literal file name', this.sm.pos(raw), abs);
        const sub = await this.loadPlaybook(isAbsolute(String(imp)) ? String(imp) : join(dir, String(imp)), depth + 1);
        plays.push(...sub.plays.map((p) => this.imported(p, keywords, this.sm.pos(raw) ?? { file: abs })));
        continue;
      }
      plays.push(await this.loadPlay(raw, abs, dir));
    }
    return { file: abs, dir, plays };
  }

  /**
   * An imported play with the import's keywords (Ansible): its tags added to the play's, its vars
   * over the play's own.
   */
  private imported(play: Play, keywords: Keywords, pos: SourcePos): Play {
    const out = { ...play, keywords: { ...play.keywords } };
    if (keywords.tags !== undefined) {
      const list = (t: unknown) => (t === undefined ? [] : Array.isArray(t) ? t : [t]);
      out.keywords.tags = [...new Set([...list(play.keywords.tags), ...list(keywords.tags)])];
    }
    if (isMap(keywords.vars)) {
      out.vars = { ...play.vars, ...keywords.vars };
      this.sm.combine(out.vars, [play.vars, keywords.vars], this.sm.pos(play.vars) ?? pos);
    }
    return out;
  }

  private async loadPlay(raw: Record<string, unknown>, file: string, dir: string): Promise<Play> {
    const pos = this.sm.pos(raw) ?? { file };
    const { keywords: all } = this.levelKeywords(raw, 'play', file, [], (k) => `unknown play keyword "${k}"${didYouMean(k, acceptedAt('play'))}`);
    // the play's settings; its parts (hosts, vars, task lists…) are fields of the Play
    const keywords: Keywords = {};
    for (const [k, v] of Object.entries(all)) if (!PLAY_PARTS.has(k) && keyword(k)?.templated !== 'structure') keywords[k] = v;
    const varsFiles = raw.vars_files === undefined ? [] : Array.isArray(raw.vars_files) ? (raw.vars_files as string[]) : [raw.vars_files as string];
    const playDefaults = await this.moduleDefaults(raw, file);
    const playState: PlayState = { seenRoles: new Set(), handlers: [], dir, notifies: [], moduleDefaults: playDefaults ? [playDefaults] : [] };
    const preTasks = await this.loadTaskList(raw.pre_tasks, file, dir, undefined, playState, 0);
    const roleNodes: Node[] = [];
    for (const [i, entry] of ((raw.roles as unknown[]) ?? []).entries()) {
      const epos = this.sm.pos(raw.roles, i) ?? pos;
      const n = await this.roleFromEntry(entry, epos, file, playState, 0);
      if (n) roleNodes.push(...n);
    }
    const tasks = await this.loadTaskList(raw.tasks, file, dir, undefined, playState, 0);
    const postTasks = await this.loadTaskList(raw.post_tasks, file, dir, undefined, playState, 0);
    const handlers = await this.loadHandlers(raw.handlers, file, dir, undefined, playState);
    this.checkNotifies(playState, [...handlers, ...playState.handlers]);
    return {
      name: typeof raw.name === 'string' ? raw.name : String(Array.isArray(raw.hosts) ? raw.hosts.join(',') : raw.hosts),
      hosts: Array.isArray(raw.hosts) ? (raw.hosts as string[]).join(',') : String(raw.hosts),
      keywords,
      vars: isMap(raw.vars) ? raw.vars : {},
      varsFiles,
      preTasks,
      tasks: [...roleNodes, ...tasks],
      postTasks,
      handlers: [...handlers, ...playState.handlers],
      pos,
      dir,
    };
  }

  /** every literal `notify:` name is a handler's name or listen topic of this play (Ansible: an error) */
  private checkNotifies(play: PlayState, handlers: Handler[]): void {
    const known = new Set(handlers.flatMap((h) => h.listenNames));
    // a handler named by a template answers to names known only at run time
    if ([...known].some(isTemplated)) return;
    for (const n of play.notifies) {
      if (known.has(n.name)) continue;
      const hint = didYouMean(n.name, known);
      this.fail(`notify: no handler named "${n.name}" in this play (its handlers' names and listen topics)${hint}`, n.pos, n.pos.file ?? '');
    }
  }

  private async loadHandlers(list: unknown, file: string, dir: string, role: RoleContext | undefined, play: PlayState): Promise<Handler[]> {
    const was = play.inHandlers;
    play.inHandlers = true;
    let nodes: Node[];
    try {
      nodes = await this.loadTaskList(list, file, dir, role, play, 0);
    } finally {
      play.inHandlers = was;
    }
    const out: Handler[] = [];
    // a handler in a block (or an import) keeps the keywords of the blocks around it
    const flat = (ns: Node[], chain: Keywords[]) => {
      for (const n of ns) {
        if (n.kind === 'block') {
          // a handler list is names to notify: an include in it is taken in once, at load
          if (n.include && (!n.include.loaded || n.keywords.loop !== undefined || n.keywords.when !== undefined)) {
            this.fail('an include in handlers needs a literal file name and no loop or when', n.include.where, n.include.where.file ?? file);
          }
          flat([...n.block, ...n.rescue, ...n.always], n.include ? [...chain, n.keywords, n.include.apply] : [...chain, n.keywords]);
        } else {
          const listen = n.keywords.listen;
          // a role's handler also answers to "role : name" (Ansible)
          const qualified = role && n.name ? [`${role.name} : ${n.name}`] : [];
          const names = [n.name, ...qualified, ...(Array.isArray(listen) ? listen : listen ? [listen] : [])].filter((x): x is string => typeof x === 'string');
          out.push({ ...n, listenNames: names, chain });
        }
      }
    };
    // a role's handlers keep the keywords of the role entries around them, as its tasks do
    flat(nodes, [...(play.roleKeywords ?? [])]);
    return out;
  }

  async loadTaskList(list: unknown, file: string, baseDir: string, role: RoleContext | undefined, play: PlayState, depth: number): Promise<Node[]> {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) this.fail('expected a list of tasks', this.sm.pos(list), file);
    const out: Node[] = [];
    for (const [i, item] of list.entries()) {
      const pos = this.sm.pos(list, i) ?? { file };
      if (!isMap(item)) this.fail('a task must be a map (e.g. "- name: …\\n  module: …")', pos, file);
      out.push(...(await this.loadTask(item, pos, file, baseDir, role, play, depth)));
    }
    return out;
  }

  /**
   * The keywords of an item written at `level`, checked against the keyword table: one that is
   * not a keyword there, or that tsplay refuses, is an error naming it (never accepted without its
   * effect); a template in a keyword tsplay uses as written is an error; then the values are
   * validated by the level's schema. `others`: the keys that are no keyword (a task's module, a
   * role's parameters), in order, for the caller to judge.
   */
  private levelKeywords(
    item: Record<string, unknown>,
    level: Level,
    file: string,
    skip: string[] = [],
    /** where every key must be a keyword: the error for one that is not (before the values are judged) */
    unknown?: (key: string) => string,
  ): { keywords: Keywords; others: string[] } {
    const keywords: Keywords = {};
    const others: string[] = [];
    for (const [k, v] of Object.entries(item)) {
      if (skip.includes(k)) continue;
      if (!isKeyword(k)) {
        if (unknown) this.fail(unknown(k), this.sm.pos(item, k), file);
        others.push(k);
        continue;
      }
      const problem = keywordProblem(k, level);
      if (problem) this.fail(problem, this.sm.pos(item, k), file);
      if (keyword(k)?.templated === 'literal' && hasTemplate(v)) {
        this.fail(`\`${k}\` is used as written by tsplay (it is not templated): write the value itself, not "{{ … }}"`, this.sm.pos(item, k), file);
      }
      keywords[k] = v;
    }
    // an import_playbook entry is validated whole (its schema holds the import_playbook key too)
    const errs = relevantErrors(this.validators[level], level === 'import_playbook' ? item : keywords, true);
    if (errs.length) {
      const e = errs.find((x) => x.keyword === 'required') ?? errs[0];
      const path = e.instancePath.split('/').filter(Boolean);
      const msg = level === 'play' ? describePlayError(e) : `${ERROR_PREFIX[level]} ${describeAjvError(e)}`;
      this.fail(msg, this.sm.posAtPath(item, e.instancePath) ?? this.sm.pos(item, path[0]) ?? this.sm.pos(item), file);
    }
    for (const [k, v] of Object.entries(keywords)) {
      const why = keyword(k)?.refuseValue?.(v);
      if (why) this.fail(why, this.sm.pos(item, k), file);
    }
    return { keywords, others };
  }

  /**
   * One level's module_defaults (play, role entry, block, include or task), checked: each key a
   * module tsplay has (by its name, ansible.builtin.NAME or ansible.legacy.NAME), once; each value
   * a map of that module's parameters. By the module's name.
   */
  private async moduleDefaults(item: Record<string, unknown>, file: string): Promise<ModuleDefaults | undefined> {
    const value = item.module_defaults;
    if (value === undefined || value === null) return undefined;
    const at = (k?: string) => (k === undefined ? undefined : this.sm.pos(value, k)) ?? this.sm.pos(item, 'module_defaults');
    // the module names must be known now, to merge and check each task's arguments before any host
    if (!isMap(value)) this.fail('module_defaults must be a map of module names to their parameters, written out (its parameter values may be templates)', at(), file);
    const out: ModuleDefaults = new Map();
    const written = new Map<string, string>();
    for (const [k, params] of Object.entries(value)) {
      if (k.startsWith('group/')) this.fail(`\`module_defaults\` for \`${k}\` is not supported by tsplay: it has no module groups; give the defaults of each module by its name`, at(k), file);
      const mod = await this.ctx.findModule(k);
      if (!mod) this.fail(`module_defaults: unknown module "${k}"${didYouMean(k, this.ctx.moduleNames ?? [])}${LIST_MODULES}`, at(k), file);
      if (written.has(mod.name)) this.fail(`module_defaults: "${written.get(mod.name)}" and "${k}" name the same module; give its defaults once`, at(k), file);
      written.set(mod.name, k);
      if (params !== null && !isMap(params)) this.fail(`module_defaults: the defaults of ${k} must be a map of its parameters`, at(k), file);
      const p = params ?? {};
      const props = isMap(mod.schema.properties) ? Object.keys(mod.schema.properties) : [];
      if (mod.schema.additionalProperties === false) {
        const bad = Object.keys(p).find((pk) => !props.includes(pk));
        if (bad !== undefined) this.fail(`module_defaults: ${mod.name}: unknown parameter "${bad}"${didYouMean(bad, props)}`, this.sm.pos(p, bad) ?? at(k), file);
      }
      out.set(mod.name, p);
    }
    return out;
  }

  /** run `f` with one more level of module_defaults around the tasks it loads */
  private async withDefaults<T>(play: PlayState, level: ModuleDefaults | undefined, f: () => Promise<T>): Promise<T> {
    if (!level) return f();
    (play.moduleDefaults ??= []).push(level);
    try {
      return await f();
    } finally {
      play.moduleDefaults.pop();
    }
  }

  /**
   * A task's arguments under its module's defaults: those of the innermost level that has some
   * for the module, whole (as Ansible merges module_defaults); what the task writes wins. The
   * merged map keeps where each value was written, for errors.
   */
  private withModuleDefaults(mod: Module, args: Record<string, unknown>, levels: readonly ModuleDefaults[], pos: SourcePos): Record<string, unknown> {
    const defaults = [...levels].reverse().find((l) => l.has(mod.name))?.get(mod.name);
    if (!defaults || !Object.keys(defaults).length) return args;
    const merged = { ...defaults, ...args };
    this.sm.combine(merged, [defaults, args], this.sm.pos(args) ?? pos);
    return merged;
  }

  /** levelKeywords for a task, handler, block or include, then what the loader derives from them */
  private checkKeywords(item: Record<string, unknown>, level: Level, file: string, play: PlayState, skip: string[] = [], unknown?: (key: string) => string): { keywords: Keywords; others: string[] } {
    const { keywords, others } = this.levelKeywords(item, level, file, skip, unknown);
    // notify names are checked once the play's handlers are all loaded; a templated one only at run time
    const notify = keywords.notify;
    for (const [i, n] of (Array.isArray(notify) ? notify : notify === undefined ? [] : [notify]).entries()) {
      if (typeof n !== 'string' || isTemplated(n)) continue;
      const at = (Array.isArray(notify) ? this.sm.pos(notify, i) : undefined) ?? this.sm.pos(item, 'notify') ?? { file };
      play.notifies.push({ name: n, pos: { file, ...at } });
    }
    if (keywords.with_items !== undefined && keywords.loop === undefined) keywords.loop = keywords.with_items;
    if (keywords.with_list !== undefined && keywords.loop === undefined) keywords.loop = keywords.with_list;
    for (const cond of ['when', 'changed_when', 'failed_when', 'until']) {
      const v = keywords[cond];
      for (const c of Array.isArray(v) ? v : [v]) {
        if (typeof c === 'string' && /^\s*\{\{.*\}\}\s*$/s.test(c)) {
          this.fail(`${cond}: conditions are bare CEL expressions; write ${c.replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '')} without {{ }}`, this.sm.pos(item, cond), file);
        }
      }
    }
    return { keywords, others };
  }

  private async loadTask(item: Record<string, unknown>, pos: SourcePos, file: string, baseDir: string, role: RoleContext | undefined, play: PlayState, depth: number): Promise<Node[]> {
    const keys = Object.keys(item);
    const name = typeof item.name === 'string' ? item.name : undefined;
    if ('block' in item) {
      const { keywords: all } = this.checkKeywords(item, 'block', file, play, [], (k) => `unknown keyword "${k}" on a block${didYouMean(k, acceptedAt('block'))}`);
      const { block: _b, rescue: _r, always: _a, ...keywords } = all;
      const lists = await this.withDefaults(play, await this.moduleDefaults(item, file), async () => ({
        block: await this.loadTaskList(item.block, file, baseDir, role, play, depth),
        rescue: await this.loadTaskList(item.rescue, file, baseDir, role, play, depth),
        always: await this.loadTaskList(item.always, file, baseDir, role, play, depth),
      }));
      const block: BlockNode = { kind: 'block', name, ...lists, keywords, pos, role };
      return [block];
    }
    const incKey = keys.find((k) => INCLUDE_KEYS.has(k));
    if (incKey) {
      // the include's module_defaults (an import's), then those of its apply: (an include's)
      const inc = item[incKey];
      const own = await this.moduleDefaults(item, file);
      const applied = isMap(inc) && isMap(inc.apply) ? await this.moduleDefaults(inc.apply, file) : undefined;
      const nodes = await this.withDefaults(play, own, () => this.withDefaults(play, applied, () => this.loadInclude(item, incKey, pos, file, baseDir, role, play, depth)));
      // a file an include loads when it runs gets the module_defaults around the include
      const around = [...(play.moduleDefaults ?? []), ...(own ? [own] : []), ...(applied ? [applied] : [])];
      for (const n of nodes) if (n.kind === 'block' && n.include) n.include.moduleDefaults = around;
      return nodes;
    }

    const level: Level = play.inHandlers ? 'handler' : 'task';
    const { keywords, others: moduleKeys } = this.checkKeywords(item, level, file, play);
    if (moduleKeys.length === 0) this.fail(`task${name ? ` "${name}"` : ''} names no module`, pos, file);
    const found = await Promise.all(moduleKeys.map((k) => this.ctx.findModule(k)));
    const mods = moduleKeys.filter((_, i) => found[i]);
    const modules = this.ctx.moduleNames ?? [];
    if (mods.length === 0) {
      const k = moduleKeys[0];
      this.fail(
        moduleKeys.length === 1 ? `unknown module "${k}"${didYouMean(k, modules)}${LIST_MODULES}` : `unknown keyword or module "${k}"${didYouMean(k, [...acceptedAt(level), ...modules])}${LIST_MODULES}`,
        this.sm.pos(item, k),
        file,
      );
    }
    const unknown = moduleKeys.find((_, i) => !found[i]);
    if (unknown) this.fail(`unknown task keyword "${unknown}"${didYouMean(unknown, acceptedAt(level))}`, this.sm.pos(item, unknown), file);
    if (mods.length > 1) this.fail(`a task can use one module, found ${mods.join(' and ')}`, this.sm.pos(item, mods[1]), file);
    const modName = mods[0];
    const mod = found[moduleKeys.indexOf(modName)]!;
    const own = await this.moduleDefaults(item, file);
    const modPos = this.sm.pos(item, modName) ?? pos;
    const args = this.withModuleDefaults(mod, this.moduleArgs(mod, item[modName], keywords.args, modPos, file), [...(play.moduleDefaults ?? []), ...(own ? [own] : [])], modPos);
    this.validateArgs(mod, args, this.sm.pos(item, modName) ?? pos, file);
    const task: TaskNode = { kind: 'task', name, module: mod.name, args, keywords, pos, role, positions: this.sm };
    return [task];
  }

  private moduleArgs(mod: Module, value: unknown, extra: unknown, pos: SourcePos, file: string): Record<string, unknown> {
    let args: Record<string, unknown>;
    if (value === null || value === undefined) args = {};
    else if (isMap(value)) args = value;
    else if (typeof value === 'string' || typeof value === 'number') {
      const props = new Set(Object.keys((mod.schema.properties as Record<string, unknown>) ?? {}));
      try {
        args = parseFreeForm(String(value), props, mod.freeForm);
      } catch (e) {
        this.fail(`${mod.name}: ${(e as Error).message}`, pos, file);
      }
    } else this.fail(`${mod.name}: parameters must be a map`, pos, file);
    if (isMap(extra)) {
      const merged: Record<string, unknown> = { ...extra, ...args };
      return merged;
    }
    return args;
  }

  validateArgs(mod: Module, args: Record<string, unknown>, pos: SourcePos, file: string): void {
    // before the schema: its "must be string" would hide the fix for `mode: 644`
    const bad = modeParamError(mod.schema, args, true, (k) => this.sm.written(args, k) ?? (this.sm.pos(args) ? String(args[k]) : undefined));
    if (bad) this.fail(`${mod.name}: ${bad.message}`, this.sm.posAtPath(args, `/${bad.param}`) ?? pos, file);
    const v = this.ctx.schemas.get(mod.schema);
    const errs = relevantErrors(v, args, true);
    if (errs.length) {
      const e = errs[0];
      this.fail(`${mod.name}: ${describeAjvError(e)}${paramHint(mod.schema, e)}`, this.sm.posAtPath(args, e.instancePath) ?? pos, file);
    }
  }

  private async loadInclude(item: Record<string, unknown>, key: string, pos: SourcePos, file: string, baseDir: string, role: RoleContext | undefined, play: PlayState, depth: number): Promise<Node[]> {
    if (depth > MAX_INCLUDE_DEPTH) this.fail(`${key} nested more than ${MAX_INCLUDE_DEPTH} levels (a loop?)`, pos, file);
    const kind = key.replace(/^ansible\.builtin\./, '');
    const { keywords } = this.checkKeywords(item, 'include', file, play, [key], (k) => `unknown keyword "${k}" on ${kind}${didYouMean(k, acceptedAt('include'))}`);
    const val = item[key];
    if (kind === 'import_playbook') this.fail('import_playbook belongs at the top level of a playbook', pos, file);
    const dynamic = kind === 'include_tasks' || kind === 'include' || kind === 'include_role';
    // An include_* is a task of its own, run per host when reached (Ansible): its `when` is tested
    // once for the include, its loop includes the file once per item, its tags select the include
    // only, and what its tasks should inherit is written under `apply:`. Its other keywords would
    // apply to the include alone, where they mean nothing: refused rather than silently dropped.
    // import_* stays a block made at load time, whose keywords every task in it inherits.
    // An include with a literal file and no loop is not turned into such a block either: its
    // results would differ from Ansible's (a `when` that an included task makes false would skip
    // the rest of the file; its tags would select the included tasks). Its file is still loaded
    // and checked now. The shipped roles use import_* only, so they run as they did.
    if (dynamic) {
      const bad = Object.keys(keywords).find((k) => !INCLUDE_OWN_KEYWORDS.has(k));
      if (bad) {
        const hint = acceptedAt('block').includes(bad) ? `; to apply it to the included tasks write it under apply: (${kind}: {${kind === 'include_role' ? 'name' : 'file'}: …, apply: {${bad}: …}})` : '';
        this.fail(`"${bad}" is not supported on ${kind}: it would apply to the include itself, not to the included tasks${hint}`, this.sm.pos(item, bad), file);
      }
    } else if (keywords.loop !== undefined) {
      // an import is made once, at load: there is nothing to repeat per item (Ansible refuses it too)
      const at = ['loop', 'with_items', 'with_list'].find((k) => item[k] !== undefined) ?? 'loop';
      this.fail(`\`${at}\` cannot be used on ${kind}: an import is made once, at load; use ${kind.replace('import_', 'include_')} to repeat it per item`, this.sm.pos(item, at), file);
    } else if (keywords.loop_control !== undefined) {
      this.fail(`\`loop_control\` cannot be used on ${kind} (it has no loop; ${kind.replace('import_', 'include_')} has)`, this.sm.pos(item, 'loop_control'), file);
    }
    const apply = isMap(val) && val.apply !== undefined ? this.applyKeywords(val.apply, kind, dynamic, file, play) : {};
    if (kind === 'import_tasks' || kind === 'include_tasks' || kind === 'include') {
      if (isMap(val)) {
        const badParam = Object.keys(val).find((k) => k !== 'file' && k !== 'apply');
        if (badParam) this.fail(`${kind}: unknown parameter "${badParam}"${didYouMean(badParam, ['file', 'apply'])}`, this.sm.pos(val, badParam), file);
      }
      const rel = isMap(val) ? val.file : val;
      if (typeof rel !== 'string' || rel === '') this.fail(`${kind} needs a file name`, this.sm.pos(item, key), file);
      if (isTemplated(rel)) {
        // the file is known per host and item only: loaded and checked when the include runs
        if (!dynamic) this.fail(`${kind} needs a literal file name (include_tasks takes a templated one)`, this.sm.pos(item, key), file);
        return [this.includeNode(item, keywords, pos, role, [], { action: 'include_tasks', file: rel, baseDir, apply, loaded: false, where: this.sm.pos(item, key) ?? pos })];
      }
      // a literal file is loaded and checked now, before any host is contacted, even when it is
      // included dynamically
      const nodes = await this.loadTaskFile(rel, baseDir, kind, this.sm.pos(item, key) ?? pos, file, role, play, depth + 1);
      if (!dynamic) return [{ kind: 'block', name: item.name as string | undefined, block: nodes, rescue: [], always: [], keywords, pos, role }];
      return [this.includeNode(item, keywords, pos, role, nodes, { action: 'include_tasks', file: rel, baseDir, apply, loaded: true, where: this.sm.pos(item, key) ?? pos })];
    }
    // import_role / include_role
    if (!isMap(val) || typeof val.name !== 'string') this.fail(`${kind} needs "name:"`, this.sm.pos(item, key), file);
    const allowed = new Set(['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'public', 'allow_duplicates', 'apply', 'vars']);
    const bad = Object.keys(val).find((k) => !allowed.has(k));
    if (bad) this.fail(`${kind}: unknown parameter "${bad}"${didYouMean(bad, allowed)}`, this.sm.pos(val, bad), file);
    // the role is found and loaded now, so its parameters are checked before the run: its name
    // and entry points must be literal (a templated role name is refused as in roles:)
    for (const k of ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from']) {
      const v = val[k];
      if (v !== undefined && (typeof v !== 'string' || isTemplated(v))) this.fail(`${kind}: ${k} must be a literal file name`, this.sm.pos(val, k), file);
    }
    // public: true would make the role's vars and defaults the play's after the include; not done
    if (val.public !== undefined && val.public !== false) this.fail(`${kind}: "public" is not supported (the role's variables stay the role's)`, this.sm.pos(val, 'public'), file);
    const vars = isMap(val.vars) ? val.vars : isMap(keywords.vars) ? (keywords.vars as Record<string, unknown>) : {};
    const paramsPos = Object.fromEntries(Object.keys(vars).map((k) => [k, this.sm.pos(vars, k) ?? pos]));
    const from = (k: string) => (typeof val[k] === 'string' ? (val[k] as string) : undefined);
    const nodes = await this.loadRole(val.name, vars, this.sm.pos(item, key) ?? pos, file, play, depth + 1, {
      tasksFrom: from('tasks_from'),
      varsFrom: from('vars_from'),
      defaultsFrom: from('defaults_from'),
      handlersFrom: from('handlers_from'),
      dedupe: false,
      paramsPos,
    });
    if (!dynamic) return [{ kind: 'block', name: item.name as string | undefined, block: nodes, rescue: [], always: [], keywords, pos, role }];
    return [this.includeNode(item, keywords, pos, role, nodes, { action: 'include_role', baseDir, apply, loaded: true, where: this.sm.pos(item, key) ?? pos })];
  }

  private includeNode(item: Record<string, unknown>, keywords: Keywords, pos: SourcePos, role: RoleContext | undefined, nodes: Node[], include: IncludeSpec): BlockNode {
    return { kind: 'block', name: item.name as string | undefined, block: nodes, rescue: [], always: [], keywords, pos, role, include };
  }

  /** `apply:` of an include: the keywords of a block around the included tasks, checked as a block's */
  private applyKeywords(value: unknown, kind: string, dynamic: boolean, file: string, play: PlayState): Keywords {
    if (!dynamic) this.fail(`${kind}: "apply" is for include_tasks and include_role (an import's keywords already apply to its tasks)`, this.sm.pos(value) ?? { file }, file);
    if (!isMap(value)) this.fail(`${kind}: apply must be a map of task keywords`, this.sm.pos(value) ?? { file }, file);
    const part = Object.keys(value).find((k) => ['block', 'rescue', 'always'].includes(k));
    if (part) this.fail(`${kind}: "${part}" cannot be applied to included tasks`, this.sm.pos(value, part), file);
    return this.checkKeywords(value, 'block', file, play, [], (k) => `${kind}: "${k}" cannot be applied to included tasks${didYouMean(k, acceptedAt('block'))}`).keywords;
  }

  /** a task file named by an include or import, its tasks loaded and checked */
  private async loadTaskFile(rel: string, baseDir: string, kind: string, at: SourcePos, file: string, role: RoleContext | undefined, play: PlayState, depth: number): Promise<Node[]> {
    const target = isAbsolute(rel) ? rel : join(baseDir, rel);
    const { data } = await loadYamlFile(target, this.sm, this.ctx.secrets).catch((e) => {
      if (e instanceof InputError && e.message === 'file not found') this.fail(`${kind}: file not found: ${target}`, at, file);
      throw e;
    });
    return this.loadTaskList(data, target, dirname(target), role, play, depth);
  }

  /**
   * The tasks of a file an include_tasks names by a template, loaded when the include runs. They
   * are checked as at load time; the handlers of roles they import join the play's, and their
   * literal notify names must be handlers of the play. The error names the include as well.
   */
  async loadIncludedAtRunTime(spec: IncludeSpec, rel: string, role: RoleContext | undefined, play: Play): Promise<Node[]> {
    const state: PlayState = { seenRoles: new Set(), handlers: [], dir: play.dir, notifies: [], handlerRoles: new Set(), moduleDefaults: [...(spec.moduleDefaults ?? [])] };
    const nodes = await this.loadTaskFile(rel, spec.baseDir, spec.action, spec.where, spec.where.file ?? '', role, state, 1);
    const handlers = [...play.handlers, ...state.handlers];
    this.checkNotifies(state, handlers);
    play.handlers.push(...state.handlers);
    return nodes;
  }

  private async roleFromEntry(entry: unknown, pos: SourcePos, file: string, play: PlayState, depth: number): Promise<Node[] | undefined> {
    let name: string;
    let params: Record<string, unknown> = {};
    const paramsPos: Record<string, SourcePos> = {};
    const keywords: Keywords = {};
    if (typeof entry === 'string') name = entry;
    else if (isMap(entry)) {
      name = String(entry.role ?? entry.name);
      // keywords of the role entry pass down to its tasks; any other key is a role parameter
      const checked = this.levelKeywords(entry, 'role', file, ['role', 'name', 'vars']);
      Object.assign(keywords, checked.keywords);
      if (entry.vars !== undefined && entry.vars !== null && !isMap(entry.vars)) this.fail('vars of a role entry must be a map (they are the role\'s parameters)', this.sm.pos(entry, 'vars'), file);
      if (isMap(entry.vars)) {
        params = { ...params, ...entry.vars };
        for (const vk of Object.keys(entry.vars)) paramsPos[vk] = this.sm.pos(entry.vars, vk) ?? pos;
      }
      for (const k of checked.others) {
        params[k] = entry[k];
        paramsPos[k] = this.sm.pos(entry, k) ?? pos;
      }
    } else this.fail('a role entry must be a name or a map with "role:"', pos, file);
    const defaults = isMap(entry) ? await this.moduleDefaults(entry, file) : undefined;
    (play.roleKeywords ??= []).push(keywords);
    let nodes: Node[];
    try {
      nodes = await this.withDefaults(play, defaults, () => this.loadRole(name, params, pos, file, play, depth, { dedupe: true, paramsPos }));
    } finally {
      play.roleKeywords.pop();
    }
    if (!nodes.length) return undefined;
    return [{ kind: 'block', name: `role ${name}`, block: nodes, rescue: [], always: [], keywords, pos, role: undefined }];
  }

  /** A role's tasks as nodes (dependencies first), its handlers added to the play. */
  async loadRole(
    name: string,
    params: Record<string, unknown>,
    pos: SourcePos,
    file: string,
    play: PlayState,
    depth: number,
    opts: { tasksFrom?: string; varsFrom?: string; defaultsFrom?: string; handlersFrom?: string; dedupe: boolean; paramsPos?: Record<string, SourcePos> },
  ): Promise<Node[]> {
    if (depth > MAX_INCLUDE_DEPTH) this.fail(`role "${name}" nested too deeply (a dependency loop?)`, pos, file);
    if (isTemplated(name)) this.fail('role names must be literal', pos, file);
    // one directory given twice (a site's roles also passed as --roles-path) is one layer, not two
    const path = [...new Set([...(this.ctx.siteRolesPath ?? []), join(play.dir, 'roles'), ...this.ctx.rolesPath].map((d) => resolve(d)))];
    const dirs = findRoleDirs(name, path);
    if (!dirs) this.fail(`role "${name}" not found in: ${path.join(', ')}`, pos, file);
    const key = `${name}\0${JSON.stringify(params)}\0${opts.tasksFrom ?? ''}\0${opts.varsFrom ?? ''}\0${opts.defaultsFrom ?? ''}\0${opts.handlersFrom ?? ''}`;
    if (opts.dedupe && play.seenRoles.has(key)) return [];
    play.seenRoles.add(key);

    // defaults: shipped first, site extensions override key by key
    const defaults: Record<string, unknown> = {};
    const defaultsPos: Record<string, SourcePos> = {};
    const vars: Record<string, unknown> = {};
    // defaults_from / vars_from name the file read instead of main (in every layer of the role)
    const entry = (from: string | undefined) => (from ? from.replace(/\.ya?ml$/, '') : 'main');
    for (const [from, sub] of [[opts.defaultsFrom, 'defaults'], [opts.varsFrom, 'vars']] as const) {
      if (from && !dirs.all.some((d) => yamlFile(join(d, sub), entry(from)))) this.fail(`role "${name}" has no ${sub}/${from}`, pos, file);
    }
    // the defaults of the roles it depends on (meta/main.yml) are its own too, below its own (as
    // Ansible's role variables are visible to the role that depends on them): a role such as
    // cluster_defaults holds variables several roles share, set once
    await this.dependencyDefaults(dirs.main, path, defaults, defaultsPos, depth + 1);
    for (const d of [...dirs.all].reverse()) {
      const f = yamlFile(join(d, 'defaults'), entry(opts.defaultsFrom));
      const loaded = await this.loadVarsFile(f);
      Object.assign(defaults, loaded);
      for (const k of Object.keys(loaded)) defaultsPos[k] = this.sm.pos(loaded, k) ?? { file: f };
      Object.assign(vars, await this.loadVarsFile(yamlFile(join(d, 'vars'), entry(opts.varsFrom))));
    }
    const entryPoint = opts.tasksFrom ? opts.tasksFrom.replace(/\.ya?ml$/, '') : 'main';
    const role: RoleContext = {
      name,
      path: dirs.main,
      searchDirs: dirs.all,
      defaults,
      vars,
      params,
      schema: await loadRoleSchema(dirs.all, this.ctx.schemas, entryPoint),
      defaultsPos,
      paramsPos: opts.paramsPos ?? {},
      usedAt: pos,
    };
    const out: Node[] = [];
    // meta dependencies run first (once per play unless their parameters differ)
    const metaFile = yamlFile(join(dirs.main, 'meta'), 'main');
    if (metaFile) {
      const { data: meta } = await loadYamlFile(metaFile, this.sm, this.ctx.secrets);
      const deps = isMap(meta) && Array.isArray(meta.dependencies) ? meta.dependencies : [];
      for (const [i, dep] of deps.entries()) {
        const n = await this.roleFromEntry(dep, this.sm.pos(deps, i) ?? { file: metaFile }, metaFile, play, depth + 1);
        if (n) out.push(...n);
      }
    }
    const tasksDir = join(dirs.main, 'tasks');
    const mainBase = opts.tasksFrom ? opts.tasksFrom.replace(/\.ya?ml$/, '') : 'main';
    const hook = async (which: 'pre' | 'post') => {
      for (const d of dirs.all) {
        if (d === dirs.main) continue;
        const f = yamlFile(join(d, 'tasks'), which);
        if (f) {
          const { data } = await loadYamlFile(f, this.sm, this.ctx.secrets);
          out.push(...(await this.loadTaskList(data, f, join(d, 'tasks'), role, play, depth + 1)));
        }
      }
    };
    if (!opts.tasksFrom) await hook('pre');
    const mainFile = yamlFile(tasksDir, mainBase);
    if (!mainFile && opts.tasksFrom) this.fail(`role "${name}" has no tasks/${opts.tasksFrom}`, pos, file);
    if (mainFile) {
      const { data } = await loadYamlFile(mainFile, this.sm, this.ctx.secrets);
      out.push(...(await this.loadTaskList(data, mainFile, tasksDir, role, play, depth + 1)));
    }
    if (!opts.tasksFrom) await hook('post');
    const handlersFile = yamlFile(join(dirs.main, 'handlers'), entry(opts.handlersFrom));
    if (opts.handlersFrom && !handlersFile) this.fail(`role "${name}" has no handlers/${opts.handlersFrom}`, pos, file);
    const handlersKey = `${name}\0${entry(opts.handlersFrom)}`;
    if (handlersFile && !play.handlerRoles?.has(handlersKey)) {
      (play.handlerRoles ??= new Set()).add(handlersKey);
      const { data } = await loadYamlFile(handlersFile, this.sm, this.ctx.secrets);
      play.handlers.push(...(await this.loadHandlers(data, handlersFile, join(dirs.main, 'handlers'), role, play)));
    }
    return [{ kind: 'block', name: `role ${name}`, block: out, rescue: [], always: [], keywords: {}, pos, role }];
  }

  /** the main defaults of each meta dependency of the role in `dir` (theirs first), into `into` */
  private async dependencyDefaults(dir: string, path: string[], into: Record<string, unknown>, pos: Record<string, SourcePos>, depth: number): Promise<void> {
    const metaFile = yamlFile(join(dir, 'meta'), 'main');
    if (!metaFile) return;
    const { data: meta } = await loadYamlFile(metaFile, this.sm, this.ctx.secrets);
    const deps = isMap(meta) && Array.isArray(meta.dependencies) ? meta.dependencies : [];
    for (const [i, dep] of deps.entries()) {
      const name = typeof dep === 'string' ? dep : isMap(dep) ? dep.role ?? dep.name : undefined;
      if (typeof name !== 'string' || isTemplated(name)) continue; // loading the dependency names the error
      const at = this.sm.pos(deps, i) ?? { file: metaFile };
      if (depth > MAX_INCLUDE_DEPTH) this.fail(`role "${name}" nested too deeply (a dependency loop?)`, at, metaFile);
      const dirs = findRoleDirs(name, path);
      if (!dirs) continue;
      await this.dependencyDefaults(dirs.main, path, into, pos, depth + 1);
      for (const d of [...dirs.all].reverse()) {
        const f = yamlFile(join(d, 'defaults'), 'main');
        const loaded = await this.loadVarsFile(f);
        Object.assign(into, loaded);
        for (const k of Object.keys(loaded)) pos[k] = this.sm.pos(loaded, k) ?? { file: f };
      }
    }
  }

  async loadVarsFile(file: string | undefined): Promise<Record<string, unknown>> {
    if (!file || !existsSync(file)) return {};
    return loadVarsFile(file, this.sm, this.ctx.secrets);
  }
}

export interface PlayState {
  seenRoles: Set<string>;
  handlers: Handler[];
  handlerRoles?: Set<string>;
  dir: string;
  /** literal notify names and where they were written, checked at the end of the play */
  notifies: { name: string; pos: SourcePos }[];
  /** loading the play's handlers: tasks are at the handler level (listen:) */
  inHandlers?: boolean;
  /** the keywords of the role entries whose roles are being loaded, outermost first */
  roleKeywords?: Keywords[];
  /** the module_defaults of the play and of the blocks, roles and includes being loaded, outermost first */
  moduleDefaults?: ModuleDefaults[];
}


/** the fields of a Play that are not its settings */
const PLAY_PARTS = new Set(['name', 'hosts', 'vars', 'vars_files']);

const ERROR_PREFIX: Record<Level, string> = {
  play: 'play',
  role: 'role keyword',
  block: 'block keyword',
  task: 'task keyword',
  handler: 'task keyword',
  include: 'task keyword',
  import_playbook: 'import_playbook',
};

/** a template anywhere in a value */
function hasTemplate(v: unknown): boolean {
  if (typeof v === 'string') return isTemplated(v);
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (isMap(v)) return Object.values(v).some(hasTemplate);
  return false;
}

/** for an unknown parameter: the closest parameter the schema has at that place */
function paramHint(schema: Record<string, unknown>, e: ErrorObject): string {
  if (e.keyword !== 'additionalProperties') return '';
  let node: unknown = schema;
  for (const seg of e.instancePath.split('/').slice(1)) {
    const n = node as Record<string, unknown> | undefined;
    node = isMap(n?.properties) ? n.properties[seg] : isMap(n?.items) ? n.items : undefined;
  }
  const props = isMap(node) && isMap(node.properties) ? Object.keys(node.properties) : [];
  return didYouMean((e.params as { additionalProperty: string }).additionalProperty, props);
}

function describePlayError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown play keyword "${e.params.additionalProperty as string}"${didYouMean(e.params.additionalProperty as string, acceptedAt('play'))}`;
  if (e.keyword === 'required') return `play is missing "${e.params.missingProperty as string}"`;
  return `play ${describeAjvError(e)}`;
}
