import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ServerCloser {
  /**
   * Stops listening and ends every connection (hung requests and idle keep-alive ones included); resolves
   * once the server has closed. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Tracks the sockets of an HTTP or HTTPS test server so that closing it neither hangs nor crashes.
 *
 * `http.Server.close()` stops listening and then runs `closeIdleConnections()`, which walks Node's list of
 * the server's HTTP parsers and reads `parser.socket._httpMessage`. After the fault proxy has reset a TLS
 * connection mid-request, that list can keep a parser whose socket Node has already set to `null` (freed
 * with its connection, yet still or again on the list; reproduced only with TLS and a reset), and the walk
 * throws `TypeError: Cannot read properties of null (reading '_httpMessage')`; nodejs/node#43795 is the
 * same walk failing on `.destroy`. Destroying every socket before `close()` does not help: the stale parser
 * belongs to a socket that is gone already (measured: 14 of 400 closes still threw). So the walk skips that
 * error (there is nothing left to close for a parser without a socket), and `close()` destroys every
 * tracked socket itself, hung and keep-alive ones included, so the server closes at once.
 */
export function trackServerSockets(server: Server): ServerCloser {
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;
  const track = (socket: Socket): void => {
    if (socket.destroyed) return;
    // A connection accepted while closing (already queued when the server stopped listening) ends at once.
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  // 'connection' is the TCP socket, also for HTTPS; 'secureConnection' the TLS socket HTTP runs on.
  server.on('connection', track);
  server.on('secureConnection', track);
  guardIdleConnectionWalk(server);

  return {
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Stops accepting, and ends idle keep-alive connections through the guarded walk; the callback runs
        // once every connection has closed, which the loop below makes immediate.
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Node's own `closeIdleConnections`, minus the crash on a parser whose socket is already gone. */
function guardIdleConnectionWalk(server: Server): void {
  const original = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    try {
      original();
    } catch (error) {
      if (!(error instanceof TypeError && /reading '(_httpMessage|destroy)'/.test(error.message)))
        throw error;
      // Every live socket is destroyed by close() anyway; the stale parser is freed with its connection.
    }
  };
}
