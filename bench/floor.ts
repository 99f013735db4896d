// The floor as its own process (so its wall time includes a Node start, like the engines'):
// node dist/bench/floor.js SPEC.json per-task|batched   (SPEC: FloorHost[])
import { readFileSync } from 'node:fs';
import { runFloor, type FloorHost, type FloorMode } from './lib/floor.js';

const [specFile, mode] = process.argv.slice(2);
if (!specFile || (mode !== 'per-task' && mode !== 'batched')) {
  process.stderr.write('usage: floor.js SPEC.json per-task|batched\n');
  process.exit(2);
}
const hosts = JSON.parse(readFileSync(specFile, 'utf8')) as FloorHost[];
const lines = await runFloor(hosts, mode as FloorMode);
process.stdout.write(lines.join('\n') + '\n');
process.exit(lines.some((l) => !/ unreachable=0 failed=0 /.test(l)) ? 2 : 0);
