// Real HTTP and HTTPS servers on 127.0.0.1 for the get_url/uri tests, with a throwaway CA made
// by the openssl CLI (server cert for IP 127.0.0.1, and a client cert for mutual TLS).
import http from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface TestPki {
  dir: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  serverCert: string;
  serverKey: string;
}

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-pki-'));
  const f = (n: string) => join(dir, n);
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '1', '-subj', '/CN=tsplay-test-ca');
  const leaf = (name: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    ossl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.crt`), '-days', '1', '-extfile', f(`${name}.ext`));
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  return { dir, caCert: f('ca.crt'), clientCert: f('client.crt'), clientKey: f('client.key'), serverCert: f('server.crt'), serverKey: f('server.key') };
}

export const FILE_BODY = Buffer.from('tsplay test payload\n'.repeat(100));

export interface TestServer {
  url: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

function handler(hits: Map<string, number>): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (path === '/file.bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(FILE_BODY);
      } else if (path === '/json') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-test': 'yes' }).end(JSON.stringify({ hello: 'world' }));
      } else if (path === '/redirect') {
        res.writeHead(302, { location: '/json' }).end();
      } else if (path === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, auth: req.headers['x-auth'] ?? null, body }));
      } else if (path === '/mtls') {
        const sock = req.socket as import('node:tls').TLSSocket;
        const ok = typeof sock.authorized === 'boolean' && sock.authorized;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' }).end(ok ? `hello ${sock.getPeerCertificate().subject.CN}` : 'no client cert');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    });
  };
}

async function listen(server: http.Server, scheme: string, hits: Map<string, number>): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

export function startHttp(): Promise<TestServer> {
  const hits = new Map<string, number>();
  return listen(http.createServer(handler(hits)), 'http', hits);
}

export function startHttps(pki: TestPki): Promise<TestServer> {
  const hits = new Map<string, number>();
  const server = https.createServer(
    { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: false },
    handler(hits),
  );
  return listen(server, 'https', hits);
}
