// `mpb init`: writes a commented starter builders.yaml that validates as it is, and says what to run next.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { quoteWord } from '../buildx/quote.js';
import { detectVersion, readBuilder } from '../buildx/read.js';
import { configFromBuilder } from '../config/from-builder.js';
import { configCandidates, displayPath } from '../config/load.js';
import { normalizePlatform } from '../config/normalize.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { fsError } from '../fs-errors.js';
import type { InitOptions } from '../options.js';
import { checkDockerDaemon } from '../probe/daemon.js';
import type { CommandResult } from '../run-command.js';

/**
 * The starter file for a Docker host whose native platform is `native` (e.g. linux/arm64 on an M1 Mac), and who
 * said so: the Docker Engine the local BuildKit container will run on, or, where it did not answer, this CPU.
 */
export function starterConfig(native: string, source: 'docker-host' | 'this-cpu' = 'docker-host'): string {
  const said =
    source === 'docker-host'
      ? `${native} is what this machine's Docker Engine runs (docker version)`
      : `${native} is this machine's CPU (Docker did not answer: check with mpb doctor)`;
  const other =
    native === 'linux/arm64' ? 'linux/amd64' : native === 'linux/amd64' ? 'linux/arm64' : undefined;
  const emulate = other
    ? `        # Served through QEMU here: it works, but 5-10x slower than a native node (see "fleet" below).
        emulate: [${other}]\n`
    : '';
  return `# mpb builders file: named docker buildx builders and their nodes.
# Check it with: mpb config validate      Apply it with: mpb ensure-builder
# Editor completion: run \`mpb config schema > builders.schema.json\` next to this file.
# yaml-language-server: $schema=./builders.schema.json
version: 1

# The builder mpb uses when neither --builder, MPB_BUILDER nor BUILDX_BUILDER is given.
defaultBuilder: local

builders:
  # BuildKit in a container on this machine's Docker.
  local:
    driver: docker-container   # docker-container | remote | kubernetes
    nodes:
      - name: local0
        # Built natively here: buildx sends these platforms to this node. ${said};
        # mpb ensure-builder, build and doctor warn if the node says otherwise.
        platforms: [${native}]
${emulate}
  # Native nodes elsewhere, over mutual TLS (make the files with: mpb certs create --host HOST).
  # Uncomment, set the endpoint and paths (~ and \${VAR} expand), then: mpb ensure-builder fleet
  # fleet:
  #   driver: remote
  #   nodes:
  #     - name: amd64
  #       endpoint: tcp://build-amd64.example.com:1234
  #       platforms: [linux/amd64]
  #       tls:
  #         ca: ~/.config/mpb/certs/ca.pem
  #         cert: ~/.config/mpb/certs/client-cert.pem
  #         key: ~/.config/mpb/certs/client-key.pem
  #     # This machine's own BuildKit in the same builder: mpb runs its container.
  #     - name: here
  #       local: true
  #       platforms: [${native}]
`;
}

const DOCKER_TIMEOUT_MS = 5_000;

// Node's names for the CPUs Docker Desktop and Linux hosts run on.
const NODE_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386' };

/** --from NAME: the file that declares that builder as buildx has it (one `docker buildx inspect NAME`). */
async function fromBuilder(deps: Deps, name: string): Promise<{ text: string; nodes: number }> {
  const builder = await readBuilder(deps.run, detectVersion(deps.run, deps.env), name);
  if (!builder) {
    throw new UsageError(`no builder "${name}": buildx has none by that name`, {
      hint: "See buildx's builders with: docker buildx ls",
    });
  }
  return { text: configFromBuilder(builder), nodes: builder.nodes.length };
}

/** Writes the starter (or, with --from, a builder buildx has) to --output; refuses to replace a file unless --force. */
export async function runInit(deps: Deps, options: InitOptions): Promise<CommandResult> {
  const { out } = deps;
  const file = resolve(deps.cwd, options.output);
  const from = options.from === undefined ? undefined : await fromBuilder(deps, options.from);
  // What the local BuildKit container will run on: the Docker host's CPU, not Node's (which may be emulated).
  const docker = from ? undefined : await checkDockerDaemon(deps.run, [], 'local Docker', DOCKER_TIMEOUT_MS);
  const fromDocker = docker?.ok ? docker.native?.platforms[0] : undefined;
  const native = fromDocker ?? normalizePlatform(NODE_ARCH[process.arch] ?? process.arch) ?? 'linux/amd64';
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw fsError(e, dirname(file), 'create the folder', '--output names the file.');
  }
  try {
    // 'wx' fails when the file exists: no window between a check and the write.
    writeFileSync(file, from?.text ?? starterConfig(native, fromDocker ? 'docker-host' : 'this-cpu'), {
      flag: options.force ? 'w' : 'wx',
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new UsageError(`${displayPath(file, deps.cwd)} already exists`, {
        hint: 'Pass --force to overwrite it, or write elsewhere with --output PATH.',
      });
    }
    throw fsError(e, file, 'write', '--output names the file.');
  }
  const found = configCandidates({ configPath: undefined, env: deps.env, cwd: deps.cwd }).files.includes(
    file,
  );
  const flag = found ? '' : ` --config ${quoteWord(displayPath(file, deps.cwd))}`;
  const next = [
    `mpb config validate${flag}`,
    `mpb ensure-builder${flag}`,
    `mpb build${flag} --platform linux/amd64,linux/arm64 -t IMAGE --push .`,
  ];
  if (deps.json)
    return {
      outcome: 'ok',
      data: { file, ...(options.from === undefined ? {} : { from: options.from }), next },
    };
  const what = from
    ? `builder "${options.from}" as buildx has it, ${from.nodes} node${from.nodes === 1 ? '' : 's'}`
    : `builder "local", ${native} native`;
  out.result(`${out.color.green('✓')} wrote ${displayPath(file, deps.cwd)} (${what})`);
  out.result('Next:');
  out.result(
    from
      ? '  check it: which platforms each node builds natively (see the comments in the file)'
      : '  edit it: your platforms, your remote nodes (see the comments in the file)',
  );
  for (const command of next) out.result(`  ${command}`);
  return { outcome: 'ok' };
}
