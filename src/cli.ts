// The commander program: global flags, one registration per command, every command imported lazily
// so that `mpb --version` and `mpb --help` load nothing but commander.
import { createRequire } from 'node:module';
import { Command, type CommanderError, InvalidArgumentError } from 'commander';
import { type Context, createContext, type GlobalOptions } from './context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
/** `--platform a,b --platform c` ≡ `--platform a,b,c`. */
const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];
const seconds = (value: string) => {
  const n = Number(value);
  // InvalidArgumentError: commander reports it as a usage error (exit 2), not as a crash with a stack.
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}"`);
  return n;
};

type Action = (ctx: Context, ...args: unknown[]) => Promise<number | undefined>;

/** Wraps a lazily-imported command: builds the context, runs it, maps its errors to exit codes. */
function lazy(load: () => Promise<Action>) {
  return async (...args: unknown[]) => {
    const cmd = args.at(-1) as Command;
    const globals = cmd.optsWithGlobals() as GlobalOptions;
    const ctx = createContext({
      config: globals.config,
      json: Boolean(globals.json),
      verbose: Boolean(globals.verbose),
      color: globals.color !== false,
    });
    try {
      const action = await load();
      process.exitCode = (await action(ctx, ...args.slice(0, -1))) ?? 0;
    } catch (e) {
      const { reportError } = await import('./ui/report-error.js');
      process.exitCode = reportError(e, ctx);
    }
  };
}

export function buildProgram(): Command {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  const program = new Command('mpb')
    .description(
      'Declarative multi-platform container builds on docker buildx: one YAML file of builders and nodes.',
    )
    .version(version, '-V, --version')
    .option(
      '-c, --config <path>',
      'config file (default: $MPB_CONFIG, ./builders.yaml, ~/.config/mpb/builders.yaml)',
    )
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .option('-v, --verbose', 'print each docker command; show stack traces')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ mpb init                                   write a commented starter builders.yaml
  $ mpb ensure-builder                         make buildx match builders.yaml, then prove every node is healthy
  $ mpb build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1 --push .
  $ mpb inspect registry.example.com/app:1 --expect-platforms linux/amd64,linux/arm64
  $ mpb doctor                                 find what is broken: docker, buildx, endpoints, TLS

Exit codes: 0 ok, 1 a docker/buildx command failed, 2 usage or config error,
            3 unhealthy (node down, platform not served or missing), 4 docker or buildx missing or too old.`,
    );

  program
    .command('init')
    .description('write a commented starter builders.yaml')
    .option('-o, --output <path>', 'where to write it', 'builders.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .addHelpText('after', '\nExample:\n  $ mpb init && mpb config validate')
    .action(lazy(async () => (await import('./commands/init.js')).runInit as Action));

  const config = program.command('config').description('check the config file or print its JSON Schema');
  config
    .command('validate')
    .description('validate the config file: exit 0 when valid, 2 with FILE:LINE:COL errors otherwise')
    .addHelpText('after', '\nExample:\n  $ mpb config validate --config builders.example.yaml')
    .action(lazy(async () => (await import('./commands/config-validate.js')).runConfigValidate as Action));
  config
    .command('schema')
    .description('print the JSON Schema of builders.yaml (for editors: # yaml-language-server: $schema=...)')
    .addHelpText('after', '\nExample:\n  $ mpb config schema > builders.schema.json')
    .action(lazy(async () => (await import('./commands/config-schema.js')).runConfigSchema as Action));

  program
    .command('ensure-builder')
    .argument('[names...]', 'builders to ensure (default: --builder, $MPB_BUILDER, then defaultBuilder)')
    .description('make buildx match the config, bootstrap every node, and verify each serves its platforms')
    .option('-b, --builder <name>', 'the builder to ensure')
    .option('--all', 'ensure every declared builder')
    .option(
      '--dry-run',
      'print the plan as docker commands with reasons and the endpoint checks; change nothing (exit 0)',
    )
    .option('--prune', 'remove nodes buildx has that the config does not declare')
    .option('--recreate', 'allow removing and re-creating a builder whose driver changed')
    .option('--allow-degraded', 'exit 0 while every declared platform still has a running node')
    .option('--probe-timeout <seconds>', 'how long to wait for each endpoint to answer', seconds, 5)
    .option('--timeout <seconds>', 'how long bootstrap may take', seconds, 120)
    .addHelpText(
      'after',
      `
Examples:
  $ mpb ensure-builder                      the default builder
  $ mpb ensure-builder fleet --dry-run      show what would run, and why
  $ mpb ensure-builder --all --allow-degraded

Exit: 0 healthy, 3 unhealthy, 1 a buildx command failed, 2 config error, 4 docker/buildx missing.`,
    )
    .action(lazy(async () => (await import('./commands/ensure-builder.js')).runEnsureBuilder as Action));

  for (const name of ['ls', 'status']) {
    program
      .command(name)
      .argument('[names...]', 'builders to show (default: all, declared and undeclared)')
      .description(
        name === 'ls'
          ? 'declared vs actual builders: nodes, status, platforms, drift'
          : 'the same as ls, and exit 3 when a declared builder is missing, drifted or has a node down',
      )
      .addHelpText('after', `\nExample:\n  $ mpb ${name} --json | jq '.builders[].drift'`)
      .action(
        lazy(async () => {
          const { runLs, runStatus } = await import('./commands/ls.js');
          return (name === 'ls' ? runLs : runStatus) as Action;
        }),
      );
  }

  program
    .command('rm')
    .argument('[names...]', 'declared builders to remove')
    .description('remove declared builders (never one the config does not declare)')
    .option('--all', 'remove every declared builder')
    .option('--keep-state', 'keep BuildKit state (volumes) for next time')
    .option('-y, --yes', 'do not ask for confirmation (required without a TTY)')
    .option('--dry-run', 'print what would be removed; change nothing')
    .addHelpText('after', '\nExamples:\n  $ mpb rm fleet\n  $ mpb rm --all --yes --keep-state')
    .action(lazy(async () => (await import('./commands/rm.js')).runRm as Action));

  program
    .command('build')
    .argument('[context]', 'build context', '.')
    .argument('[buildxArgs...]', 'after --: any other docker buildx build flags')
    .description('ensure the builder, show which node builds each platform, then run docker buildx build')
    .option('-b, --builder <name>', 'builder to use (default: $MPB_BUILDER, then defaultBuilder)')
    .option(
      '-p, --platform <list>',
      "platforms, comma-separated or repeated (amd64 = linux/amd64); default: every platform the builder declares (buildx's own default for an undeclared builder)",
      collectList,
    )
    .option('-t, --tag <name>', 'image name and tag (repeatable)', collect)
    .option('-f, --file <path>', 'Dockerfile')
    .option('--build-arg <k=v>', 'build argument (repeatable)', collect)
    .option('--push', 'push the image to its registry')
    .option('--load', 'load the image into the local Docker (one platform only)')
    .option('-o, --output <spec>', 'buildx output, e.g. type=oci,dest=out.tar (repeatable)', collect)
    .option('--cache-from <spec>', 'cache source (repeatable)', collect)
    .option('--cache-to <spec>', 'cache destination (repeatable)', collect)
    .option('--secret <spec>', 'secret to expose, id=...,src=... (repeatable)', collect)
    .option('--ssh <spec>', 'SSH agent socket or keys to expose (repeatable)', collect)
    .option('--label <k=v>', 'image label (repeatable)', collect)
    .option('--target <stage>', 'build stage')
    .option('--progress <mode>', 'auto, plain, tty, rawjson, quiet')
    .option('--provenance <spec>', 'provenance attestation (e.g. mode=max, false)')
    .option('--sbom <spec>', 'SBOM attestation (e.g. true)')
    .option('--metadata-file <path>', 'write buildx build metadata (digest) to this file')
    .option('--pull', 'always pull base images')
    .option('--no-cache', 'do not use the build cache')
    .option('--no-ensure', 'skip ensure-builder before building')
    .option('--native-only', 'refuse to build a platform that would be emulated')
    .option('--allow-degraded', 'build even when a node is down, if the platforms are still served')
    .option('--dry-run', 'print the routing and the buildx command; build nothing')
    .option('--probe-timeout <seconds>', 'how long to wait for each endpoint to answer', seconds, 5)
    .addHelpText(
      'after',
      `
Examples:
  $ mpb build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1 --push .
  $ mpb build -p arm64 --load -t app:dev .
  $ mpb build -p amd64,arm64 -t app:1 --push . -- --attest type=sbom
  $ mpb build --builder default -p arm64 --load -t app:dev .   buildx's own builder, used as it is

The context goes before --; everything after -- is passed to docker buildx build as it is.
Exit: buildx's own exit code; 3 when a platform has no node, would be emulated under --native-only or
needs a node that is down (nothing is built); 2 usage (e.g. --load with several platforms); 130 on Ctrl-C.`,
    )
    .action(lazy(async () => (await import('./commands/build.js')).runBuild as Action));

  program
    .command('inspect')
    .argument('<image>', 'image reference in a registry')
    .description("show an image's manifest list: platforms, digests, sizes, attestations")
    .option('--expect-platforms <list>', 'exit 3 unless all these platforms are present', collectList)
    .option('--exact', 'with --expect-platforms: also fail on platforms not expected')
    .option('--raw', 'print the manifest untouched')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpb inspect registry.example.com/app:1\n  $ mpb inspect registry.example.com/app:1 --expect-platforms linux/amd64,linux/arm64 --exact',
    )
    .action(lazy(async () => (await import('./commands/inspect.js')).runInspect as Action));

  program
    .command('doctor')
    .argument('[builders...]', 'builders to check (default: all declared)')
    .description('check docker, buildx, the config, every endpoint and TLS setup, all nodes at once')
    .option('--bootstrap', 'also bootstrap and check emulated platforms (QEMU) on each node')
    .option('--probe-timeout <seconds>', 'how long to wait for each endpoint to answer', seconds, 5)
    .addHelpText('after', '\nExamples:\n  $ mpb doctor\n  $ mpb doctor fleet --json')
    .action(lazy(async () => (await import('./commands/doctor.js')).runDoctor as Action));

  const certs = program
    .command('certs')
    .description('make and read TLS certificates for remote buildkitd nodes');
  certs
    .command('create')
    .description('write a CA, a server certificate for --host and a client certificate (keys 0600)')
    .requiredOption('--host <name-or-ip>', 'DNS name or IP of the buildkitd server (repeatable)', collect)
    .option('--out <dir>', 'where to write the files', '.')
    .option('--days <n>', 'validity of the certificates in days', (v) => Number.parseInt(v, 10), 825)
    .option('-f, --force', 'overwrite existing files')
    .addHelpText(
      'after',
      '\nExample:\n  $ mpb certs create --host build-amd64.example.com --host 10.0.0.5 --out ~/.mpb/certs',
    )
    .action(lazy(async () => (await import('./commands/certs-create.js')).runCertsCreate as Action));
  certs
    .command('show')
    .argument('<file>', 'a PEM certificate')
    .description("print a certificate's subject, SANs, issuer, validity and usage")
    .addHelpText('after', '\nExample:\n  $ mpb certs show ~/.mpb/certs/server.pem')
    .action(lazy(async () => (await import('./commands/certs-show.js')).runCertsShow as Action));

  program
    .command('completion')
    .argument('<shell>', 'bash or zsh')
    .description('print a shell completion script')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpb completion bash > /etc/bash_completion.d/mpb\n  $ mpb completion zsh > "${fpath[1]}/_mpb"',
    )
    .action(lazy(async () => (await import('./commands/completion.js')).runCompletion as Action));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // commander's own usage errors exit 2, like every other usage error; help and version exit 0.
  // Set on every command: a subcommand added before exitOverride() does not inherit it.
  const exitTwo = (err: CommanderError) => process.exit(err.exitCode === 0 ? 0 : 2);
  const override = (cmd: Command): void => {
    cmd.exitOverride(exitTwo);
    for (const sub of cmd.commands) override(sub);
  };
  override(program);
  // `mpb ls | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  await program.parseAsync(argv);
}
