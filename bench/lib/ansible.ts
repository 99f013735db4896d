// ansible-playbook as the harness runs it: installed from Debian if missing, tuned as the issue asks
// (pipelining, ControlPersist, forks >= hosts, an explicit interpreter so no discovery round trip),
// configured through an ansible.cfg in a temp dir that ANSIBLE_CONFIG points at.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MITOGEN_STRATEGIES = '/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy';

function installed(pkg: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).includes('install ok installed');
  } catch {
    return false;
  }
}

function aptInstall(pkgs: string[], log: (s: string) => void): void {
  log(`apt-get install ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['-qq', '-y', 'install', '--no-install-recommends', ...pkgs], { env, stdio: 'ignore' });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['-qq', 'update'], { env, stdio: 'ignore' });
    install();
  }
}

/** True when a Debian package of that name has an install candidate. */
function hasCandidate(pkg: string): boolean {
  try {
    const out = execFileSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
    return /Candidate: (?!\(none\))/.test(out);
  } catch {
    return false;
  }
}

export interface AnsibleSetup {
  version: string;
  mitogen: boolean;
  /** why Mitogen is not measured, when it is not */
  mitogenNote?: string;
}

/** Installs ansible-core (and ansible-mitogen when Debian has it) if missing; needs root for apt-get. */
export function ensureAnsible(log: (s: string) => void): AnsibleSetup {
  if (!hasBinary('ansible-playbook')) {
    if (process.getuid?.() !== 0) throw new Error('ansible-playbook is missing and installing ansible-core needs root');
    aptInstall(['ansible-core'], log);
  }
  let mitogen = existsSync(MITOGEN_STRATEGIES);
  let mitogenNote: string | undefined;
  if (!mitogen && process.getuid?.() === 0 && hasCandidate('ansible-mitogen')) {
    aptInstall(['ansible-mitogen'], log);
    mitogen = existsSync(MITOGEN_STRATEGIES);
  }
  if (!mitogen) mitogenNote = installed('ansible-mitogen') ? 'ansible-mitogen installed but its strategies are missing' : 'Debian has no ansible-mitogen here';
  const version = execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  return { version, mitogen, mitogenNote };
}

function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export type AnsibleVariant = 'tuned' | 'mitogen';

/** Writes DIR/ansible-<variant>.cfg and returns the environment that makes ansible-playbook use it. */
export function ansibleEnv(dir: string, variant: AnsibleVariant, forks: number): NodeJS.ProcessEnv {
  const cpDir = join(dir, 'cp');
  mkdirSync(cpDir, { recursive: true });
  const cfg = join(dir, `ansible-${variant}.cfg`);
  const lines = [
    '[defaults]',
    `forks = ${forks}`,
    'host_key_checking = True',
    'retry_files_enabled = False',
    'interpreter_python = /usr/bin/python3',
    'nocows = 1',
    `local_tmp = ${join(dir, 'ansible-tmp')}`,
    ...(variant === 'mitogen' ? [`strategy_plugins = ${MITOGEN_STRATEGIES}`, 'strategy = mitogen_linear'] : []),
    '',
    '[ssh_connection]',
    'pipelining = True',
    'ssh_args = -o ControlMaster=auto -o ControlPersist=120s',
    `control_path_dir = ${cpDir}`,
    '',
  ];
  writeFileSync(cfg, lines.join('\n'));
  return { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', PYTHONUNBUFFERED: '1' };
}
