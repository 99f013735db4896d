// Replays the data-driven plan cases in test/cases/plan/*.yml: each writes a playbook, an inventory
// of hosts on the local connection and its files into a temporary directory, then runs the real CLI
// step by step (`tsplay run --check --plan-out`, hand edits of files or of the plan, `tsplay apply`,
// `plan show`, `plan diff`) and checks each step's exit code, output, files and the plan written.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import yaml from 'js-yaml';
import { projectRoot } from '../../../engine/paths.js';
import { tsplay } from '../../e2e/run-tsplay.js';
import type { PlanDoc, PlanEntry } from '../../../engine/plan/types.js';

interface Step {
  /** the CLI's arguments ($TMP is the case's directory, also the working directory) */
  tsplay?: string[];
  /** files written (a hand edit between plan and apply) */
  write?: Record<string, string>;
  /** a plan file edited by hand: the value at a JSON pointer replaced */
  patch?: { file: string; pointer: string; value: unknown };
  expect?: {
    code?: number;
    /** texts stdout (or stderr) must hold, in this order */
    stdout?: string[];
    stderr?: string[];
    /** texts neither may hold */
    absent?: string[];
    /** files and their content afterwards ("<absent>": no such file); `mode:` checks a mode */
    files?: Record<string, string>;
    modes?: Record<string, string>;
    /** the plan file written: each entry as "host | task | outcome[ | item=label]" in order */
    plan?: { file: string; entries?: string[]; entry?: Record<string, Record<string, unknown>>; absent?: string[] };
  };
}

interface PlanCase {
  name: string;
  inventory?: unknown;
  files?: Record<string, unknown>;
  playbook: unknown[];
  steps: Step[];
}

const CASES_DIR = join(projectRoot(), 'test', 'cases', 'plan');
const DEFAULT_INVENTORY = { all: { hosts: { h1: null }, vars: { ansible_connection: 'local' } } };

function substitute<T>(value: T, tmp: string): T {
  if (typeof value === 'string') return value.replaceAll('$TMP', tmp) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, tmp)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, tmp)])) as T;
  return value;
}

function loadCases(): PlanCase[] {
  const out: PlanCase[] = [];
  for (const f of readdirSync(CASES_DIR).sort()) {
    if (!/\.ya?ml$/.test(f)) continue;
    for (const c of yaml.load(readFileSync(join(CASES_DIR, f), 'utf8')) as PlanCase[]) out.push({ ...c, name: `${f}: ${c.name}` });
  }
  return out;
}

export function entryLine(e: PlanEntry): string {
  return `${e.host} | ${e.role ? `${e.role} : ` : ''}${e.task} | ${e.outcome}${e.item ? ` | item=${e.item.label}` : ''}`;
}

/** an object holds the wanted keys with deep-equal values (objects compared key by key) */
function expectSubset(actual: unknown, want: Record<string, unknown>, what: string): void {
  expect(actual, `${what}: missing`).to.be.an('object');
  for (const [k, v] of Object.entries(want)) {
    const a = (actual as Record<string, unknown>)[k];
    if (v === '<absent>') expect(actual as object, `${what}.${k}`).to.not.have.property(k);
    else if (v && typeof v === 'object' && !Array.isArray(v)) expectSubset(a, v as Record<string, unknown>, `${what}.${k}`);
    else if (typeof v === 'string' && v.startsWith('~')) expect(String(a), `${what}.${k}`).to.match(new RegExp(v.slice(1)));
    else expect(a, `${what}.${k} in ${JSON.stringify(actual)}`).to.deep.equal(v);
  }
}

function inOrder(text: string, wanted: string[], what: string): void {
  let at = 0;
  for (const w of wanted) {
    const i = text.indexOf(w, at);
    expect(i, `${what} should hold ${JSON.stringify(w)} (after position ${at}):\n${text}`).to.be.greaterThan(-1);
    at = i + w.length;
  }
}

async function runStep(s: Step, tmp: string, n: number): Promise<void> {
  for (const [rel, content] of Object.entries(s.write ?? {})) {
    await mkdir(dirname(join(tmp, rel)), { recursive: true });
    await writeFile(join(tmp, rel), content);
  }
  if (s.patch) {
    const p = join(tmp, s.patch.file);
    const doc = JSON.parse(await readFile(p, 'utf8')) as Record<string, unknown>;
    const keys = s.patch.pointer.split('/').slice(1);
    let o = doc as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[keys.at(-1)!] = s.patch.value;
    await writeFile(p, JSON.stringify(doc, null, 2));
  }
  const what = `step ${n + 1}${s.tsplay ? ` (tsplay ${s.tsplay.join(' ')})` : ''}`;
  const r = s.tsplay ? await tsplay(s.tsplay, { cwd: tmp, env: { CI: '1', NO_COLOR: '1' } }) : { code: 0, stdout: '', stderr: '' };
  const e = s.expect;
  if (!e) return;
  const out = `${r.stdout}\n--- stderr ---\n${r.stderr}`;
  if (e.code !== undefined) expect(r.code, `${what} exit code:\n${out}`).to.equal(e.code);
  if (e.stdout) inOrder(r.stdout, e.stdout, `${what} stdout`);
  if (e.stderr) inOrder(r.stderr, e.stderr, `${what} stderr`);
  for (const a of e.absent ?? []) expect(out, `${what}: ${a} must not be shown`).to.not.contain(a);
  for (const [rel, content] of Object.entries(e.files ?? {})) {
    const text = await readFile(join(tmp, rel), 'utf8').catch(() => '<absent>');
    expect(text, `${what}: ${rel}`).to.equal(content);
  }
  for (const [rel, mode] of Object.entries(e.modes ?? {})) {
    expect(((await stat(join(tmp, rel))).mode & 0o7777).toString(8).padStart(4, '0'), `${what}: mode of ${rel}`).to.equal(mode);
  }
  if (e.plan) {
    const text = await readFile(join(tmp, e.plan.file), 'utf8');
    const doc = JSON.parse(text) as PlanDoc;
    if (e.plan.entries) expect(doc.entries.map(entryLine), `${what}: the plan's entries`).to.deep.equal(e.plan.entries);
    for (const [task, want] of Object.entries(e.plan.entry ?? {})) {
      const found = doc.entries.find((x) => x.task === task);
      expectSubset(found, substitute(want, tmp), `${what}: entry ${task}`);
    }
    for (const a of e.plan.absent ?? []) expect(text, `${what}: the plan must not hold ${a}`).to.not.contain(a);
  }
}

describe('plan cases (test/cases/plan)', function () {
  this.timeout(120_000);
  for (const c of loadCases()) {
    it(c.name, async () => {
      const tmp = await mkdtemp(join(tmpdir(), 'tsplay-plan-'));
      try {
        const put = async (rel: string, content: unknown) => {
          const p = join(tmp, rel);
          await mkdir(dirname(p), { recursive: true });
          await writeFile(p, typeof content === 'string' ? content : yaml.dump(content, { lineWidth: -1 }));
        };
        await put('inventory/hosts.yml', substitute(c.inventory ?? DEFAULT_INVENTORY, tmp));
        await put('playbook.yml', substitute(c.playbook, tmp));
        for (const [rel, content] of Object.entries(c.files ?? {})) await put(rel, substitute(content, tmp));
        for (const [i, s] of c.steps.entries()) await runStep(substitute(s, tmp), tmp, i);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  }
});
