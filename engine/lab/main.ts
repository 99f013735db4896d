// Script entry until the CLI wires the lab in:
//   node dist/engine/lab/main.js up [--hosts N] | down [--wipe] | status [--json]
import { labUp, labDown, labStatus, formatLabStatus } from './index.js';

function usage(): never {
  process.stderr.write('usage: main.js up [--hosts N] | down [--wipe] | status [--json]\n');
  process.exit(5);
}

function stamp(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const flag = (name: string) => rest.includes(name);
  if (cmd === 'up') {
    let hosts: number | undefined;
    const i = rest.indexOf('--hosts');
    if (i >= 0) {
      hosts = Number(rest[i + 1]);
      if (rest[i + 1] === undefined) usage();
    }
    const t = Date.now();
    const s = await labUp({ hosts, log: stamp });
    stamp(`done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    process.stdout.write(formatLabStatus(s) + '\n');
  } else if (cmd === 'down') {
    await labDown({ log: stamp, wipe: flag('--wipe') });
  } else if (cmd === 'status') {
    const s = await labStatus();
    process.stdout.write((flag('--json') ? JSON.stringify(s, null, 2) : formatLabStatus(s)) + '\n');
  } else usage();
}

main(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`tsplay lab: ${e.message}\n`);
  process.exit(1);
});
