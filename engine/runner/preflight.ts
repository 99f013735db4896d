// Checks made before any host is contacted: files that tasks name literally must exist, and a
// template file named literally must parse (its syntax error names the file, line and column).
import { readFileSync, statSync } from 'node:fs';
import type { Node, Play } from '../playbook/model.js';
import { utf8Text } from '../utf8.js';
import { isTemplated } from '../playbook/ajv.js';
import type { RunContext } from './run-context.js';

const SRC_KIND: Record<string, 'files' | 'templates'> = { template: 'templates', copy: 'files', unarchive: 'files' };

export function preflight(run: RunContext, play: Play, checked = new Set<string>()): void {
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.kind === 'block') {
        walk(n.block);
        walk(n.rescue);
        walk(n.always);
        continue;
      }
      const kind = SRC_KIND[n.module];
      const src = n.args.src;
      if (!kind || typeof src !== 'string' || isTemplated(src) || n.args.remote_src) continue;
      const where = n.positions.pos(n.args, 'src') ?? n.pos;
      const task = n.name ?? n.module;
      const file = run.findFile(kind, src, n.role, play.dir, { ...where, task });
      // each file once per run, however many tasks or plays use it
      if (kind === 'templates' && !checked.has(file) && statSync(file).isFile()) {
        checked.add(file);
        run.templater.checkText(utf8Text(readFileSync(file), file, { keepBom: true }), { file, task });
      }
    }
  };
  walk(play.preTasks);
  walk(play.tasks);
  walk(play.postTasks);
  walk(play.handlers);
}
