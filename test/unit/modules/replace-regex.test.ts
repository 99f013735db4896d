// replace's substitution against what Python's re.subn(pattern, repl, text) with MULTILINE gives
// (the expected values are Python 3's output for these inputs): empty matches, anchors at line
// and text ends, group references and inline flags.
import { expect } from 'chai';
import { pySubn } from '../../../engine/modules/builtin/replace.js';
import { pyRegex } from '../../../engine/modules/lib/text-lines.js';

const PYTHON: Array<[pattern: string, repl: string, text: string, out: string, count: number]> = [
  ['x*', '-', 'abxd\n', '-a-b--d-\n-', 6],
  ['^', '> ', 'a\nb\n', '> a\n> b\n> ', 3],
  ['$', '!', 'a\nb\n', 'a!\nb!\n!', 3],
  ['(\\w+)@(\\w+)', '\\2 at \\1', 'me@host you@there\n', 'host at me there at you\n', 2],
  ['\\s+\\Z', '', 'a  \n\n', 'a', 1],
  ['(?i)HELLO', 'bye', 'Hello hello\n', 'bye bye\n', 2],
];

describe('replace: Python re.subn semantics', () => {
  for (const [pattern, repl, text, out, count] of PYTHON) {
    it(`${JSON.stringify(pattern)} -> ${JSON.stringify(repl)} on ${JSON.stringify(text)}`, () => {
      expect(pySubn(pyRegex(pattern, 'regexp'), repl, text)).to.deep.equal({ text: out, count });
    });
  }
});
