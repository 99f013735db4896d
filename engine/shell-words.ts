// The one shell-word splitter, with the rules of Python's shlex.split (POSIX mode), which Ansible
// uses for the command module's `cmd`, ansible_ssh_*_args and INI inventory host lines: blanks
// (space, tab, CR, LF) separate words, quotes group them, a backslash outside quotes takes the next
// character as it is, and inside double quotes a backslash escapes only `"` and `\`. Nothing is
// expanded and no shell is involved. With `comments`, a `#` outside quotes ends the line.

export class ShellWordsError extends Error {}

const BLANK = new Set([' ', '\t', '\r', '\n']);

export function splitShellWords(text: string, opts: { comments?: boolean } = {}): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#' && opts.comments) {
      // as shlex: the comment ends the word it touches, and the rest of its line
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError("no closing quotation (')");
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new ShellWordsError('no closing quotation (")');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ShellWordsError('no character after the final backslash');
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
