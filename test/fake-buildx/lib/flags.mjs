// A pflag-like parser: `--name value`, `--name=value`, bool flags, shorthands, flags anywhere, `--` ends them.
// Flag errors read like cobra's and exit 125 through FlagError (captures ls-json in 0.10.5, ls-no-trunc in 0.13.1).
import { FlagError } from './runtime.mjs';

/**
 * spec = {bool: [...], string: [...], array: [...], short: {t: 'tag'}}. Returns {flags, args}; string flags
 * keep their last value, array flags every value.
 */
export function parseFlags(argv, spec, command) {
  const bool = new Set([...(spec.bool ?? []), 'debug']);
  const string = new Set([...(spec.string ?? []), 'builder']);
  const array = new Set(spec.array ?? []);
  const short = { D: 'debug', ...(spec.short ?? {}) };
  const flags = {};
  const args = [];
  const help = `See 'docker buildx ${command} --help'.`;
  const set = (name, value) => {
    if (array.has(name)) flags[name] = [...(flags[name] ?? []), value];
    else flags[name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    const long = a.startsWith('--');
    const body = long ? a.slice(2) : a.slice(1);
    const eq = body.indexOf('=');
    const key = eq === -1 ? body : body.slice(0, eq);
    const name = long ? key : short[key[0]];
    const inline = eq === -1 ? (long || key.length === 1 ? undefined : key.slice(1)) : body.slice(eq + 1);
    if (!name || !(bool.has(name) || string.has(name) || array.has(name))) {
      throw new FlagError(
        long ? `unknown flag: --${key}\n${help}` : `unknown shorthand flag: '${key[0]}' in -${key}\n${help}`,
      );
    }
    if (bool.has(name)) {
      flags[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    if (inline !== undefined) {
      set(name, inline);
      continue;
    }
    if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}\n${help}`);
    set(name, argv[++i]);
  }
  return { flags, args };
}
