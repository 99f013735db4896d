// A transport whose commands run with a task's `environment:` (Ansible sets it for the module's
// process, so every command the module starts sees it). The module's own variables win: they
// are what it needs to parse the output.
import type { ExecOptions, Transport } from './types.js';

export function withEnvironment(t: Transport, env: Record<string, string>): Transport {
  const view: Transport = {
    host: t.host,
    kind: t.kind,
    user: t.user,
    connect: () => t.connect(),
    exec: (cmd, opts: ExecOptions = {}) => t.exec(cmd, { ...opts, env: { ...env, ...opts.env } }),
    // put and get run as the transport's own with `this` the caller's view, so that a view over
    // this one (a task's timeout) still sees the commands they run
    put(data, path, opts) {
      return t.put.call(this ?? view, data, path, opts);
    },
    get(path, opts) {
      return t.get.call(this ?? view, path, opts);
    },
    close: () => t.close(),
  };
  return view;
}
