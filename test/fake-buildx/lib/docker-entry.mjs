// Entry of the fake `docker`: strip docker's global options, then buildx or the fake engine.
import { createContext, prologue, runBuildx } from './buildx-main.mjs';
import { runEngine } from './engine.mjs';
import { exitWhenOrphaned } from './runtime.mjs';

const GLOBAL_WITH_VALUE =
  '--context -c --host -H --config --log-level -l --tlscacert --tlscert --tlskey'.split(' ');
const argv = process.argv.slice(2);
let i = 0;
while (i < argv.length && argv[i].startsWith('-')) {
  const flag = argv[i].split('=')[0];
  i += GLOBAL_WITH_VALUE.includes(flag) && !argv[i].includes('=') ? 2 : 1;
}
const [command, ...rest] = argv.slice(i);
exitWhenOrphaned();
if (command === 'buildx') {
  process.exitCode = await runBuildx(rest, process.env);
} else {
  const ctx = createContext(process.env);
  const keys = [command, `${command} ${rest.find((a) => !a.startsWith('-'))}`];
  const injected = await prologue(ctx, ['docker', ...argv], keys);
  if (injected !== undefined) process.exitCode = injected;
  else {
    // No command: `docker --version`, the CLI's own flag, which the loop above took for a global option.
    const r = runEngine(command === undefined ? argv : argv.slice(i), process.env);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.code;
  }
}
