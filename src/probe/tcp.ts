// TCP connect with a deadline: does the endpoint resolve, and does something listen there?
import { connect, type Socket } from 'node:net';
import type { FaultCode } from './codes.js';
import type { NetReason } from './types.js';

export type TcpFailure = { ok: false; reason: NetReason; code: FaultCode; detail: string; fix: string };
export type TcpOutcome = { ok: true; socket: Socket; ms: number } | TcpFailure;

/** The code of a network failure reaching a TCP service. */
export const NET_CODES = {
  dns: 'dns.not-found',
  refused: 'tcp.refused',
  unreachable: 'tcp.unreachable',
  timeout: 'tcp.timeout',
} as const satisfies Record<NetReason, FaultCode>;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL']);

/** The fix for a network failure; shared by the TCP, TLS and ssh probes. */
export function netFix(reason: NetReason, host: string, port: number): string {
  switch (reason) {
    case 'dns':
      return `Fix the host name "${host}" in the endpoint, or use its IP address (check: getent hosts ${host}).`;
    case 'refused':
      return `Nothing listens on ${host}:${port}: start buildkitd there (mpb certs create prints the docker run command) or correct the port.`;
    case 'unreachable':
      return `No route to ${host}: check the address, the VPN and the network between this machine and the node.`;
    case 'timeout':
      return `${host}:${port} did not answer: check that the host is up and that a firewall or security group lets TCP ${port} in from here.`;
  }
}

function classifyNetError(e: NodeJS.ErrnoException, host: string, port: number): TcpFailure {
  const code = e.code ?? '';
  const reason: NetReason = DNS_CODES.has(code)
    ? 'dns'
    : code === 'ECONNREFUSED'
      ? 'refused'
      : code === 'ETIMEDOUT'
        ? 'timeout'
        : 'unreachable';
  const what = {
    dns: `${host} does not resolve (${code})`,
    refused: `connection to ${host}:${port} refused`,
    timeout: `connection to ${host}:${port} timed out`,
    unreachable: `cannot reach ${host}:${port} (${code || e.message})`,
  }[reason];
  return { ok: false, reason, code: NET_CODES[reason], detail: what, fix: netFix(reason, host, port) };
}

/** Opens a TCP connection that must succeed before `deadline` (epoch ms); the caller owns the socket. */
export function connectTcp(host: string, port: number, deadline: number): Promise<TcpOutcome> {
  const started = performance.now();
  const waitMs = Math.max(0, deadline - Date.now());
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({
        ok: false,
        reason: 'timeout',
        code: 'tcp.timeout',
        detail: `no TCP answer from ${host}:${port} within ${(waitMs / 1000).toFixed(1)} s`,
        fix: netFix('timeout', host, port),
      });
    }, waitMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ ok: true, socket, ms: Math.round(performance.now() - started) });
    });
    // Stays attached after connect: a later error on a handed-over socket must not crash mpb.
    socket.once('error', (e) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(classifyNetError(e, host, port));
    });
  });
}

/** Connects and closes: whether host:port accepts TCP within timeoutMs. */
export async function probeTcp(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ ok: true; ms: number } | TcpFailure> {
  const outcome = await connectTcp(host, port, Date.now() + timeoutMs);
  if (!outcome.ok) return outcome;
  outcome.socket.destroy();
  return { ok: true, ms: outcome.ms };
}
