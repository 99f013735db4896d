// Puts the latest table into bench/README.md between two markers, leaving the prose around it alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN = '<!-- bench:results:begin -->';
const END = '<!-- bench:results:end -->';

export function withTable(readme: string, table: string): string {
  const block = `${BEGIN}\n${table}\n${END}`;
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a >= 0 && b > a) return readme.slice(0, a) + block + readme.slice(b + END.length);
  return `${readme.trimEnd()}\n\n## Latest results\n\n${block}\n`;
}

export function updateReadme(file: string, table: string): void {
  writeFileSync(file, withTable(existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n', table));
}
