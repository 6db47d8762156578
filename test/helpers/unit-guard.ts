// Setup file of the unit tier: pure tests start no process and open no socket. A test that tries fails at once,
// naming the call, instead of quietly slowing the tier or depending on the machine; it belongs in
// test/integration (flows tier) instead. The patched functions are Node's own, so child_process and net inside src/ see them.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);

function refuse(what: string) {
  return () => {
    throw new Error(`unit tests are pure: ${what} is not allowed here (move the test to test/integration/)`);
  };
}

const childProcess = require('node:child_process') as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = refuse(`child_process.${name}`);
}
// Every TCP, TLS, unix-socket and HTTP client connects through Socket#connect; every server listens through Server#listen.
const net = require('node:net') as typeof import('node:net');
net.Socket.prototype.connect = refuse('opening a socket (net.Socket#connect)');
net.Server.prototype.listen = refuse('listening on a socket (net.Server#listen)');
syncBuiltinESMExports();
