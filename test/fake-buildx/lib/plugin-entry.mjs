// Entry of the docker-buildx plugin (started by ../docker-buildx, which answers the CLI's metadata probe itself).
import { exitWhenOrphaned } from './runtime.mjs';

const args = process.argv.slice(2);
exitWhenOrphaned();
const { runBuildx } = await import('./buildx-main.mjs');
process.exitCode = await runBuildx(args[0] === 'buildx' ? args.slice(1) : args, process.env);
