// Entry of the docker-buildx plugin: answer the CLI's metadata probe, else run buildx.
import { buildxVersion, exitWhenOrphaned } from './runtime.mjs';

const args = process.argv.slice(2);
if (args[0] === 'docker-cli-plugin-metadata') {
  const version = buildxVersion(process.env).raw;
  const metadata = {
    SchemaVersion: '0.1.0',
    Vendor: 'Docker Inc.',
    Version: `v${version}`,
    ShortDescription: 'Docker Buildx',
    URL: 'https://github.com/docker/buildx',
  };
  process.stdout.write(`${JSON.stringify(metadata)}\n`);
} else {
  exitWhenOrphaned();
  const { runBuildx } = await import('./buildx-main.mjs');
  process.exitCode = await runBuildx(args[0] === 'buildx' ? args.slice(1) : args, process.env);
}
