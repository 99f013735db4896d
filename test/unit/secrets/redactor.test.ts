// The redactor knows a secret in the forms output gives it, keeps JSON values JSON, and says
// once which secrets are too short to hide.
import { expect } from 'chai';
import { Redactor, REDACTED } from '../../../engine/secrets/redactor.js';
import { quote } from '../../../engine/transport/quote.js';

const SECRET = `Pa"ss'w\\ord é/+?&`;

describe('Redactor', () => {
  it('hides the escaped, quoted and encoded forms of a secret', () => {
    const r = new Redactor();
    r.add(SECRET);
    const once = JSON.stringify(SECRET);
    const forms: Record<string, string> = {
      raw: SECRET,
      'JSON string': once,
      'JSON string in a JSON string': JSON.stringify(once),
      'JSON with \\u escapes': once.replace(/é/g, '\\u00e9'),
      'shell word (quote helper)': quote(SECRET),
      'shell double quotes': `"${SECRET.replace(/[\\"$`]/g, '\\$&')}"`,
      'URL component': encodeURIComponent(SECRET),
      'URL form': encodeURIComponent(SECRET).replace(/%20/g, '+'),
      base64: Buffer.from(SECRET).toString('base64'),
      'URL-safe base64': Buffer.from(SECRET).toString('base64url'),
    };
    for (const [what, text] of Object.entries(forms)) {
      const out = r.redact(`before ${text} after`);
      expect(out, what).to.include(REDACTED);
      expect(out, what).to.not.include(SECRET.slice(0, 6));
    }
  });

  it('finds the secret inside a longer base64 text at each of the three byte offsets', () => {
    const r = new Redactor();
    r.add(SECRET);
    for (const prefix of ['', 'u', 'us', 'user:', 'Basic user:']) {
      for (const suffix of ['', '\n', ':x']) {
        for (const enc of ['base64', 'base64url'] as const) {
          const text = Buffer.from(prefix + SECRET + suffix).toString(enc);
          const out = r.redact(text);
          expect(out, `${enc} of ${JSON.stringify(prefix + '…' + suffix)}`).to.include(REDACTED);
          // what is left shows at most the bytes around the secret and its last two bytes
          const left = out.split(REDACTED).join('');
          expect(left.length, `${enc} of ${JSON.stringify(prefix + '…' + suffix)}: ${out}`).to.be.at.most(Math.ceil(((prefix.length + suffix.length + 2) * 4) / 3) + 8);
        }
      }
    }
  });

  it('replaces the longest form where two start at the same place, the leftmost where two overlap', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdef');
    r.add('cdefgh');
    expect(r.redact('xabcdefghx abcdx abcdefx')).to.equal(`x${REDACTED}ghx ${REDACTED}x ${REDACTED}x`);
  });

  it('does not blank ordinary text', () => {
    const r = new Redactor();
    r.add('s3cret-token');
    const text = 'PLAY [all] ok=3 changed=1 {"msg": "hello"} aGVsbG8gd29ybGQ= https://example.com/a%20b';
    expect(r.redact(text)).to.equal(text);
  });

  it('redacts inside values: strings, keys, and numbers and booleans as the string "********"', () => {
    const r = new Redactor();
    r.add(4242);
    r.add('true');
    r.add('k3y-secret');
    const v = { size: 4242, big: 142420, ok: true, no: false, n: null, list: ['a 4242 b', 1], 'k3y-secret': 'v', nested: { k: 'k3y-secret!' } };
    const out = r.redactValue(v);
    expect(out).to.deep.equal({ size: REDACTED, big: `1${REDACTED}0`, ok: REDACTED, no: false, n: null, list: [`a ${REDACTED} b`, 1], [REDACTED]: 'v', nested: { k: `${REDACTED}!` } });
    expect(v.size).to.equal(4242); // the input is not changed
    expect(JSON.parse(JSON.stringify(out))).to.deep.equal(out);
  });

  it('warns once per source about secrets shorter than 4 characters, by name and key path, never by value', () => {
    const r = new Redactor();
    const seen: string[] = [];
    r.add('ab1', 'variable pin');
    r.add({ user: 'qx', port: 22, pass: 'long-enough', empty: '', flag: true, list: ['z9'] }, 'vault file v.yml');
    r.warnTo((m) => seen.push(m)); // the ones found before are given now
    r.add('ab1', 'variable pin'); // again: no second warning
    r.add('k', undefined); // no source (no_log arguments): no warning
    expect(seen).to.have.length(2);
    expect(seen[0]).to.match(/^variable pin: .*shorter than 4 characters/);
    expect(seen[1]).to.match(/^vault file v\.yml \(user, port, list\[0\]\): /);
    for (const m of seen) expect(m).to.not.match(/ab1|qx|22|z9/);
    expect(r.redact('long-enough ab1')).to.equal(`${REDACTED} ab1`);
  });
});
