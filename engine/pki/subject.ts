// A certificate subject as the modules take it (CN + O list) and compare it.
import type { Subject } from './issue.js';
import type { CertFacts } from './cert-facts.js';

/** `organization:` as a string or a list → a list */
export function organizationsOf(o: string | string[] | undefined): string[] {
  return o === undefined ? [] : Array.isArray(o) ? o : [o];
}

/** "CN=kube-apiserver-kubelet-client, O=kubeadm:cluster-admins" */
export function describeSubject(s: Subject): string {
  return [`CN=${s.commonName}`, ...s.organizations.map((o) => `O=${o}`)].join(', ');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}

/** Why the certificate's subject differs from the wanted one, one entry per field; [] when it does not. */
export function subjectDifferences(cert: Pick<CertFacts, 'commonNames' | 'organizations'>, want: Subject): string[] {
  const out: string[] = [];
  if (cert.commonNames.length !== 1 || cert.commonNames[0] !== want.commonName) {
    out.push(`subject CN is ${JSON.stringify(cert.commonNames.join(', '))}, wanted ${JSON.stringify(want.commonName)}`);
  }
  if (!sameSet(cert.organizations, want.organizations)) {
    out.push(`subject O is ${JSON.stringify(cert.organizations)}, wanted ${JSON.stringify(want.organizations)}`);
  }
  return out;
}

export function sameSubject(cert: Pick<CertFacts, 'commonNames' | 'organizations'>, want: Subject): boolean {
  return subjectDifferences(cert, want).length === 0;
}
