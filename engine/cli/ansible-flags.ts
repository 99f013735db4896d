// The ansible-playbook flags people type from habit, turned into what tsplay does with them:
// -u/-b/--become-user/--become-method/-c/-k/-K become the connection variables they stand for
// (ansible_user, ansible_become…), below the inventory's as in Ansible; --vault-id and
// --ask-vault-pass give vault passwords (../vault/sources.ts). Passwords are asked on the
// terminal, never echoed.
import { UsageError } from '../errors.js';
import { needTerminal, type Answerer } from './prompt.js';
import { vaultIdSpecs } from '../vault/sources.js';

export interface AnsibleFlags {
  user?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  connection?: string;
  askPass?: boolean;
  askBecomePass?: boolean;
  vaultId?: string[];
  askVaultPass?: boolean;
  vaultPasswordFile?: string;
  step?: boolean;
}

const METHODS = ['sudo', 'su'];
// paramiko and smart are other Ansible clients of the same protocol
const CONNECTIONS = ['ssh', 'local', 'paramiko', 'smart'];

/** a flag tsplay cannot honour is refused before anything is asked or run */
export function checkAnsibleFlags(o: AnsibleFlags): void {
  if (o.becomeMethod !== undefined && !METHODS.includes(o.becomeMethod)) {
    throw new UsageError(`--become-method ${o.becomeMethod}: tsplay becomes another user with sudo or su only (--become-method sudo|su)`);
  }
  if (o.connection !== undefined && !CONNECTIONS.includes(o.connection)) {
    throw new UsageError(`--connection ${o.connection}: tsplay connects with ssh or local only (-c ssh|local)`);
  }
  const asked: string[] = [];
  if (o.askPass) asked.push('-k/--ask-pass');
  if (o.askBecomePass) asked.push('-K/--ask-become-pass');
  // a bad label is refused here too, before anything is asked
  if (vaultIdSpecs(o).some((v) => v.source === 'prompt')) asked.push('the vault password prompt');
  if (o.step) asked.push('--step');
  for (const what of asked) {
    needTerminal(
      what,
      what === '--step'
        ? 'run it from a terminal, or choose the tasks with --tags/--skip-tags/--start-at-task'
        : what === 'the vault password prompt'
          ? 'give --vault-password-file FILE (or TSPLAY_VAULT_PASSWORD_FILE)'
          : `set ${what.startsWith('-k') ? 'ansible_password' : 'ansible_become_password'} in a vault-encrypted vars file instead`,
    );
  }
}

/** the connection variables the flags stand for, and the passwords among them (secrets) */
export async function connectionFromFlags(o: AnsibleFlags, ask: Answerer): Promise<{ vars: Record<string, unknown>; secrets: [string, string][] }> {
  const vars: Record<string, unknown> = {};
  const secrets: [string, string][] = [];
  if (o.user !== undefined) vars.ansible_user = o.user;
  if (o.connection !== undefined) vars.ansible_connection = o.connection;
  // --become-user and --become-method alone do not turn become on (as in Ansible)
  if (o.become) vars.ansible_become = true;
  if (o.becomeUser !== undefined) vars.ansible_become_user = o.becomeUser;
  if (o.becomeMethod !== undefined) vars.ansible_become_method = o.becomeMethod;
  let sshPass: string | undefined;
  if (o.askPass) {
    sshPass = await ask.ask('SSH password: ', { echo: false });
    vars.ansible_password = sshPass;
    secrets.push([sshPass, 'the SSH password (-k)']);
  }
  if (o.askBecomePass) {
    const typed = await ask.ask(sshPass !== undefined ? 'BECOME password[defaults to SSH password]: ' : 'BECOME password: ', { echo: false });
    const pass = typed === '' && sshPass !== undefined ? sshPass : typed;
    vars.ansible_become_password = pass;
    secrets.push([pass, 'the become password (-K)']);
  }
  return { vars, secrets };
}

/** --step: Ansible's question; y runs the task, c runs it and every later one, anything else skips it */
export function stepper(ask: Answerer, onInterrupt: () => void): (task: { name: string; handler?: boolean }) => Promise<boolean> {
  let asking = true;
  return async (task) => {
    if (!asking) return true;
    let answer: string;
    try {
      answer = (await ask.ask(`Perform task: ${task.handler ? 'RUNNING HANDLER' : 'TASK'}: ${task.name} (N)o/(y)es/(c)ontinue: `, { echo: true })).trim().toLowerCase();
    } catch {
      // Ctrl-C at the question: the run is interrupted as by a signal
      onInterrupt();
      return false;
    }
    if (answer === 'c' || answer === 'continue') asking = false;
    return answer === 'y' || answer === 'yes' || answer === 'c' || answer === 'continue';
  };
}
