// Finds private key material in what a module printed: any PEM key marker, any line of a private
// key file under the test directory, any client-key-data value of a kubeconfig there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

function secretsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(...secretsUnder(p));
      continue;
    }
    const text = readFileSync(p, 'utf8');
    if (text.includes('PRIVATE KEY-----')) {
      out.push(...text.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l)));
    }
    for (const m of text.matchAll(/client-key-data:\s*(\S{40,})/g)) out.push(m[1].slice(0, 60));
  }
  return out;
}

/** The leaked fragments found in `values` (serialized as JSON and as util.inspect prints them). */
export function leakedSecrets(dir: string, ...values: unknown[]): string[] {
  const text = values.map((v) => `${JSON.stringify(v)}\n${inspect(v, { depth: 20 })}`).join('\n');
  const found = secretsUnder(dir).filter((s) => text.includes(s));
  if (text.includes('PRIVATE KEY-----')) found.push('PRIVATE KEY-----');
  return found;
}
