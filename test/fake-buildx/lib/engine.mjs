// The fake Docker engine behind the fake `docker`: what mpb runs for a `local: true` node (issue 8) —
// version, info, container create/start/stop/rm/inspect, volume create/rm/inspect/ls, ps, and
// `exec NAME buildctl debug workers`. State shares the buildx fake's file. Messages are docker CLI 28's.
import { setRunning, volumeRecord } from './containers.mjs';
import {
  containerCreate,
  containerRm,
  DockerError,
  eachContainer,
  execBuildctl,
  inspect,
  last,
  options,
  ps,
} from './engine-containers.mjs';
import { readState, updateState } from './state.mjs';
import { tabwrite } from './tabwriter.mjs';
import { renderTemplate } from './template.mjs';
import { DAEMON_DOWN, ENGINE } from './workers.mjs';

const CLIENT_VERSION = '28.2.2';

function requireDaemon(state) {
  if (!state.dockerDaemon) throw new DockerError(DAEMON_DOWN);
}

function volumeRm(state, argv) {
  const { args } = options(argv, { bools: ['force'], shorts: { '-f': 'force' } });
  let out = '';
  for (const n of args) {
    if (!state.volumes[n])
      throw new DockerError(`Error response from daemon: get ${n}: no such volume`, 1, out);
    const users = Object.values(state.containers).filter((c) =>
      c.Mounts.some((m) => m.Type === 'volume' && m.Name === n),
    );
    if (users.length)
      throw new DockerError(
        `Error response from daemon: remove ${n}: volume is in use - [${users.map((c) => c.Id).join(', ')}]`,
        1,
        out,
      );
    delete state.volumes[n];
    out += `${n}\n`;
  }
  return out;
}

function volumeLs(state, argv) {
  const { opts } = options(argv, { bools: ['quiet'], shorts: { '-q': 'quiet', '-f': 'filter' } });
  const names = (opts.filter ?? []).filter((f) => f.startsWith('name=')).map((f) => f.slice(5));
  const vols = Object.values(state.volumes).filter((v) => names.every((n) => v.Name.includes(n)));
  if (opts.quiet) return vols.map((v) => `${v.Name}\n`).join('');
  if (opts.format) return vols.map((v) => `${renderTemplate(last(opts.format), v)}\n`).join('');
  return tabwrite(`DRIVER\tVOLUME NAME\n${vols.map((v) => `${v.Driver}\t${v.Name}\n`).join('')}`, {
    padding: 5,
  });
}

function engineVersion(state) {
  return { ...ENGINE, ...state.engine }.version;
}

function versionCommand(state, argv) {
  const { opts } = options(argv, { shorts: { '-f': 'format' } });
  const data = {
    Client: { Version: CLIENT_VERSION, ApiVersion: '1.50', Os: 'linux', Arch: 'amd64' },
    Server: state.dockerDaemon
      ? { Version: engineVersion(state), ApiVersion: '1.43', Os: 'linux', Arch: 'amd64' }
      : null,
  };
  const format = last(opts.format);
  const text = format
    ? `${renderTemplate(format, data)}\n`
    : `Client:\n Version:\t${CLIENT_VERSION}\n${data.Server ? `\nServer:\n Engine:\n  Version:\t${data.Server.Version}\n` : ''}`;
  if (!state.dockerDaemon) throw new DockerError(DAEMON_DOWN, 1, format ? '' : text);
  return text;
}

function infoCommand(state, argv) {
  const { opts } = options(argv, { shorts: { '-f': 'format' } });
  requireDaemon(state);
  const info = {
    ServerVersion: engineVersion(state),
    OSType: 'linux',
    Architecture: 'x86_64',
    // `engine.imageStore: 'containerd'`: Docker's containerd image store (docs engine/storage/containerd.md).
    ...(state.engine?.imageStore === 'containerd'
      ? { Driver: 'overlayfs', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] }
      : { Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']] }),
    Containers: Object.keys(state.containers).length,
    NCPU: 4,
    Name: 'fake-docker',
  };
  const format = last(opts.format);
  return format
    ? `${renderTemplate(format, info)}\n`
    : `Server:\n Server Version: ${info.ServerVersion}\n Storage Driver: overlay2\n`;
}

const MUTATING = {
  'container create': containerCreate,
  'container start': (s, a) =>
    eachContainer(s, options(a, {}).args, (c) => void setRunning(c, true), 'start'),
  'container stop': (s, a) =>
    eachContainer(s, options(a, { shorts: { '-t': 'time' } }).args, (c) => void setRunning(c, false), 'stop'),
  'container rm': containerRm,
  'volume create': (s, a) => {
    const name = options(a, {}).args[0] ?? Math.random().toString(36).slice(2);
    s.volumes[name] ??= volumeRecord(name);
    return `${name}\n`;
  },
  'volume rm': volumeRm,
};

const READING = {
  'container inspect': (s, a) => inspect(s, a, 'container'),
  'volume inspect': (s, a) => inspect(s, a, 'volume'),
  'volume ls': volumeLs,
  'container ls': ps,
  'container ps': ps,
  'container exec': execBuildctl,
  inspect: (s, a) => inspect(s, a, 'any'),
};

const ALIASES = {
  create: 'container create',
  start: 'container start',
  stop: 'container stop',
  rm: 'container rm',
  ps: 'container ps',
  exec: 'container exec',
};

/** Runs one engine command (argv after `docker` and its global options); returns {code, stdout, stderr}. */
export function runEngine(argv, env) {
  // `docker --version` (doctor's first check) needs no daemon: the CLI's own line.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v'))
    return { code: 0, stdout: `Docker version ${CLIENT_VERSION}, build e6534b4\n`, stderr: '' };
  const [first, second, ...rest] = argv;
  const group = ['container', 'volume', 'context'].includes(first);
  const key = ALIASES[first] ?? (group ? `${first} ${second}` : first);
  const args = group ? rest : argv.slice(1);
  try {
    if (key === 'version') return { code: 0, stdout: versionCommand(readState(env), args), stderr: '' };
    if (key === 'info') return { code: 0, stdout: infoCommand(readState(env), args), stderr: '' };
    if (key === 'context show') return { code: 0, stdout: 'default\n', stderr: '' };
    if (READING[key]) {
      const state = readState(env);
      requireDaemon(state);
      return { code: 0, stdout: READING[key](state, args), stderr: '' };
    }
    if (MUTATING[key]) {
      const stdout = updateState((state) => {
        requireDaemon(state);
        return MUTATING[key](state, args);
      }, env);
      return { code: 0, stdout, stderr: '' };
    }
    return { code: 1, stdout: '', stderr: `fake docker: \`docker ${argv.join(' ')}\` is not implemented\n` };
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    return { code: e.code, stdout: e.stdout, stderr: `${e.message}\n` };
  }
}
