// builders.yaml text for flow tests whose remote nodes are plain TCP ports on 127.0.0.1 (listeners.ts): the fake
// buildx plays the nodes, mpb's probe finds each port up or refused.

export interface LoopbackNode {
  name: string;
  /** Its endpoint is tcp://127.0.0.1:PORT. */
  port: number;
  platforms: string[];
  emulate?: string[];
}

/** Remote builders of loopback nodes, in the order given; `defaultBuilder` when one is named. */
export function loopbackConfig(builders: Record<string, LoopbackNode[]>, defaultBuilder?: string): string {
  const lines = ['version: 1'];
  if (defaultBuilder) lines.push(`defaultBuilder: ${defaultBuilder}`);
  lines.push('builders:');
  for (const [builder, nodes] of Object.entries(builders)) {
    lines.push(`  ${builder}:`, '    driver: remote', '    nodes:');
    for (const n of nodes) {
      lines.push(
        `      - name: ${n.name}`,
        `        endpoint: tcp://127.0.0.1:${n.port}`,
        `        platforms: [${n.platforms.join(', ')}]`,
      );
      if (n.emulate?.length) lines.push(`        emulate: [${n.emulate.join(', ')}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}
