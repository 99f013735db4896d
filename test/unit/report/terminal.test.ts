// What the views put on a terminal: control characters shown escaped, colour only when wanted,
// the recap (coloured or not) still read by the tests' and the bench's parsers, and the clock
// behind the host times and the slowest-tasks summary (given times, never measured ones).
import { expect } from 'chai';
import { escapeControls, palette, wantColor } from '../../../engine/report/terminal-text.js';
import { recapLine, recapLines } from '../../../engine/report/recap.js';
import { TaskClock, seconds, slowestLines } from '../../../engine/report/timing.js';
import { emptyStats } from '../../../engine/report/types.js';
import { JsonReporter } from '../../../engine/report/json.js';
import { Redactor } from '../../../engine/secrets/redactor.js';
import { parseRecap } from '../../../bench/lib/recap.js';
import { Writable } from 'node:stream';
import { recapOf } from '../../e2e/run-tsplay.js';

describe('terminal text', () => {
  const cases: [string, string, string, string][] = [
    // what, input, on one line, multiline
    ['a window title (OSC 0, BEL)', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07', '\\x1b]0;pwned\\x07'],
    ['a carriage return drawing over the line', 'FAILED\r✔ ok', 'FAILED\\r✔ ok', 'FAILED\\r✔ ok'],
    ['an erase (CSI 2K)', 'erase\x1b[2K', 'erase\\x1b[2K', 'erase\\x1b[2K'],
    ['backspace, NUL, DEL', 'back\bspace\x00nul\x7fdel', 'back\\x08space\\x00nul\\x7fdel', 'back\\x08space\\x00nul\\x7fdel'],
    ['C1 controls (CSI, NEL)', 'c1 csi \u009b2J and \u0085', 'c1 csi \\x9b2J and \\x85', 'c1 csi \\x9b2J and \\x85'],
    ['newline and tab (kept in multiline text)', 'two\nlines\tand a tab', 'two\\nlines\\tand a tab', 'two\nlines\tand a tab'],
    ['printable Unicode (left alone)', 'plain ünïcode ✔ 漢字 🙂 \u00a0', 'plain ünïcode ✔ 漢字 🙂 \u00a0', 'plain ünïcode ✔ 漢字 🙂 \u00a0'],
  ];
  for (const [what, input, line, multi] of cases) {
    it(`escapes ${what}`, () => {
      expect(escapeControls(input)).to.equal(line);
      expect(escapeControls(input, { multiline: true })).to.equal(multi);
      // nothing a terminal acts on is left, whatever the input
      expect(escapeControls(input)).to.not.match(/[\x00-\x1f\x7f-\x9f]/);
    });
  }

  it('colours only a terminal, and not with NO_COLOR or TERM=dumb', () => {
    expect(wantColor({ isTTY: true }, {})).to.equal(true);
    expect(wantColor({ isTTY: false }, {})).to.equal(false);
    expect(wantColor({}, {})).to.equal(false);
    expect(wantColor({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
    // no-color.org: an empty NO_COLOR does not count
    expect(wantColor({ isTTY: true }, { NO_COLOR: '' })).to.equal(true);
    expect(wantColor({ isTTY: true }, { TERM: 'dumb' })).to.equal(false);
    expect(palette(false).failed('x')).to.equal('x');
    expect(palette(true).failed('x')).to.equal('\x1b[31mx\x1b[0m');
    expect(palette(true).ok('')).to.equal('');
  });
});

describe('--json', () => {
  it('leaves no control character raw, and reads back the same text', () => {
    let text = '';
    const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
    const j = new JsonReporter(out);
    const hostile = 'title \x1b]0;pwned\x07 cr \r bs \b del \x7f c1 \u009b2J nel \u0085';
    const task = { name: hostile, module: 'command', where: '' };
    j.onPlayStart({ name: 'p' });
    j.onTaskStart(task);
    j.onHostResult({ task, host: 'h', status: 'failed', result: { changed: false, failed: true, stderr: hostile } });
    j.onRunEnd({ exitCode: 2, stats: {}, changesPending: false });
    expect(text).to.not.match(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    const doc = JSON.parse(text);
    expect(doc.plays[0].tasks[0].task.name).to.equal(hostile);
    expect(doc.plays[0].tasks[0].hosts.h.stderr).to.equal(hostile);
  });

  it('replaces a secret holding a DEL or C1 character before escaping it', () => {
    let text = '';
    const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
    const redactor = new Redactor();
    redactor.add('pass\x7fword-\u0085-secret');
    const j = new JsonReporter(out, { redactor });
    const task = { name: 't', module: 'debug', where: '' };
    j.onPlayStart({ name: 'p' });
    j.onTaskStart(task);
    j.onHostResult({ task, host: 'h', status: 'ok', result: { changed: false, msg: 'is pass\x7fword-\u0085-secret' } });
    j.onRunEnd({ exitCode: 0, stats: {}, changesPending: false });
    expect(JSON.parse(text).plays[0].tasks[0].hosts.h.msg).to.equal('is ********');
  });
});

describe('the recap', () => {
  const stats = {
    web1: { ...emptyStats(), ok: 6, changed: 5, skipped: 1 },
    'a-longer-name': { ...emptyStats(), ok: 4, changed: 4, failed: 1 },
    db: { ...emptyStats(), ok: 3 },
    gone: { ...emptyStats(), unreachable: 1 },
  };

  it('keeps the plain line, host names padded to one width', () => {
    expect(recapLine('h1', { ...emptyStats(), ok: 12, changed: 3, skipped: 1 })).to.equal('h1 : ok=12 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0');
    const lines = recapLines(stats);
    expect(lines[0]).to.equal('web1          : ok=6 changed=5 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0');
    expect(new Set(lines.map((l) => l.indexOf(' : ')))).to.have.property('size', 1);
  });

  it('takes an inventory larger than the stack takes arguments', () => {
    const many = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`host${i}`, emptyStats()]));
    const lines = recapLines(many);
    expect(lines).to.have.length(200_000);
    expect(lines[0]).to.match(/^host0 {5} : ok=0/);
  });

  it('is coloured as Ansible: the host by its worst outcome, a count only when it is not 0', () => {
    const [web1, longer, db, gone] = recapLines(stats, palette(true));
    expect(web1).to.equal(
      '\x1b[33mweb1\x1b[0m          : \x1b[32mok=6\x1b[0m \x1b[33mchanged=5\x1b[0m unreachable=0 failed=0 \x1b[36mskipped=1\x1b[0m rescued=0 ignored=0',
    );
    expect(longer).to.match(/^\x1b\[31ma-longer-name\x1b\[0m : .* \x1b\[31mfailed=1\x1b\[0m /);
    expect(db).to.match(/^\x1b\[32mdb\x1b\[0m {11} : \x1b\[32mok=3\x1b\[0m changed=0 /);
    expect(gone).to.match(/^\x1b\[31mgone\x1b\[0m {10}: ok=0 changed=0 \x1b\[1;31munreachable=1\x1b\[0m failed=0/);
  });

  it('coloured or not, the bench and the tests read the same numbers', () => {
    for (const paint of [palette(false), palette(true)]) {
      const text = `PLAY RECAP\n${recapLines(stats, paint).join('\n')}\n`;
      const parsed = parseRecap(text);
      for (const [h, s] of Object.entries(stats)) expect(parsed.get(h), h).to.deep.equal(s);
    }
    expect(recapOf(recapLines(stats).join('\n'), 'a-longer-name')).to.deep.equal(stats['a-longer-name']);
  });
});

describe('task times', () => {
  const task = (name: string, role?: string) => ({ name, module: 'command', where: '', ...(role ? { role } : {}) });

  it('a host time counts from its task start; the slowest tasks come longest first', () => {
    const c = new TaskClock();
    c.taskStart(task('quick'), 1000);
    expect(c.hostDone(1040)).to.equal(40);
    expect(c.hostDone(1100)).to.equal(100);
    c.taskStart(task('slow', 'etcd'), 1200);
    expect(c.elapsed(1500)).to.equal(300);
    expect(c.hostDone(3700)).to.equal(2500);
    // a task nobody answered lasts until the next one starts
    c.taskStart(task('silent'), 4000);
    c.taskStart(task('last'), 4700);
    c.hostDone(4710);
    c.close(9000);
    expect(c.slowest()).to.deep.equal([
      { label: 'etcd : slow', ms: 2500 },
      { label: 'silent', ms: 700 },
      { label: 'quick', ms: 100 },
      { label: 'last', ms: 10 },
    ]);
    expect(c.slowest(2).map((t) => t.label)).to.deep.equal(['etcd : slow', 'silent']);
  });

  it('formats seconds and the summary lines as profile_tasks', () => {
    expect(seconds(0)).to.equal('0.00s');
    expect(seconds(523.4)).to.equal('0.52s');
    expect(seconds(12_300)).to.equal('12.30s');
    expect(seconds(123_100)).to.equal('2m 03.10s');
    const [a, b] = slowestLines([
      { label: 'etcd : slow', ms: 2500 },
      { label: 'x'.repeat(90), ms: 10 },
    ]);
    expect(a).to.match(/^etcd : slow -{60,} 2\.50s$/);
    expect(a).to.have.length(80);
    expect(b).to.equal(`${'x'.repeat(90)} --- 0.01s`);
  });
});
