// Endpoints that hang instead of refusing: loopback TCP listeners that accept the connection and then
// never read or write, so a TLS handshake (or any request) waits until the client's own timeout.
// Only 127.0.0.1: nothing here ever sends a packet off this machine.
import { createServer } from 'node:net';

/** Starts `count` silent listeners; returns their ports and a close() that ends every connection. */
export async function startBlackholes(count) {
  const sockets = new Set();
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer({ pauseOnConnect: true }, (socket) => {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
          });
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  return {
    ports: servers.map((s) => s.address().port),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
