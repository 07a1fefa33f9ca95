import { createServer, Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What answers HTTP while the hub waits for a dependency at startup (PostgreSQL; the broker is
 * awaited later, behind Nest's own /health). The Nest application needs the database before it
 * can be built, so until then this plain server holds the hub's port and answers every request
 * with 503 and what the hub is waiting for: an orchestrator's probe sees "starting" instead of a
 * refused connection, and a portal's HTTP ingress call gets a retryable status. It is closed
 * before Nest listens on the same port.
 */
export class StartupHealth {
  private readonly waiting = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  /** The JSON body served while waiting, e.g. `{"status":"starting","waitingFor":["postgresql"]}`. */
  body(): { status: 'starting'; waitingFor: string[] } {
    return { status: 'starting', waitingFor: [...this.waiting] };
  }

  waitFor(what: string): void {
    this.waiting.add(what);
  }

  ready(what: string): void {
    this.waiting.delete(what);
  }

  async listen(port: number, host: string): Promise<void> {
    const server = createServer((_req, res) => {
      const body = JSON.stringify(this.body());
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', connection: 'close', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Frees the port (open keep-alive sockets included) so the real server can bind it. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
