// `node --import …/load-recorder.js`: records which files a process loads, ESM (resolve hook)
// and CommonJS (require.cache at exit), one URL a line, in the file TSPLAY_LOAD_RECORD names.
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

register('./load-recorder-hooks.js', import.meta.url);
const cjs = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const out = process.env.TSPLAY_LOAD_RECORD;
  if (out) appendFileSync(out, Object.keys(cjs).map((f) => pathToFileURL(f).href + '\n').join(''));
});
