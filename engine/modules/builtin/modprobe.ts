// modprobe: a kernel module loaded or unloaded, optionally persisted across boots
// (/etc/modules-load.d/NAME.conf, options in /etc/modprobe.d/NAME.conf).
import type { Module, Plan, TaskResult, FileDiff } from '../types.js';
import { sh, joinCommands, type ShellCommand } from '../../transport/quote.js';
import { kernelModuleState, modulesLoadPath, modprobeOptionsPath, type KernelModuleState } from '../../facts/kernel-module-state.js';

export interface ModprobeParams {
  name: string;
  state?: 'present' | 'absent';
  params?: string;
  persistent?: 'present' | 'absent' | 'disabled';
}

interface ModprobePlanData {
  load?: boolean;
  unload?: boolean;
  /** path -> new content; null removes the file */
  files: Record<string, string | null>;
}

const paramWords = (params: string | undefined) => (params ?? '').trim().split(/\s+/).filter(Boolean);

export const modprobeModule: Module<ModprobeParams, KernelModuleState> = {
  name: 'modprobe',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Load or unload a kernel module, optionally at every boot.',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'The kernel module.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: loaded; absent: unloaded (a built-in module cannot be).' },
      params: { type: 'string', pattern: '^[^\\n]*$', default: '', description: 'Module parameters, as modprobe takes them (key=value words).' },
      persistent: { enum: ['present', 'absent', 'disabled'], default: 'disabled', description: 'present: loaded at boot (modules-load.d, with params in modprobe.d); absent: those files removed; disabled: left alone.' },
    },
  },

  read(ctx, p) {
    return ctx.facts.get(kernelModuleState, { name: p.name }, ctx.become);
  },

  diff(p, cur): Plan {
    const state = p.state ?? 'present';
    const data: ModprobePlanData = { files: {} };
    const what: string[] = [];
    const ok: string[] = [];
    if (state === 'present') {
      if (cur.builtin) ok.push(`${p.name} is built into the kernel`);
      else if (cur.loaded) ok.push(`${p.name} is loaded`);
      else if (cur.feature) ok.push(`${p.name} is in the running kernel (${cur.feature} is there)`);
      else if (!cur.modprobe) return { kind: 'fail', msg: `cannot load ${p.name}: modprobe is not installed (kmod)` };
      else {
        data.load = true;
        what.push(`load ${p.name}${p.params ? ` (${p.params})` : ''}`);
      }
    } else if (cur.builtin || (cur.feature && !cur.loaded)) {
      return { kind: 'fail', msg: `${p.name} is built into the kernel and cannot be unloaded` };
    } else if (cur.loaded) {
      data.unload = true;
      what.push(`unload ${p.name}`);
    } else ok.push(`${p.name} is not loaded`);

    const persistent = p.persistent ?? 'disabled';
    const fileDiffs: FileDiff[] = [];
    const want = (path: string, before: string | null, after: string | null) => {
      if (before === after) return;
      data.files[path] = after;
      fileDiffs.push({ path, before: before ?? undefined, after: after ?? undefined });
      what.push(after === null ? `remove ${path}` : `write ${path}`);
    };
    if (persistent === 'present') {
      want(modulesLoadPath(p.name), cur.loadFile, `${p.name}\n`);
      const words = paramWords(p.params);
      want(modprobeOptionsPath(p.name), cur.optionsFile, words.length ? `options ${p.name} ${words.join(' ')}\n` : cur.optionsFile);
    } else if (persistent === 'absent') {
      want(modulesLoadPath(p.name), cur.loadFile, null);
      want(modprobeOptionsPath(p.name), cur.optionsFile, null);
    }
    if (persistent !== 'disabled' && !Object.keys(data.files).length) ok.push(`persistence files ${persistent === 'present' ? 'in place' : 'absent'}`);
    if (!what.length) return { kind: 'noop', reason: ok.join('; ') };
    return { kind: 'change', summary: what.join('; '), fileDiffs, data };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as ModprobePlanData;
    const opts = { become: ctx.become };
    const cmds: ShellCommand[] = [];
    if (data.load) cmds.push(sh`modprobe -- ${p.name} ${paramWords(p.params)}`);
    if (data.unload) cmds.push(sh`modprobe -r -- ${p.name}`);
    const removals = Object.entries(data.files).filter(([, c]) => c === null).map(([path]) => path);
    if (removals.length) cmds.push(sh`rm -f -- ${removals}`);
    for (const [path, content] of Object.entries(data.files)) {
      if (content !== null) await ctx.transport.put(Buffer.from(content), path, { become: ctx.become });
    }
    if (cmds.length) {
      const r = await ctx.transport.exec(joinCommands(cmds), opts);
      if (r.exitCode !== 0) {
        return { changed: Object.keys(data.files).length > 0, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `${plan.summary}: failed: ${r.stderr.trim()}` };
      }
    }
    return { changed: true, msg: plan.summary, diff: plan.fileDiffs };
  },
};
