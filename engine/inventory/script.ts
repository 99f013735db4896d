// Dynamic inventory scripts, as Ansible's script inventory plugin runs them: an executable file
// given as inventory is run with `--list` and prints JSON: each group as a list of host names or
// {hosts, vars, children}, and `_meta.hostvars` with every host's variables; without `_meta`,
// the script is run again with `--host NAME` for each host. The script runs as the user running
// tsplay, directly (no shell), from the current directory, with tsplay's environment.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { InventoryBuilder } from './builder.js';

type Obj = Record<string, unknown>;

/** what a script may print: enough for an inventory of many thousands of hosts */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
/** stderr shown in an error: its end, where the reason usually is */
const STDERR_SHOWN = 4000;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An executable file that starts as a program does (#! or an ELF header) is a script; an inventory
 * data file that merely has its x bit set (a checkout on a FAT disk, a careless chmod) is read as data.
 */
export async function isInventoryScript(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
  } catch {
    return false;
  }
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    const start = head.subarray(0, bytesRead);
    return start.subarray(0, 2).toString('latin1') === '#!' || start.toString('latin1') === '\x7fELF';
  } finally {
    await fh.close();
  }
}

interface Ran {
  stdout: string;
  stderr: string;
}

function runScript(file: string, args: string[]): Promise<Ran> {
  const what = `inventory script run with ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_OUTPUT_BYTES) {
        tooBig = true;
        child.kill('SIGKILL');
      } else out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      if (err.length > 64) err.splice(0, err.length - 64);
    });
    child.on('error', (e: NodeJS.ErrnoException) => reject(new InputError(`${what} could not be run: ${e.code ?? e.message}`, { file })));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const shown = stderr.trim() ? `; its stderr:\n${stderr.length > STDERR_SHOWN ? `…${stderr.slice(-STDERR_SHOWN)}` : stderr.trimEnd()}` : ' (nothing on stderr)';
      if (tooBig) return reject(new InputError(`${what} printed more than ${MAX_OUTPUT_BYTES} bytes`, { file }));
      if (code !== 0) return reject(new InputError(`${what} failed (${signal ? `killed by ${signal}` : `exit status ${code}`})${shown}`, { file }));
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: shown });
    });
  });
}

function parseJson(file: string, args: string[], ran: Ran): unknown {
  try {
    return JSON.parse(ran.stdout);
  } catch (e) {
    const start = ran.stdout.trim().split('\n')[0]?.slice(0, 200) ?? '';
    const why = (e as Error).message.split(/[,\n]/)[0];
    throw new InputError(
      `inventory script run with ${args.join(' ')} did not print JSON (${why})${start ? `; its output starts: ${JSON.stringify(start)}` : '; it printed nothing'}${ran.stderr}`,
      { file },
    );
  }
}

/** runs the script and adds what it prints to the inventory */
export async function loadInventoryScript(file: string, inv: InventoryBuilder): Promise<void> {
  const list = parseJson(file, ['--list'], await runScript(file, ['--list']));
  const bad = (msg: string) => new InputError(`inventory script run with --list: ${msg}`, { file });
  if (!isObj(list)) throw bad('the JSON must be an object of groups (and _meta)');
  const where = { file };
  const hostvars = new Map<string, Obj>();
  const meta = list._meta;
  if (meta !== undefined) {
    if (!isObj(meta) || (meta.hostvars !== undefined && !isObj(meta.hostvars))) throw bad('_meta must be an object with hostvars: {HOST: {VAR: value}}');
    for (const [host, vars] of Object.entries((meta.hostvars as Obj | undefined) ?? {})) {
      if (vars !== null && !isObj(vars)) throw bad(`_meta.hostvars.${host} must be an object of variables`);
      hostvars.set(host, (vars as Obj | null) ?? {});
    }
  }
  const names = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) throw bad(`${what} must be a list of names`);
    return v.map(String);
  };
  for (const [group, body] of Object.entries(list)) {
    if (group === '_meta') continue;
    inv.addGroup(group, where);
    // the old form: a group is the list of its hosts
    const g: Obj = Array.isArray(body) ? { hosts: body } : isObj(body) ? body : {};
    if (!Array.isArray(body) && !isObj(body) && body !== null) throw bad(`group "${group}" must be a list of hosts or an object with hosts, vars, children`);
    for (const key of Object.keys(g)) if (!['hosts', 'vars', 'children'].includes(key)) throw bad(`group "${group}" has "${key}"; a group has hosts, vars and children`);
    for (const host of g.hosts === undefined ? [] : names(g.hosts, `hosts of group "${group}"`)) inv.addHost(host, group, where);
    if (g.vars !== undefined) {
      if (!isObj(g.vars)) throw bad(`vars of group "${group}" must be an object`);
      for (const [k, v] of Object.entries(g.vars)) inv.setGroupVar(group, k, v, where);
    }
    for (const child of g.children === undefined ? [] : names(g.children, `children of group "${group}"`)) inv.addChild(group, child, where);
  }
  // a host only in _meta.hostvars is a host of the inventory too (Ansible adds it)
  for (const host of hostvars.keys()) inv.addHost(host, undefined, where);
  for (const host of meta === undefined ? scriptHosts(inv, file) : []) {
    const vars = parseJson(file, ['--host', host], await runScript(file, ['--host', host]));
    if (!isObj(vars)) throw new InputError(`inventory script run with --host ${host}: the JSON must be an object of variables`, { file });
    hostvars.set(host, vars);
  }
  for (const [host, vars] of hostvars) for (const [k, v] of Object.entries(vars)) inv.setHostVar(host, k, v, where);
}

/** the hosts this script brought (asked one by one with --host when it gave no _meta) */
function scriptHosts(inv: InventoryBuilder, file: string): string[] {
  return [...inv.hosts.values()].filter((h) => h.inventoryFile === file).map((h) => h.name);
}
