// A kubeconfig with embedded credentials, rendered the same way every time (kubeadm's layout,
// keys in a fixed order), so the file can be compared as text. And its redaction for --diff.
import yaml from 'js-yaml';
import { REDACTED } from './secret.js';

export interface KubeconfigInput {
  clusterName: string;
  server: string;
  user: string;
  context: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function renderKubeconfig(k: KubeconfigInput): string {
  const doc = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(k.caPem), server: k.server }, name: k.clusterName }],
    contexts: [{ context: { cluster: k.clusterName, user: k.user }, name: k.context }],
    'current-context': k.context,
    kind: 'Config',
    preferences: {},
    users: [{ name: k.user, user: { 'client-certificate-data': b64(k.clientCertPem), 'client-key-data': b64(k.clientKeyPem) } }],
  };
  // lineWidth -1: long base64 values stay on one line
  return yaml.dump(doc, { sortKeys: false, lineWidth: -1, noRefs: true });
}

/** The text with every client-key-data value replaced by "<redacted>" (any indentation or quoting). */
export function redactKubeconfig(text: string): string {
  return text.replace(/^(\s*-?\s*["']?client-key-data["']?\s*:[ \t]*).*$/gm, `$1${REDACTED}`);
}

/** redactKubeconfig, or undefined when some key data would still show (e.g. flow-style YAML). */
export function redactedOrNothing(text: string): string | undefined {
  const out = redactKubeconfig(text);
  const leftover = new RegExp(`client-key-data["']?\\s*:\\s*(?!${REDACTED}\\s*$)\\S`, 'm');
  return leftover.test(out) ? undefined : out;
}
