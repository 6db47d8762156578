// The commander program: global flags, one registration per command, every command imported lazily
// so that `mpb --version` and `mpb --help` load nothing but commander.
import { createRequire } from 'node:module';
import { Command, type CommanderError } from 'commander';
import { createContext } from './context.js';
import { configureHelpLayout, helpAfter } from './help.js';
import {
  addOptions,
  BAKE_OPTIONS,
  BUILD_COMMAND_OPTIONS,
  bakeCommandOutput,
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

// The builder choice (config/select.ts), said the same way in every help that depends on it.
const BUILDER_CHOICE =
  "Which builder: --builder, then $MPB_BUILDER, then $BUILDX_BUILDER, then the config's defaultBuilder (a file of one builder: that one), then buildx's current builder (docker buildx use). The choice is printed on stderr, e.g. builder fleet (from BUILDX_BUILDER); --json has builderFrom.";

export function buildProgram(): Command {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  const program = configureHelpLayout(new Command('mpb'))
    .description(
      'Declarative multi-platform container builds on docker buildx: one YAML file of builders and nodes.',
    )
    .version(version, '-V, --version');
  addOptions(program, GLOBAL_OPTIONS)
    .configureOutput({ outputError: usageErrorOutput(program) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      helpAfter({
        examples: [
          ['mpb init', 'write a commented starter builders.yaml'],
          ['mpb config validate', 'check it: FILE:LINE:COL errors with what to write'],
          ['mpb doctor', 'find what is broken: docker, buildx, endpoints, TLS'],
          ['mpb ensure-builder', 'make buildx match the file, prove every node healthy'],
          ['mpb build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1 --push .'],
          ['mpb bake --push', 'every target × platform of docker-bake.hcl on a native node'],
          ['mpb inspect registry.example.com/app:1 --expect-platforms linux/amd64,linux/arm64'],
        ],
        notes: [
          `Exit codes:
  0  ok
  1  a docker/buildx command failed
  2  usage or config error
  3  unhealthy: a node down, a platform not served or missing
  4  docker or buildx missing or too old
  130/143  stopped by Ctrl-C / SIGTERM (what it started is stopped first)`,
          'Run mpb COMMAND --help for a command, its options and examples.',
        ],
      }),
    );

  defineCommand(
    program
      .command('init')
      .description('write a commented starter builders.yaml, or one from a builder buildx has (--from)')
      .addHelpText(
        'after',
        helpAfter({
          examples: [
            ['mpb init && mpb config validate'],
            ['mpb init --from fleet', 'declare the builder fleet as buildx has it'],
          ],
          notes: [
            [
              "The setup mpb was made for: a Mac's own BuildKit (arm64) and an amd64 server over mutual TLS in one builder (builders.example.yaml has it too, commented):",
              '  builders:',
              '    mac:',
              '      driver: remote',
              '      nodes:',
              '        - name: mac-arm64',
              '          local: true        # mpb runs BuildKit in a container here',
              '          network: host      # builds reach a registry on localhost:5000',
              '          platforms: [linux/arm64]',
              '          registries:        # its buildkitd.toml: Docker Hub via a mirror',
              '            docker.io: { mirrors: [mirror.gcr.io] }',
              '        - name: amd64-server # buildkitd: mpb certs create --host HOST',
              '          endpoint: tcp://build-amd64.example.com:1234',
              '          platforms: [linux/amd64]',
              '          tls: { ca: ~/.config/mpb/certs/ca.pem,',
              '                 cert: ~/.config/mpb/certs/client-cert.pem,',
              '                 key: ~/.config/mpb/certs/client-key.pem }',
            ].join('\n'),
          ],
        }),
      ),
    INIT_OPTIONS,
    async () => (await import('./commands/init.js')).runInit,
  );

  const config = program.command('config').description('check the config file or print its JSON Schema');
  defineCommand(
    config
      .command('validate')
      .description('validate the config file: exit 0 when valid, 2 with FILE:LINE:COL errors otherwise')
      .addHelpText(
        'after',
        helpAfter({
          examples: [['mpb config validate --config builders.example.yaml']],
          notes: [
            'TLS files that do not exist yet are warnings here, with the mpb certs create line that makes them; the node cannot connect until they do.',
          ],
        }),
      ),
    NO_OPTIONS,
    async () => (await import('./commands/config-validate.js')).runConfigValidate,
  );
  defineCommand(
    config
      .command('schema')
      .description(
        'print the JSON Schema of builders.yaml (for editors: # yaml-language-server: $schema=...)',
      )
      .addHelpText('after', helpAfter({ examples: [['mpb config schema > builders.schema.json']] })),
    NO_OPTIONS,
    async () => (await import('./commands/config-schema.js')).runConfigSchema,
  );

  defineCommand(
    program
      .command('ensure-builder')
      .argument('[names...]', 'builders to ensure (default: the chosen builder, see below)')
      .description('make buildx match the config, bootstrap every node, and verify each serves its platforms')
      .addHelpText(
        'after',
        helpAfter({
          examples: [
            ['mpb ensure-builder', 'the default builder'],
            ['mpb ensure-builder fleet --dry-run', 'show what would run, and why'],
            ['mpb ensure-builder --all --allow-degraded'],
          ],
          notes: [
            BUILDER_CHOICE,
            "BuildKit reads its buildkitd.toml only when its container is created: a node whose registries differ from the file buildx keeps (shown by buildx 0.18+) re-creates the builder on its kept state, and a local: true node's container is re-created when its image, flags, config, registries or network change.",
            'Exit: 0 healthy, 3 unhealthy, 1 a buildx command failed, 2 config error, 4 docker/buildx missing.',
          ],
        }),
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
          helpAfter({
            examples: [
              [`mpb ${name} --wide`, 'every platform, not the summary'],
              [`mpb ${name} --json | jq '.builders[].drift'`],
            ],
            notes: [
              'Builders the config does not declare are listed too: each of their nodes that buildx does not report running is probed (--probe-timeout), and a node down shows its diagnosis code. Without a config file every builder buildx has is listed (and judged by status) as undeclared.',
              ...(name === 'status'
                ? [
                    'Exit 3: a declared builder missing, drifted or with a node down. Without names, undeclared builders are not judged; one named (mpb status NAME) is: exit 3 when a node of it is down.',
                  ]
                : []),
              `ls shows every builder; build and ensure-builder use one. ${BUILDER_CHOICE}`,
              'On a terminal tables fit its width; pipes and files get every cell whole.',
            ],
          }),
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
      .addHelpText('after', helpAfter({ examples: [['mpb rm fleet'], ['mpb rm --all --yes --keep-state']] })),
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
        helpAfter({
          examples: [
            ['mpb build --platform linux/amd64,linux/arm64 -t registry.example.com/app:1 --push .'],
            ['mpb build -p arm64 --load -t app:dev .'],
            ['BUILDX_BUILDER=qemu mpb build -p arm64 --load -t app:dev .', "buildx's variable is honoured"],
            ['mpb build -p amd64,arm64 -t app:1 --push . -- --attest type=sbom'],
            [
              'mpb build --builder default -p arm64 --load -t app:dev .',
              "buildx's own builder, used as it is",
            ],
            [
              'mpb build --strategy split -p amd64,arm64 -t reg.example.com/app:1 --push .',
              'one job per node, merged',
            ],
            [
              'mpb build --cache-ref reg.example.com/app/cache -p amd64,arm64 -t reg.example.com/app:1 --push .',
            ],
            [
              "mpb --json build -p amd64,arm64 -t reg.example.com/app:1 --push . | jq '.platforms[] | {platform, builtOn}'",
            ],
          ],
          notes: [
            `${BUILDER_CHOICE} An undeclared builder (buildx's default, say) is used as buildx has it, without ensure; no config file is needed.`,
            'Strategy: auto (default) splits when --push is given and single would emulate a platform another node runs natively, or a cache ref spans several nodes; it says which and why. A platform declared on several live nodes goes, in a split, to the least busy (as their daemons say), the same image to the same node between equals. The report (table, --json, and $GITHUB_STEP_SUMMARY) shows where each platform was built, native or emulated, time and cached steps.',
            'The context goes before --; everything after -- is passed to docker buildx build as it is.',
            "Exit: buildx's own exit code; 3 when a platform has no node, would be emulated under --native-only or needs a node that is down (nothing is built), or when a building node stops answering for --node-timeout (a split build then stops that job and tags nothing); 2 usage (e.g. --load with several platforms); 130 on Ctrl-C, 143 on SIGTERM (buildx stopped, nothing tagged).",
          ],
        }),
      ),
    BUILD_COMMAND_OPTIONS,
    async () => (await import('./commands/build.js')).runBuild,
  );

  const bake = program.command('bake');
  bake.configureOutput(bakeCommandOutput(bake));
  defineCommand(
    bake
      .argument('[targets...]', "targets or groups of the bake file (default: bake's default group)")
      .description(
        'build a bake file: each target × platform on a node that runs it natively, merged per target',
      )
      .addHelpText(
        'after',
        helpAfter({
          examples: [
            ['mpb bake --push', 'the default group, every target × platform on a native node'],
            ['mpb bake -f docker-bake.hcl api web --push --dry-run', 'the pools and each job, nothing built'],
            ['mpb bake --push --cache-ref reg.example.com/cache', 'a registry cache per target × platform'],
            ["mpb --json bake --push | jq '.jobs[] | {target, platform, builtOn, retries}'"],
            ['mpb bake --print', "buildx's own reading of the bake file"],
          ],
          notes: [
            [
              'A bake file for a Mac (arm64, local: true) and two amd64 servers in one builder: linux/amd64 is then a pool of two, linux/arm64 the Mac (the README has the builders.yaml):',
              '  group "default" { targets = ["api", "web"] }',
              '  target "base" {',
              '    context   = "base"',
              '    platforms = ["linux/amd64", "linux/arm64"]',
              '  }',
              '  target "api" {',
              '    inherits  = ["base"]',
              '    context   = "api"',
              '    contexts  = { base = "target:base" }  # FROM base',
              '    tags      = ["registry.example.com/shop/api:1"]',
              '  }',
              '  target "web" {',
              '    context   = "web"',
              '    platforms = ["linux/amd64", "linux/arm64"]',
              '    tags      = ["registry.example.com/shop/web:1"]',
              '  }',
              '$ mpb bake --push: api and web on the two amd64 servers, both arm64 jobs on the Mac, each tag an index of two platforms.',
            ].join('\n'),
            `${BUILDER_CHOICE}`,
            "buildx reads the bake file (docker buildx bake --print: HCL, JSON or compose); a target's platforms are the file's, or --set '*.platform=linux/amd64,linux/arm64' (bake has no --platform). With --push (or outputs that all push), each target × platform is one job on a node of that platform's pool: the builder's live nodes that run it natively (the node's own word). A job goes to the least busy node of its pool (builds its daemon reports running, other mpb processes and CI jobs included), and between nodes equally busy to the node its target hashes to, so a rebuild finds its cache. A target built from another (contexts = { base = \"target:base\" }) builds it in the same job, on the same node as the base's own job where loads allow.",
            'A node found down before the bake leaves its share to the other nodes of its pool; one that goes down during a job hands the job to another native node, once (reported as a retry). Never to an emulating node: emulate: nodes build a platform only where no node that runs it natively is declared, or with --allow-emulation.',
            "Each target's platforms are merged under its tags (imagetools create) once all of them are built: a failed target leaves its tags where they were, and the other targets still finish. Other outputs (local, tar, docker) run as one docker buildx bake on the builder, with the routing shown first.",
            "The report (table, --json, $GITHUB_STEP_SUMMARY): per target × platform the node, builtOn (buildx history), time, cached steps and retries; per node its busy time and share; the wall time against the ideal for this fleet (the longest job, or a platform's busy time spread evenly over its nodes).",
            'Exit: 0 every target tagged; 1 a job or a merge failed; 3 a platform has no live native node (nothing is built) or a node went down with none left to take its job; 2 usage; 130 on Ctrl-C.',
          ],
        }),
      ),
    BAKE_OPTIONS,
    async () => (await import('./commands/bake.js')).runBake,
  );

  defineCommand(
    program
      .command('inspect')
      .argument('<image>', 'image reference in a registry')
      .description("show an image's manifest list: platforms, digests, sizes, attestations")
      .addHelpText(
        'after',
        helpAfter({
          examples: [
            ['mpb inspect registry.example.com/app:1'],
            ['mpb inspect registry.example.com/app:1 --expect-platforms linux/amd64,linux/arm64 --exact'],
          ],
        }),
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
        helpAfter({
          examples: [
            ['mpb doctor'],
            ['mpb doctor fleet --json'],
            ['mpb doctor default', "buildx's own builder, not in the config"],
          ],
          notes: [
            'A remote node with registries: runs a buildkitd you start, whose buildkitd.toml mpb cannot write: doctor warns (registries.not-written), prints the tables it needs, and checks each registry and mirror accepts TCP from here.',
          ],
        }),
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
        helpAfter({
          examples: [['mpb certs create --host build-amd64.example.com --host 10.0.0.5']],
          notes: [
            'Without --out the files go to ~/.config/mpb/certs ($XDG_CONFIG_HOME/mpb/certs), never to the working folder. The docker run it prints mounts only the CA certificate and the server certificate and key.',
          ],
        }),
      ),
    CERTS_CREATE_OPTIONS,
    async () => (await import('./commands/certs-create.js')).runCertsCreate,
  );
  defineCommand(
    certs
      .command('show')
      .argument('<file>', 'a PEM certificate')
      .description("print a certificate's subject, SANs, issuer, validity and usage")
      .addHelpText(
        'after',
        helpAfter({ examples: [['mpb certs show ~/.config/mpb/certs/server-cert.pem']] }),
      ),
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
        helpAfter({
          examples: [
            ['mpb completion bash > /etc/bash_completion.d/mpb'],
            ['mpb completion zsh > "${fpath[1]}/_mpb"'],
          ],
        }),
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

  // `mpb` alone, or with global flags only (`mpb -v`): its help, on stdout, exit 0. Set after the commands, which
  // would otherwise inherit allowExcessArguments; a word that is no command stays commander's usage error.
  // An action of its own would drop commander's implicit `help [command]`: it is asked for by name.
  program.helpCommand(true);
  program.allowExcessArguments().action(function (this: Command) {
    if (this.args.length > 0) (this as unknown as { unknownCommand(): never }).unknownCommand();
    this.outputHelp();
  });

  return program;
}

/** --json was given: on the command line before any `--`, or as parsed so far. */
function jsonRequested(program: Command, argv: readonly string[]): boolean {
  if (program.getOptionValue('json') === true) return true;
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/**
 * commander's usage errors (an unknown flag, a missing operand): under --json one JSON document on stdout, as
 * every other error of mpb (`{ ok: false, errors: [{ message, hint }] }`); otherwise its text on stderr.
 * Either way commander then exits through main's override: 2.
 */
function usageErrorOutput(program: Command): (text: string, write: (text: string) => void) => void {
  return (text, write) => {
    if (!jsonRequested(program, process.argv)) return write(text);
    const message = text.trim().replace(/^error: /, '');
    const error = { message, hint: 'Run the command with --help for its usage.' };
    process.stdout.write(`${JSON.stringify({ ok: false, errors: [error] }, null, 2)}\n`);
  };
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
