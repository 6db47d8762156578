// TCP endpoints on 127.0.0.1 for flow tests, where the fake buildx plays the nodes: listeners that accept and drop
// every connection (a TCP probe finds them up), and a port nothing listens on (one finds it refused).
import { createServer } from 'node:net';

export interface Listener {
  port: number;
  /** Stops listening (again is fine): from then on the port refuses connections. */
  close: () => Promise<void>;
}

function listen(): Promise<Listener> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

export const loopbackListeners = (count: number): Promise<Listener[]> =>
  Promise.all(Array.from({ length: count }, listen));

/** A port that was just free and is closed again. */
export async function closedPort(): Promise<number> {
  const listener = await listen();
  await listener.close();
  return listener.port;
}
