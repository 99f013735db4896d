// The authentication attempts for one SSH login, in OpenSSH's order: agent keys, key files, password.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { AnyAuthMethod } from 'ssh2';
import { ConnectError } from '../errors.js';

export interface AuthInput {
  host: string; // inventory name, for messages
  user: string;
  identityFiles: string[];
  defaultIdentityFiles: string[];
  agent?: string;
  password?: string;
}

/** Attempts to make; `tried` names them for the "authentication failed" message. */
export function authMethods(a: AuthInput): { methods: AnyAuthMethod[]; tried: string[] } {
  const methods: AnyAuthMethod[] = [{ type: 'none', username: a.user }];
  const tried: string[] = [];
  if (a.agent) {
    methods.push({ type: 'agent', username: a.user, agent: a.agent });
    tried.push('ssh-agent');
  }
  const explicit = a.identityFiles.length > 0;
  for (const file of explicit ? a.identityFiles : a.defaultIdentityFiles) {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (e) {
      if (!explicit) continue; // default keys are optional
      throw new ConnectError(`cannot read private key file ${file}: ${(e as Error).message}`, { host: a.host }, { cause: e });
    }
    const key = ssh2.utils.parseKey(text);
    if (key instanceof Error) {
      // An encrypted default key is skipped (the agent may hold it); a named one is an error worth showing.
      if (!explicit) continue;
      throw new ConnectError(`cannot use private key file ${file}: ${key.message}`, { host: a.host }, { cause: key });
    }
    methods.push({ type: 'publickey', username: a.user, key: text });
    tried.push(`key ${file}`);
  }
  if (a.password !== undefined) {
    const password = a.password;
    methods.push({ type: 'password', username: a.user, password });
    methods.push({
      type: 'keyboard-interactive',
      username: a.user,
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
    tried.push('password');
  }
  return { methods, tried };
}
