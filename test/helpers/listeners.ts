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

/**
 * COUNT distinct ports that were just free and are closed again. They are held open together before being
 * released: bound one after another, the kernel may hand the same just-released port out twice.
 */
export async function closedPorts(count: number): Promise<number[]> {
  const listeners = await loopbackListeners(count);
  await Promise.all(listeners.map((l) => l.close()));
  return listeners.map((l) => l.port);
}

/** A port that was just free and is closed again (take several with closedPorts). */
export const closedPort = async (): Promise<number> => (await closedPorts(1))[0]!;
