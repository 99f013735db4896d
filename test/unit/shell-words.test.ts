// The one shell-word splitter (engine/shell-words.ts), against what Python's shlex.split gives for
// the same text (Ansible's rules), and the same words in every place that splits: the command
// module's cmd, INI inventory host lines, -e key=value, k=v task arguments and ssh arguments.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitShellWords, ShellWordsError } from '../../engine/shell-words.js';
import { parseExtraVars } from '../../engine/cli/extra-vars.js';
import { parseSshArgs } from '../../engine/transport/ssh-args.js';
import { parseFreeForm } from '../../engine/playbook/kv.js';
import { loadInventory } from '../../engine/inventory/index.js';

describe('splitShellWords (shlex.split rules)', () => {
  it('quotes, escapes and blanks', () => {
    expect(splitShellWords(`a "b c" 'd e' f\\ g "h\\"i" 'j\\k' ''`)).to.deep.equal(['a', 'b c', 'd e', 'f g', 'h"i', 'j\\k', '']);
    expect(splitShellWords('  x\t y\n')).to.deep.equal(['x', 'y']);
    expect(splitShellWords('a"b"c')).to.deep.equal(['abc']);
    expect(splitShellWords('$HOME `x` $(y) ; | >')).to.deep.equal(['$HOME', '`x`', '$(y)', ';', '|', '>']);
    expect(splitShellWords(`-o 'A=b c' -o "D=\\"e\\"" f\\ g  h`)).to.deep.equal(['-o', 'A=b c', '-o', 'D="e"', 'f g', 'h']);
    expect(splitShellWords('')).to.deep.equal([]);
    expect(splitShellWords(`''`)).to.deep.equal(['']);
  });

  it('only space, tab, CR and LF separate words; in double quotes a backslash escapes only " and \\', () => {
    // shlex.split('printf \'%s|\' a\x0bb "\\$HOME" "x\\\\y"') == ['printf', '%s|', 'a\x0bb', '\\$HOME', 'x\\y']
    expect(splitShellWords(`printf '%s|' a\vb "\\$HOME" "x\\\\y"`)).to.deep.equal(['printf', '%s|', 'a\vb', '\\$HOME', 'x\\y']);
    expect(splitShellWords('a\fb\u00a0c')).to.deep.equal(['a\fb\u00a0c']);
  });

  it('with comments, # outside quotes ends the word and the line (INI host lines)', () => {
    expect(splitShellWords(`h1 a="x y" b='p q' c=d\\ e # comment`, { comments: true })).to.deep.equal(['h1', 'a=x y', 'b=p q', 'c=d e']);
    expect(splitShellWords('h1 a=b#c d', { comments: true })).to.deep.equal(['h1', 'a=b']);
    expect(splitShellWords('a #c\nb', { comments: true })).to.deep.equal(['a', 'b']);
    expect(splitShellWords('h1 a="say \\"hi\\"" b="#x"', { comments: true })).to.deep.equal(['h1', 'a=say "hi"', 'b=#x']);
    expect(splitShellWords('a#b')).to.deep.equal(['a#b']);
  });

  it('an unclosed quote or a final backslash is an error', () => {
    expect(() => splitShellWords(`echo 'x`)).to.throw(ShellWordsError, /no closing quotation \(\'\)/);
    expect(() => splitShellWords(`echo "x`)).to.throw(ShellWordsError, /no closing quotation \("\)/);
    expect(() => splitShellWords('h1 a="open', { comments: true })).to.throw(ShellWordsError);
    expect(() => splitShellWords('x\\')).to.throw(ShellWordsError, /final backslash/);
  });
});

describe('every place that splits words splits them the same way', () => {
  // a vertical tab inside a word, and a backslash before $ inside double quotes: both kept, as shlex does
  const text = `v="\\$x" w=a\vb`;
  const want = { v: '\\$x', w: 'a\vb' };
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-words-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('-e key=value', async () => {
    expect(await parseExtraVars([text])).to.deep.equal(want);
  });

  it('k=v task arguments', () => {
    expect(parseFreeForm(text, new Set(['v', 'w']))).to.deep.equal(want);
  });

  it('an INI inventory host line', async () => {
    writeFileSync(join(dir, 'hosts.ini'), `[web]\nh1 ${text}\n`);
    const vars = (await loadInventory([join(dir, 'hosts.ini')])).hostVars('h1');
    expect({ v: vars.v, w: vars.w }).to.deep.equal(want);
  });

  it('ansible_ssh_common_args', () => {
    expect(parseSshArgs(text).positional).to.deep.equal(['v=\\$x', 'w=a\vb']);
  });
});
