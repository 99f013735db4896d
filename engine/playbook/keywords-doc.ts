// The README's keyword list, made from the keyword table (keywords.ts), so that it cannot say
// other than what the loader does. test/unit/playbook/keywords.test.ts checks that README.md holds
// exactly this between its markers; `node dist/engine/playbook/keywords-doc.js --write` rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYWORDS, WITH_LOOKUP, refusal, type Level } from './keywords.js';
import { projectRoot } from '../paths.js';

export const README_START = '<!-- keywords: generated from engine/playbook/keywords.ts -->';
export const README_END = '<!-- end of keywords -->';

const SHORT: Record<Level, string> = { play: 'play', role: 'role', block: 'block', task: 'task', handler: 'handler', include: 'include', import_playbook: 'import_playbook' };

function status(name: string): string {
  const spec = KEYWORDS[name];
  if (spec.refused) return `refused: ${spec.refused}`;
  const refusedAt = spec.levels.filter((l) => refusal(spec, l) !== undefined);
  const parts = ['implemented'];
  for (const l of refusedAt) parts.push(`refused on ${SHORT[l]}: ${refusal(spec, l)}`);
  return parts.join('; ');
}

/** the Markdown between the README's markers */
export function keywordsMarkdown(): string {
  const names = Object.keys(KEYWORDS).sort();
  const rows = names.map((k) => `| \`${k}\` | ${KEYWORDS[k].levels.map((l) => SHORT[l]).join(', ')} | ${status(k).replace(/\|/g, '\\|')} |`);
  return [
    README_START,
    '| keyword | where | status |',
    '| --- | --- | --- |',
    ...rows,
    `| \`with_<lookup>\` | ${WITH_LOOKUP.levels.map((l) => SHORT[l]).join(', ')} | refused: ${WITH_LOOKUP.refused} |`,
    README_END,
  ].join('\n');
}

/** README text with its keyword list replaced by the table's */
export function withKeywords(readme: string): string {
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`README.md has no keyword list between "${README_START}" and "${README_END}"`);
  return readme.slice(0, a) + keywordsMarkdown() + readme.slice(b + README_END.length);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  const file = join(projectRoot(), 'README.md');
  writeFileSync(file, withKeywords(readFileSync(file, 'utf8')));
  process.stdout.write(`wrote the keyword list of ${file}\n`);
}
