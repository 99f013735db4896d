// The command module's `cmd` string to argv, as Python's shlex.split (POSIX mode) does it:
// quotes group words and backslashes escape; nothing is expanded and no shell is involved.

export class ArgvSyntaxError extends Error {}

export function splitArgv(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ArgvSyntaxError(`no closing quotation (') in: ${text}`);
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        // inside double quotes a backslash escapes only " and \ (shlex's rule)
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        cur += text[j];
      }
      if (j >= text.length) throw new ArgvSyntaxError(`no closing quotation (") in: ${text}`);
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ArgvSyntaxError(`no escaped character after \\ in: ${text}`);
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
