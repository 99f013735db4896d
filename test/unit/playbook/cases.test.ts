// Replays every data-driven case of the playbook language in test/cases/playbook/*.yml|json:
// a playbook (plus inventory, roles, vars files) is written to a temporary directory and run
// through the programmatic API against hosts that all use the local connection. The case
// expects the ordered events "task | host | status", recap numbers, result values, or an error.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import yaml from 'js-yaml';
import { projectRoot } from '../../../engine/paths.js';
import { runPlaybook } from '../../../engine/runner/run.js';
import { PlainReporter } from '../../../engine/report/plain.js';
import { JsonReporter } from '../../../engine/report/json.js';
import type { HostResultEvent, Reporter } from '../../../engine/report/types.js';
import type { RunOptions } from '../../../engine/runner/options.js';
import { TsplayError } from '../../../engine/errors.js';

export interface PlaybookCase {
  name: string;
  /** an inventory (YAML inventory as data); default: h1 with the local connection */
  inventory?: unknown;
  /** more files, relative to the temp dir: text, or data written as YAML. inventory/ is the inventory dir. */
  files?: Record<string, unknown>;
  playbook: unknown[];
  /**
   * run with --check first, then for real: every event (task, host, status) and the exit code
   * of the prediction must be those of the real run, whose outcome `expect` describes
   */
  compare_check?: boolean;
  options?: {
    tags?: string[];
    skip_tags?: string[];
    start_at_task?: string;
    check?: boolean;
    diff?: boolean;
    force_handlers?: boolean;
    limit?: string;
    extra_vars?: Record<string, unknown>;
    roles_path?: string[];
    forks?: number;
    /** false: the run reads each task at its turn (RunOptions.readAhead) */
    read_ahead?: boolean;
  };
  expect: {
    exit_code?: number;
    /** every result event in order: "[HANDLER ][role / ]task | host | status[ | item=label]" */
    events?: string[];
    /** only these events, in this order, somewhere in the run */
    events_include?: string[];
    /** events that must not happen */
    events_exclude?: string[];
    /** recap numbers per host (only the keys given) */
    stats?: Record<string, Record<string, number>>;
    /** per task name, per host: keys the (last, non-item) result must have (objects and lists of objects
     *  compared key by key, other values deep equal; "<absent>" = key must not be there) */
    results?: Record<string, Record<string, Record<string, unknown>>>;
    /** per host: the most round trips its fact reads may take, and the fewest reads they carry */
    reads?: Record<string, { max_execs?: number; min_commands?: number }>;
    /** strings that must not appear in the plain nor the JSON output */
    absent?: string[];
    /** text the plain output must hold (\n for line ends) */
    plain?: string[];
    /** loading fails with an input error whose text contains this */
    error?: string;
    /** the error names this file (relative to the temp dir), and line when given */
    error_where?: { file: string; line?: number };
  };
}

const CASES_DIR = join(projectRoot(), 'test', 'cases', 'playbook');
const DEFAULT_INVENTORY = { all: { hosts: { h1: null }, vars: { ansible_connection: 'local' } } };

function substitute<T>(value: T, tmp: string): T {
  if (typeof value === 'string') return value.replaceAll('$TMP', tmp) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, tmp)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, tmp)])) as T;
  return value;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export function eventLine(ev: HostResultEvent): string {
  const t = ev.task;
  const head = `${t.handler ? 'HANDLER ' : ''}${t.role ? `${t.role} / ` : ''}${t.name}`;
  return `${head} | ${ev.host} | ${ev.status}${ev.itemLabel !== undefined ? ` | item=${ev.itemLabel}` : ''}`;
}

function loadCases(): PlaybookCase[] {
  const out: PlaybookCase[] = [];
  for (const f of readdirSync(CASES_DIR).sort()) {
    if (!/\.(ya?ml|json)$/.test(f)) continue;
    const text = readFileSync(join(CASES_DIR, f), 'utf8');
    const data = f.endsWith('.json') ? JSON.parse(text) : yaml.load(text);
    for (const c of Array.isArray(data) ? data : [data]) out.push({ ...(c as PlaybookCase), name: `${f}: ${(c as PlaybookCase).name}` });
  }
  return out;
}

/** a wanted value that must not be there */
const ABSENT = '<absent>';

/** An object contains the expected keys with deep-equal values (extra keys allowed). */
function expectSubset(actual: Record<string, unknown> | undefined, want: Record<string, unknown>, what: string): void {
  expect(actual, `${what}: no result`).to.not.equal(undefined);
  for (const [k, v] of Object.entries(want)) {
    const msg = `${what}.${k} in ${JSON.stringify(actual)}`;
    if (v === ABSENT) expect(actual!, msg).to.not.have.property(k);
    else if (v && typeof v === 'object' && !Array.isArray(v) && actual![k] && typeof actual![k] === 'object') expectSubset(actual![k] as Record<string, unknown>, v as Record<string, unknown>, `${what}.${k}`);
    else if (Array.isArray(v) && Array.isArray(actual![k]) && v.every((x) => x && typeof x === 'object')) {
      expect((actual![k] as unknown[]).length, msg).to.equal(v.length);
      v.forEach((x, i) => expectSubset((actual![k] as Record<string, unknown>[])[i], x as Record<string, unknown>, `${what}.${k}[${i}]`));
    } else expect(actual![k], msg).to.deep.equal(v);
  }
}

async function writeCaseFiles(c: PlaybookCase, tmp: string): Promise<void> {
  const put = async (rel: string, content: unknown) => {
    const p = join(tmp, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, typeof content === 'string' ? content : yaml.dump(content, { lineWidth: -1 }));
  };
  await put('inventory/hosts.yml', substitute(c.inventory ?? DEFAULT_INVENTORY, tmp));
  await put('playbook.yml', substitute(c.playbook, tmp));
  for (const [rel, content] of Object.entries(c.files ?? {})) await put(rel, substitute(content, tmp));
}

export async function runCase(c: PlaybookCase, tmp: string) {
  await writeCaseFiles(c, tmp);
  const events: HostResultEvent[] = [];
  const collector: Reporter = { onHostResult: (ev) => events.push(ev) };
  const plain = new Sink();
  const json = new Sink();
  const o = c.options ?? {};
  const opts: RunOptions = {
    playbook: join(tmp, 'playbook.yml'),
    inventory: [join(tmp, 'inventory')],
    check: o.check,
    diff: o.diff,
    limit: o.limit,
    tags: o.tags,
    skipTags: o.skip_tags,
    startAtTask: o.start_at_task,
    forceHandlers: o.force_handlers,
    extraVars: substitute(o.extra_vars, tmp),
    rolesPath: o.roles_path?.map((p) => join(tmp, p)),
    readAhead: o.read_ahead,
    // one host at a time: the event order is deterministic
    forks: o.forks ?? 1,
    reporters: [collector, new PlainReporter(plain, { verbose: true }), new JsonReporter(json)],
  };
  const result = await runPlaybook(opts);
  return { result, events, plain: plain.text, json: json.text };
}

describe('playbook language cases (test/cases/playbook)', function () {
  this.timeout(60_000);
  for (const c of loadCases()) {
    it(c.name, async () => {
      const tmp = await mkdtemp(join(tmpdir(), 'tsplay-pbcase-'));
      try {
        const want = c.expect;
        if (want.error !== undefined) {
          let err: unknown;
          await runCase(c, tmp).catch((e) => (err = e));
          expect(err, 'the run should fail to load').to.be.instanceOf(TsplayError);
          const e = err as TsplayError;
          expect(e.describe()).to.include(want.error);
          if (want.error_where) {
            expect(e.where.file).to.equal(join(tmp, want.error_where.file));
            if (want.error_where.line !== undefined) expect(e.where.line).to.equal(want.error_where.line);
          }
          return;
        }
        let predicted: string[] | undefined;
        if (c.compare_check) {
          const p = await runCase({ ...c, options: { ...c.options, check: true } }, tmp);
          predicted = [...p.events.map(eventLine), `exit code ${p.result.exitCode}`];
        }
        const { result, events, plain, json } = await runCase(c, tmp);
        const lines = events.map(eventLine);
        const shown = `events:\n  ${lines.join('\n  ')}\n`;
        if (predicted) expect(predicted, `--check predicted what the run did not\n${shown}`).to.deep.equal([...lines, `exit code ${result.exitCode}`]);
        expect(result.exitCode, shown + plain).to.equal(want.exit_code ?? 0);
        if (want.events) expect(lines, shown).to.deep.equal(want.events);
        if (want.events_include) {
          const found = lines.filter((l) => want.events_include!.includes(l));
          expect(found, shown).to.deep.equal(want.events_include);
        }
        for (const ex of want.events_exclude ?? []) expect(lines, shown).to.not.include(ex);
        const jsonStats = (JSON.parse(json) as { stats: Record<string, Record<string, unknown>> }).stats;
        for (const [host, s] of Object.entries(want.stats ?? {})) {
          expectSubset(result.stats[host] as unknown as Record<string, unknown>, s, `stats of ${host}`);
          expectSubset(jsonStats[host], s, `--json stats of ${host}`);
        }
        for (const [task, perHost] of Object.entries(want.results ?? {})) {
          for (const [host, keys] of Object.entries(perHost)) {
            const ev = events.filter((e) => e.task.name === task && e.host === host && e.itemLabel === undefined).at(-1);
            expectSubset(ev?.result, substitute(keys, tmp), `result of "${task}" on ${host}`);
          }
        }
        const reads = result.metrics.reads();
        for (const [host, r] of Object.entries(want.reads ?? {})) {
          const got = reads[host] ?? { execs: 0, commands: 0 };
          if (r.max_execs !== undefined) expect(got.execs, `round trips for reads on ${host}`).to.be.at.most(r.max_execs);
          if (r.min_commands !== undefined) expect(got.commands, `reads on ${host}`).to.be.at.least(r.min_commands);
        }
        for (const s of want.plain ?? []) expect(plain, 'plain output').to.include(substitute(s, tmp));
        for (const s of want.absent ?? []) {
          expect(plain, 'plain output').to.not.include(s);
          expect(json, 'JSON output').to.not.include(s);
        }
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  }
});

// The read strategy is a seam (engine/runner/read-ahead/strategy.ts): the read-ahead cases, run
// with it and with every read at its task's turn, give the same events, recap and exit code; the
// read-ahead's only difference is fewer round trips on a converged host, as the run's metrics count them.
describe('read strategies: the read-ahead cases give the same results with and without it', function () {
  this.timeout(60_000);
  const cases = loadCases().filter((c) => c.name.startsWith('read-ahead.yml: ') && c.expect.error === undefined);
  it('there are such cases', () => expect(cases.length).to.be.at.least(5));
  for (const c of cases) {
    it(c.name, async () => {
      const dirs = [await mkdtemp(join(tmpdir(), 'tsplay-ahead-')), await mkdtemp(join(tmpdir(), 'tsplay-noahead-'))];
      try {
        const [ahead, none] = [await runCase(c, dirs[0]), await runCase({ ...c, options: { ...c.options, read_ahead: false } }, dirs[1])];
        const outcome = (r: typeof ahead) => ({ events: r.events.map(eventLine), exitCode: r.result.exitCode, recap: r.result.stats });
        expect(outcome(none), 'without read-ahead').to.deep.equal(outcome(ahead));
        // round trips, as the run's metrics count them: where the case bounds them (converged hosts; where a
        // write makes a read made ahead stale it is made again), reading each task at its turn exceeds the
        // bound, and takes more round trips than the read-ahead (by a margin where the case leaves one)
        for (const [host, want] of Object.entries(c.expect.reads ?? {})) {
          const [a, n] = [ahead.result.metrics.reads()[host]?.execs ?? 0, none.result.metrics.reads()[host]?.execs ?? 0];
          if (want.max_execs === undefined) continue;
          expect(n, `round trips on ${host} without read-ahead`).to.be.above(want.max_execs);
          if (2 * want.max_execs <= n) expect(a, `round trips on ${host} with read-ahead`).to.be.below(n);
        }
      } finally {
        for (const d of dirs) await rm(d, { recursive: true, force: true });
      }
    });
  }
});
