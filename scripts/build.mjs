// `npm run build`: rolldown with rolldown.config.mjs, and one line when it is done instead of one per chunk.
// Warnings and errors are printed as rolldown prints them.
import { build } from 'rolldown';
import config from '../rolldown.config.mjs';

const started = performance.now();
const outputs = [await build({ ...config, logLevel: 'warn' })].flat();
const files = outputs.flatMap((o) => o.output);
const bytes = files.reduce((n, f) => n + (f.type === 'chunk' ? f.code.length : String(f.source).length), 0);
const ms = Math.round(performance.now() - started);
console.log(
  `built ${config.output.dir}/: ${files.length} files, ${(bytes / 1024).toFixed(0)} kB in ${ms} ms`,
);
