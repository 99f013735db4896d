// A loopback TCP relay in front of sshd, so tests can count TCP connections and break the
// network under a live SSH connection (cut it, or freeze it so only keepalives can notice).
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';

export class TcpProxy {
  connections = 0;
  /** bytes relayed client -> server so far */
  upstreamBytes = 0;
  port = 0;
  private server: Server;
  private sockets = new Set<Socket>();
  private frozen = false;
  private watchers: Array<{ bytes: number; fn: () => void }> = [];

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      this.connections++;
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => this.sockets.delete(s));
      }
      client.on('data', (d: Buffer) => {
        if (this.frozen) return;
        this.upstreamBytes += d.length;
        upstream.write(d);
        for (const w of this.watchers.filter((x) => this.upstreamBytes >= x.bytes)) {
          this.watchers.splice(this.watchers.indexOf(w), 1);
          w.fn();
        }
      });
      upstream.on('data', (d: Buffer) => {
        if (!this.frozen) client.write(d);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy(targetPort);
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', () => r()));
    p.port = (p.server.address() as AddressInfo).port;
    return p;
  }

  /** Run fn once this many more client->server bytes have passed. */
  afterUpstreamBytes(bytes: number, fn: () => void): void {
    this.watchers.push({ bytes: this.upstreamBytes + bytes, fn });
  }

  /** Drop every relayed connection at once, as a dead network path would. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stop relaying without closing: the peers see silence, not a close. */
  freeze(): void {
    this.frozen = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server.close(r));
  }
}
