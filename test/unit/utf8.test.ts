// utf8Text against Node's own strict decoder, and where it says the first bad byte is.
import { expect } from 'chai';
import { utf8Text } from '../../engine/utf8.js';
import { InputError } from '../../engine/errors.js';

function refusal(bytes: number[] | Buffer): InputError {
  try {
    utf8Text(Buffer.from(bytes), 'f.yml');
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected a refusal');
}

describe('utf8Text', () => {
  it('drops a leading BOM, or keeps it when asked', () => {
    expect(utf8Text(Buffer.from('\ufeffa: 1\n'), 'f')).to.equal('a: 1\n');
    expect(utf8Text(Buffer.from('\ufeffa'), 'f', { keepBom: true })).to.equal('\ufeffa');
    expect(utf8Text(Buffer.from('a\ufeffb'), 'f')).to.equal('a\ufeffb');
  });

  it('names the byte, line and column (in characters) of the first sequence that is not UTF-8', () => {
    const e = refusal(Buffer.concat([Buffer.from('one\ntwo\nx: "ü€𝄞'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    expect(e.describe()).to.equal('f.yml:3:8: not UTF-8: byte 0xE9 at line 3, column 8; save the file as UTF-8');
    expect(refusal([0xff, 0xfe, 0x61, 0x00]).describe()).to.equal('f.yml:1:1: not UTF-8: byte 0xFF at line 1, column 1; save the file as UTF-8');
    // after a BOM the column counts from the first character
    expect(refusal([0xef, 0xbb, 0xbf, 0x61, 0xe9]).where).to.include({ line: 1, col: 2 });
  });

  it('judges every kind of bad sequence as the strict decoder does', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const cases = [
      [0xc0, 0xaf], // overlong
      [0xe0, 0x80, 0xaf], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xf5, 0x80, 0x80, 0x80],
      [0x61, 0xe2, 0x82], // truncated at the end
      [0xe2, 0x28, 0xa1],
      [0x80],
      [0xf0, 0x9d, 0x84, 0x9e], // valid: 𝄞
      [0xed, 0x9f, 0xbf], // valid: U+D7FF
    ];
    for (const c of cases) {
      let ok = true;
      try {
        strict.decode(Buffer.from(c));
      } catch {
        ok = false;
      }
      let ours = true;
      try {
        utf8Text(Buffer.from(c), 'f');
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        expect((e as InputError).message).to.match(/^not UTF-8: byte 0x[0-9A-F]{2} at line 1, column \d+; save the file as UTF-8$/);
        ours = false;
      }
      expect(ours, c.map((b) => b.toString(16)).join(' ')).to.equal(ok);
    }
    expect(refusal([0x61, 0xe2, 0x82]).message).to.include('byte 0xE2 at line 1, column 2');
  });
});
