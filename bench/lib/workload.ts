// W1's playbook: 60 tasks per host in the subset both engines accept ({{ var }} interpolation, a simple when).
// Generated, not hand-written, so the floor runs exactly the same checks as the engines' tasks.
import { dump } from 'js-yaml';

/** One task of the workload, with what a converged host must already show for it. */
export type WorkloadTask =
  | { kind: 'file'; name: string; dir: string }
  | { kind: 'copy'; name: string; dest: string; content: string }
  | { kind: 'lineinfile'; name: string; path: string; regexp: string; line: string }
  | { kind: 'command'; name: string; creates: string };

const pad = (i: number) => String(i).padStart(2, '0');

/** The 60 tasks, paths relative to the host's root directory (variable bench_root). */
export function w1Tasks(): WorkloadTask[] {
  const tasks: WorkloadTask[] = [];
  for (let i = 1; i <= 20; i++) tasks.push({ kind: 'file', name: `dir ${pad(i)}`, dir: `d${pad(i)}` });
  for (let i = 1; i <= 20; i++)
    tasks.push({ kind: 'copy', name: `file ${pad(i)}`, dest: `d${pad(i)}/f.txt`, content: `bench file ${pad(i)}\n` });
  for (let i = 1; i <= 10; i++)
    tasks.push({ kind: 'lineinfile', name: `line ${pad(i)}`, path: `d${pad(i)}/s.conf`, regexp: `^key${pad(i)} =`, line: `key${pad(i)} = ${i}` });
  for (let i = 1; i <= 10; i++) tasks.push({ kind: 'command', name: `marker ${pad(i)}`, creates: `d${pad(i)}/marker` });
  return tasks;
}

const at = (rel: string) => `{{ bench_root }}/${rel}`;

function taskYaml(t: WorkloadTask): Record<string, unknown> {
  switch (t.kind) {
    case 'file':
      return { name: t.name, file: { path: at(t.dir), state: 'directory', mode: '0755' } };
    case 'copy':
      return { name: t.name, copy: { dest: at(t.dest), content: t.content, mode: '0644' } };
    case 'lineinfile':
      return { name: t.name, lineinfile: { path: at(t.path), regexp: t.regexp, line: t.line, create: true, mode: '0644' } };
    case 'command':
      return { name: t.name, command: { cmd: `touch ${at(t.creates)}`, creates: at(t.creates) }, when: 'bench_enabled' };
  }
}

/** W1/W2/W5 playbook text; the same bytes for both engines. */
export function w1Playbook(hosts = 'bench'): string {
  const play = { name: 'bench W1', hosts, gather_facts: false, vars: { bench_enabled: true }, tasks: w1Tasks().map(taskYaml) };
  return dump([play], { lineWidth: -1, noRefs: true });
}

/** W3 playbook: fact gathering only. */
export function w3Playbook(hosts = 'bench'): string {
  return dump([{ name: 'bench W3 facts', hosts, gather_facts: true, tasks: [] }], { lineWidth: -1 });
}
