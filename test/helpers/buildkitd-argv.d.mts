export interface DaemonCertPaths {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}
export function buildkitdArgs(options: {
  root: string;
  port: number;
  certs: DaemonCertPaths;
  platform?: string | undefined;
}): string[];
export function buildctlArgs(options: { port: number; certs: DaemonCertPaths }): string[];
export const WORKERS_ARGS: readonly string[];
export function workerPlatforms(stdout: string): string[];
