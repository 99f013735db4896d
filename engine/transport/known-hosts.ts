// OpenSSH known_hosts: which keys a host is known by, and whether a presented key is the known one.
// Formats: plain names, [host]:port, comma lists, wildcards and !negation, hashed |1|salt|hash
// entries, @revoked lines. @cert-authority lines are read but not used (ssh2 has no host certificates).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KnownHostEntry {
  file: string;
  line: number; // 1-based
  marker?: '@revoked' | '@cert-authority';
  /** host patterns or one hashed |1|salt|hash field */
  hosts: string;
  keyType: string;
  key: Buffer; // raw key blob, as the server sends it
}

export type HostKeyCheck =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'unknown'; knownTypes: string[] }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked' && fields[0] !== '@cert-authority') return; // unknown marker: ignore line, as ssh does
      marker = fields.shift() as KnownHostEntry['marker'];
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return; // malformed: ssh skips it too
    out.push({ file, line: i + 1, marker, hosts, keyType, key: Buffer.from(b64, 'base64') });
  });
  return out;
}

/** Entries of every readable file, in order; missing files are simply absent. */
export function readKnownHostsFiles(files: string[]): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const e of parseKnownHosts(text, f)) out.push(e);
  }
  return out;
}

/** The name ssh looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function entryMatchesName(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const p of hosts.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false; // a negated match excludes the entry
    } else if (globToRegExp(p).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type string inside an SSH key blob (uint32 length + name). */
export function keyBlobType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => entryMatchesName(e.hosts, name));
}

export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyCheck {
  const mine = entriesFor(entries, host, port);
  // A revoked key is refused whatever else the files say.
  const revoked = mine.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((e) => !e.marker);
  const ok = plain.find((e) => e.key.equals(key));
  if (ok) return { status: 'ok', entry: ok };
  const type = keyBlobType(key);
  const sameType = plain.find((e) => e.keyType === type);
  if (sameType) return { status: 'changed', entry: sameType };
  return { status: 'unknown', knownTypes: [...new Set(plain.map((e) => e.keyType))] };
}

const SSH2_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms with the types already known for this host first (as OpenSSH orders them),
 * so a server with several host keys presents the one we can check.
 */
export function preferredHostKeyAlgorithms(knownTypes: string[]): string[] {
  const first: string[] = [];
  for (const t of knownTypes) {
    const algos = t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
    for (const a of algos) if (SSH2_HOST_KEY_ALGOS.includes(a) && !first.includes(a)) first.push(a);
  }
  return [...first, ...SSH2_HOST_KEY_ALGOS.filter((a) => !first.includes(a))];
}
