// The PKI modules by name, for the data-driven cases.
import type { Module } from '../../../engine/modules/types.js';
import { x509KeyModule } from '../../../engine/modules/builtin/x509_key.js';
import { x509CaModule } from '../../../engine/modules/builtin/x509_ca.js';
import { x509CertModule } from '../../../engine/modules/builtin/x509_cert.js';
import { kubeconfigModule } from '../../../engine/modules/builtin/kubeconfig.js';
import { pkiExpiryModule } from '../../../engine/modules/builtin/pki_expiry.js';

export const PKI_MODULES = new Map<string, Module<any, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  [x509KeyModule, x509CaModule, x509CertModule, kubeconfigModule, pkiExpiryModule].map((m) => [m.name, m]),
);
