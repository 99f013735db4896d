// Before any host is contacted: every template in task arguments and keywords compiles, and
// every condition parses as CEL, so a typo is an input error naming its line (exit 4), not a
// failure halfway through a run. Compiled forms stay cached for the run.
import type { Node, Play, TaskNode } from '../playbook/model.js';
import type { TemplateEngine } from './template-engine.js';
import { isTemplated } from '../playbook/ajv.js';
import { keywordsTemplated } from '../playbook/keywords.js';
import type { Keywords } from '../playbook/model.js';
import type { SourcePos } from '../errors.js';

// from the keyword table: what a run renders or evaluates is what is checked here
const CONDITIONS = keywordsTemplated('condition');
const TEMPLATED_KEYWORDS = keywordsTemplated('rendered');

function checkKeywords(keywords: Keywords, templater: TemplateEngine, where: SourcePos & { task?: string }): void {
  for (const k of TEMPLATED_KEYWORDS) if (keywords[k] !== undefined) templater.checkTemplates(keywords[k], where);
  for (const k of CONDITIONS) if (keywords[k] !== undefined) templater.checkCondition(keywords[k], where);
}

function checkTask(t: TaskNode, templater: TemplateEngine): void {
  const task = t.name ?? t.module;
  templater.checkTemplates(t.args, (path) => ({ ...(t.positions.posAtPath(t.args, '/' + path.join('/')) ?? t.pos), task }));
  checkKeywords(t.keywords, templater, { ...t.pos, task });
  // assert's `that` is CEL too; one written with {{ }} is rendered first, so only a run can check it
  if (t.module === 'assert') {
    const that = t.args.that;
    for (const [i, c] of (Array.isArray(that) ? that : [that]).entries()) {
      if (typeof c !== 'string' || isTemplated(c)) continue;
      const at = t.positions.posAtPath(t.args, Array.isArray(that) ? `/that/${i}` : '/that') ?? t.pos;
      templater.checkCondition(c, { ...at, task });
    }
  }
}

function walk(nodes: Node[], templater: TemplateEngine, roles = new Set<object>()): void {
  for (const n of nodes) {
    if (n.role && !roles.has(n.role)) {
      roles.add(n.role);
      templater.checkTemplates(n.role.defaults, { file: n.role.path });
      templater.checkTemplates(n.role.vars, { file: n.role.path });
    }
    if (n.kind === 'task') {
      checkTask(n, templater);
      continue;
    }
    checkKeywords(n.keywords, templater, n.pos);
    // an include's file name is rendered when it runs: it compiles now
    if (n.include?.file !== undefined) templater.checkTemplates(n.include.file, n.include.where);
    walk(n.block, templater, roles);
    walk(n.rescue, templater, roles);
    walk(n.always, templater, roles);
  }
}

export function checkPlaySyntax(play: Play, templater: TemplateEngine): void {
  templater.checkTemplates(play.vars, play.pos);
  checkKeywords(play.keywords, templater, play.pos);
  walk(play.preTasks, templater);
  walk(play.tasks, templater);
  walk(play.postTasks, templater);
  walk(play.handlers, templater);
}
