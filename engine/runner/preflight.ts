// Checks made before any host is contacted: files that tasks name literally must exist.
import type { Node, Play } from '../playbook/model.js';
import { isTemplated } from '../playbook/ajv.js';
import type { RunContext } from './run-context.js';

const SRC_KIND: Record<string, 'files' | 'templates'> = { template: 'templates', copy: 'files', unarchive: 'files' };

export function preflight(run: RunContext, play: Play): void {
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
      run.findFile(kind, src, n.role, play.dir, { ...where, task: n.name ?? n.module });
    }
  };
  walk(play.preTasks);
  walk(play.tasks);
  walk(play.postTasks);
  walk(play.handlers);
}
