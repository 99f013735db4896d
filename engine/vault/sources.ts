// Where vault passwords come from, as ansible-playbook takes them: `--vault-id [label@]source`
// (repeatable), `--vault-password-file`, `--ask-vault-pass`; a source is a file, `prompt`, or an
// executable script whose output is the password (a script named `*-client` is asked for the
// label with `--vault-id LABEL`, as Ansible asks it). Without any, TSPLAY_VAULT_PASSWORD_FILE or
// TSPLAY_VAULT_PASSWORD. Never from argv (it would show in ps).
import { statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { childEnv, vaultPassword } from './password.js';
import { DEFAULT_LABEL, type VaultId } from './keys.js';

export interface VaultSourceFlags {
  vaultId?: string[];
  vaultPasswordFile?: string;
  askVaultPass?: boolean;
}

/** Ansible's `[label@]source`; a label is letters, digits and `_-.` (it goes into a 1.2 header) */
export function parseVaultId(spec: string): { label: string; source: string } {
  const at = spec.indexOf('@');
  const label = at < 0 ? DEFAULT_LABEL : spec.slice(0, at) || DEFAULT_LABEL;
  const source = at < 0 ? spec : spec.slice(at + 1);
  if (!/^[A-Za-z0-9_.-]+$/.test(label)) throw new UsageError(`--vault-id ${spec}: the label "${label}" may hold letters, digits, _, - and . only`);
  if (!source) throw new UsageError(`--vault-id ${spec}: no source after the label (a file, an executable script, or prompt)`);
  return { label, source };
}

/** the vault ids the flags give, in order: --vault-id ones, then --vault-password-file, then --ask-vault-pass */
export function vaultIdSpecs(o: VaultSourceFlags): { label: string; source: string }[] {
  const specs = (o.vaultId ?? []).map(parseVaultId);
  if (o.vaultPasswordFile !== undefined) specs.push({ label: DEFAULT_LABEL, source: o.vaultPasswordFile });
  if (o.askVaultPass) specs.push({ label: DEFAULT_LABEL, source: 'prompt' });
  return specs;
}

function isExecutableFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** the password a script prints (its trailing line ending dropped), run without a shell */
function fromScript(path: string, label: string): string {
  // Ansible's client scripts are named *-client (or *-client.EXT) and told the label they serve
  const client = /-client(?:\.[^.]+)?$/.test(basename(path));
  const r = spawnSync(path, client ? ['--vault-id', label] : [], { stdio: ['inherit', 'pipe', 'pipe'], env: childEnv(), maxBuffer: 1024 * 1024 });
  if (r.error) throw new UsageError(`cannot run the vault password script ${path}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.stderr.toString().trim().split('\n').slice(-1)[0];
    throw new UsageError(`the vault password script ${path} exited with ${r.status ?? r.signal}${client ? ` for vault id ${label}` : ''}${why ? `: ${why}` : ''}`);
  }
  const pw = r.stdout.toString('utf8').replace(/[\r\n]+$/, '');
  if (!pw) throw new UsageError(`the vault password script ${path} printed no password`);
  return pw;
}

/**
 * The vault ids of the flags with their passwords; `ask` asks on the terminal for `prompt` sources
 * (the question names the label, as Ansible's does). None given: the environment's, if any.
 */
export async function vaultIdsFrom(o: VaultSourceFlags, ask: (question: string) => Promise<string>, env: NodeJS.ProcessEnv = process.env): Promise<VaultId[]> {
  const specs = vaultIdSpecs(o);
  if (!specs.length) {
    const pw = vaultPassword(undefined, env);
    return pw === undefined ? [] : [{ label: DEFAULT_LABEL, password: pw }];
  }
  const ids: VaultId[] = [];
  for (const { label, source } of specs) {
    let password: string;
    if (source === 'prompt') password = await ask(label === DEFAULT_LABEL ? 'Vault password: ' : `Vault password (${label}): `);
    else if (isExecutableFile(source)) password = fromScript(source, label);
    else password = vaultPassword(source, env)!;
    ids.push({ label, password });
  }
  return ids;
}
