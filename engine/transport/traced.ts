// A host's transport that tells what it does (ansible-playbook -vvv): the connection it opens
// (user@address:port), each command it runs, each file it sends or reads. Every line is handed
// to `tell`, which the runner points at its (redacting) reporters.
import type { Become, Transport } from './types.js';
import type { SshTransport } from './ssh.js';

function via(become: Become | undefined): string {
  return become ? `(become ${become.user} via ${become.method}) ` : '';
}

export function tracedTransport(t: Transport, tell: (text: string) => void): Transport {
  let trips = 0;
  const trip = (what: string) => tell(`${what} (round trip ${++trips})`);
  return {
    host: t.host,
    kind: t.kind,
    connect: async () => {
      if (t.kind === 'ssh') {
        const o = (t as SshTransport).options;
        const jumps = o.jumps.length ? ` via ${o.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`).join(', ')}` : '';
        tell(`ESTABLISH SSH CONNECTION FOR USER: ${o.user} (ssh ${o.user}@${o.hostname}:${o.port}${jumps})`);
      } else tell('ESTABLISH LOCAL CONNECTION (commands run on this machine through /bin/sh)');
      await t.connect();
    },
    exec: (cmd, opts) => {
      trip(`EXEC ${via(opts?.become)}${cmd.text}`);
      return t.exec(cmd, opts);
    },
    put: (data, path, opts) => {
      trip(`PUT ${via(opts?.become)}${data.length} bytes TO ${path}${opts?.mode ? ` mode ${opts.mode}` : ''}`);
      return t.put(data, path, opts);
    },
    get: (path, opts) => {
      trip(`FETCH ${via(opts?.become)}${path}`);
      return t.get(path, opts);
    },
    close: () => t.close(),
  };
}
