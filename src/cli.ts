// The commander program: global flags, one registration per command, every command imported lazily
// so that `mpb --version` and `mpb --help` load nothing but commander.
import { createRequire } from 'node:module';
import { Command, type CommanderError } from 'commander';
import { createContext } from './context.js';
import {
  addOptions,
  BUILD_COMMAND_OPTIONS,
  buildCommandOutput,
  CERTS_CREATE_OPTIONS,
  DOCTOR_OPTIONS,
  ENSURE_BUILDER_OPTIONS,
  GLOBAL_OPTIONS,
  type GlobalFlags,
  INIT_OPTIONS,
  INSPECT_OPTIONS,
  LS_OPTIONS,
  NO_OPTIONS,
  type NoOptions,
  type OptionsOf,
  RM_OPTIONS,
  type Specs,
} from './options.js';
import type { CommandFn } from './run-command.js';
import { trapSignals } from './shutdown.js';

/**
 * Gives `cmd` the options of `specs` and an action that imports the command only when it runs. The command's
 * options type must be the one the specs declare; its operands are what the `.argument()`s above give.
 */
function defineCommand<S extends Specs, A extends unknown[]>(
  cmd: Command,
  specs: S,
  load: () => Promise<CommandFn<A, OptionsOf<S>>>,
  readAhead?: () => Promise<() => void>,
): Command {
  return addOptions(cmd, specs).action(async function (this: Command) {
    const shutdown = trapSignals();
    // A read the command will make, started before its modules load (buildx/read-ahead.ts): awaited, as loading
    // them alongside would delay it. Whatever fails here, the command meets again in its own time; one it did
    // not take (a bad config stopped it first) is stopped when it ends.
    const dropAhead = await readAhead?.().catch(() => undefined);
    const globals = this.optsWithGlobals<GlobalFlags>();
    const ctx = createContext(
      {
        config: globals.config,
        json: Boolean(globals.json),
        verbose: Boolean(globals.verbose),
        color: globals.color !== false,
      },
      shutdown.signal,
    );
    // commander types operands as any[] and options as a record: they are what the .argument()s and `specs`
    // declare, and `load`'s type says the command takes exactly those.
    const operands = this.processedArgs as A;
    const options = this.opts<OptionsOf<S>>();
    // The command's own modules load beside deps and run-command, not after them; a failure to load is
    // reported by runCommand like any other.
    const command = load();
    command.catch(() => {});
    const [{ createDeps }, { runCommand }] = await Promise.all([
      import('./deps.js'),
      import('./run-command.js'),
    ]);
    const deps = createDeps(ctx);
    process.exitCode = await runCommand(deps, async () => (await command)(deps, ...operands, options));
    dropAhead?.();
    if (shutdown.signal.aborted) {
      // Stopped: the command's cleanups have run; its children were told to stop, and are waited for.
      await (await import('./buildx/exec.js')).childrenEnded();
      process.exit(process.exitCode);
    }
    shutdown.release();
  });
}

export function buildProgram(): Command {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  const program = new Command('mpb')
    .description(
      'Declarative multi-platform container builds on docker buildx: one YAML file of builders and nodes.',
    )
    .version(version, '-V, --version');
  addOptions(program, GLOBAL_OPTIONS)
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
            3 unhealthy (node down, platform not served or missing), 4 docker or buildx missing or too old.

mpb runs the docker-buildx plugin docker would run itself (buildx's standalone mode), without docker's own
start in between; MPB_BUILDX_DIRECT=0 runs every buildx command through docker.`,
    );

  defineCommand(
    program
      .command('init')
      .description('write a commented starter builders.yaml')
      .addHelpText('after', '\nExample:\n  $ mpb init && mpb config validate'),
    INIT_OPTIONS,
    async () => (await import('./commands/init.js')).runInit,
  );

  const config = program.command('config').description('check the config file or print its JSON Schema');
  defineCommand(
    config
      .command('validate')
      .description('validate the config file: exit 0 when valid, 2 with FILE:LINE:COL errors otherwise')
      .addHelpText('after', '\nExample:\n  $ mpb config validate --config builders.example.yaml'),
    NO_OPTIONS,
    async () => (await import('./commands/config-validate.js')).runConfigValidate,
  );
  defineCommand(
    config
      .command('schema')
      .description(
        'print the JSON Schema of builders.yaml (for editors: # yaml-language-server: $schema=...)',
      )
      .addHelpText('after', '\nExample:\n  $ mpb config schema > builders.schema.json'),
    NO_OPTIONS,
    async () => (await import('./commands/config-schema.js')).runConfigSchema,
  );

  defineCommand(
    program
      .command('ensure-builder')
      .argument('[names...]', 'builders to ensure (default: --builder, $MPB_BUILDER, then defaultBuilder)')
      .description('make buildx match the config, bootstrap every node, and verify each serves its platforms')
      .addHelpText(
        'after',
        `
Examples:
  $ mpb ensure-builder                      the default builder
  $ mpb ensure-builder fleet --dry-run      show what would run, and why
  $ mpb ensure-builder --all --allow-degraded

A converged remote TLS builder is read from buildx's own record and the nodes' answers, without a buildx call
(--verbose says which way; MPB_BUILDX_RECORD=0 always runs buildx inspect).

Exit: 0 healthy, 3 unhealthy, 1 a buildx command failed, 2 config error, 4 docker/buildx missing.`,
      ),
    ENSURE_BUILDER_OPTIONS,
    async () => (await import('./commands/ensure-builder.js')).runEnsureBuilder,
  );

  for (const name of ['ls', 'status']) {
    defineCommand(
      program
        .command(name)
        .argument('[names...]', 'builders to show (default: all, declared and undeclared)')
        .description(
          name === 'ls'
            ? 'declared vs actual builders: nodes, status, platforms, drift'
            : 'the same as ls, and exit 3 when a declared builder is missing, drifted or has a node down',
        )
        .addHelpText(
          'after',
          `\nExamples:\n  $ mpb ${name} --wide     every platform, not the summary\n  $ mpb ${name} --json | jq '.builders[].drift'\n\nBuilders the config does not declare are probed like build's preflight: each node buildx does not\nreport running, from buildx's own endpoint and TLS options, all at once (--probe-timeout); a node down shows\nits diagnosis code.${name === 'status' ? '\nExit 3: a declared builder missing, drifted or with a node down; without names undeclared builders\nare not judged, but one named (mpb status NAME) is: exit 3 when a node of it is down.' : ''}\n\nOn a terminal tables fit its width; pipes and files get every cell whole.`,
        ),
      LS_OPTIONS,
      async () => {
        const { runLs, runStatus } = await import('./commands/ls.js');
        return name === 'ls' ? runLs : runStatus;
      },
      async () => (await import('./buildx/read-ahead.js')).listAhead(process.env),
    );
  }

  defineCommand(
    program
      .command('rm')
      .argument('[names...]', 'declared builders to remove')
      .description('remove declared builders (never one the config does not declare)')
      .addHelpText('after', '\nExamples:\n  $ mpb rm fleet\n  $ mpb rm --all --yes --keep-state'),
    RM_OPTIONS,
    async () => (await import('./commands/rm.js')).runRm,
  );

  const build = program.command('build');
  build.configureOutput(buildCommandOutput(build));
  defineCommand(
    build
      .argument('[context]', 'build context', '.')
      .argument('[buildxArgs...]', 'after --: any other docker buildx build flags')
      .description('ensure the builder, show which node builds each platform, then run docker buildx build')
      .addHelpText(
        'after',
        `
Examples:
  $ mpb build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1 --push .
  $ mpb build -p arm64 --load -t app:dev .
  $ mpb build -p amd64,arm64 -t app:1 --push . -- --attest type=sbom
  $ mpb build --builder default -p arm64 --load -t app:dev .   buildx's own builder, used as it is
  $ mpb build --strategy split -p amd64,arm64 -t reg.example.com/app:1 --push .   one job per node, merged
  $ mpb build --cache-ref reg.example.com/app/cache -p amd64,arm64 -t reg.example.com/app:1 --push .
  $ mpb --json build -p amd64,arm64 -t reg.example.com/app:1 --push . | jq '.platforms[] | {platform, builtOn}'

Strategy: auto (default) splits when --push is given and single would emulate a platform another node runs
natively, or a cache ref spans several nodes; it says which and why. The report (table, --json, and
$GITHUB_STEP_SUMMARY) shows where each platform was built, native or emulated, time and cached steps.

The context goes before --; everything after -- is passed to docker buildx build as it is.
Exit: buildx's own exit code; 3 when a platform has no node, would be emulated under --native-only or
needs a node that is down (nothing is built), or when a building node stops answering for --node-timeout
(a split build then stops that job and tags nothing); 2 usage (e.g. --load with several platforms); 130 on
Ctrl-C.`,
      ),
    BUILD_COMMAND_OPTIONS,
    async () => (await import('./commands/build.js')).runBuild,
  );

  defineCommand(
    program
      .command('inspect')
      .argument('<image>', 'image reference in a registry')
      .description("show an image's manifest list: platforms, digests, sizes, attestations")
      .addHelpText(
        'after',
        '\nExamples:\n  $ mpb inspect registry.example.com/app:1\n  $ mpb inspect registry.example.com/app:1 --expect-platforms linux/amd64,linux/arm64 --exact',
      ),
    INSPECT_OPTIONS,
    async () => (await import('./commands/inspect.js')).runInspect,
  );

  defineCommand(
    program
      .command('doctor')
      .argument(
        '[builders...]',
        'builders to check (default: all declared; one buildx has but the config does not declare is checked as buildx stores it)',
      )
      .description('check docker, buildx, the config, every endpoint and TLS setup, all nodes at once')
      .addHelpText(
        'after',
        "\nExamples:\n  $ mpb doctor\n  $ mpb doctor fleet --json\n  $ mpb doctor default      buildx's own builder, not in the config",
      ),
    DOCTOR_OPTIONS,
    async () => (await import('./commands/doctor.js')).runDoctor,
  );

  const certs = program
    .command('certs')
    .description('make and read TLS certificates for remote buildkitd nodes');
  defineCommand(
    certs
      .command('create')
      .description('write a CA, a server certificate for --host and a client certificate (keys 0600)')
      .addHelpText(
        'after',
        '\nExample:\n  $ mpb certs create --host build-amd64.example.com --host 10.0.0.5 --out ~/.mpb/certs',
      ),
    CERTS_CREATE_OPTIONS,
    async () => (await import('./commands/certs-create.js')).runCertsCreate,
  );
  defineCommand(
    certs
      .command('show')
      .argument('<file>', 'a PEM certificate')
      .description("print a certificate's subject, SANs, issuer, validity and usage")
      .addHelpText('after', '\nExample:\n  $ mpb certs show ~/.mpb/certs/server.pem'),
    NO_OPTIONS,
    async () => (await import('./commands/certs-show.js')).runCertsShow,
  );

  defineCommand(
    program
      .command('completion')
      .argument('<shell>', 'bash or zsh')
      .description('print a shell completion script')
      .addHelpText(
        'after',
        '\nExamples:\n  $ mpb completion bash > /etc/bash_completion.d/mpb\n  $ mpb completion zsh > "${fpath[1]}/_mpb"',
      ),
    NO_OPTIONS,
    async () => {
      const { runCompletion } = await import('./commands/completion.js');
      return (deps, shell: string, _options: NoOptions) => runCompletion(deps, shell, program);
    },
  );

  defineCommand(
    program.command('__builders', { hidden: true }).description('the declared builders, for completion'),
    NO_OPTIONS,
    async () => (await import('./commands/completion.js')).runCompleteBuilders,
  );

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
