// Containers and volumes of the fake Docker engine, kept in the state with the field names of the Engine API's
// `docker container inspect` (State.Status, State.Running, Config.Image, Config.Labels, Config.Cmd,
// HostConfig.Privileged, HostConfig.NetworkMode, Mounts) so mpb's parsers read them as they read the real thing.
import { createHash } from 'node:crypto';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const hex = (text) => createHash('sha256').update(text).digest('hex');

/** A created (not started) container. `mounts` are {type: 'volume'|'bind', source, target, readonly}. */
export function containerRecord({
  name,
  image,
  cmd = [],
  labels = {},
  privileged = false,
  mounts = [],
  restart = 'no',
  env = [],
  network = 'bridge',
}) {
  const created = new Date().toISOString();
  return {
    Id: hex(`${name}|${created}|${Math.random()}`),
    Created: created,
    Path: 'buildkitd',
    Args: cmd,
    State: {
      Status: 'created',
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: ZERO_TIME,
      FinishedAt: ZERO_TIME,
    },
    Image: `sha256:${hex(image)}`,
    Name: `/${name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: {
      Binds: mounts.filter((m) => m.legacy).map((m) => `${m.source}:${m.target}${m.readonly ? ':ro' : ''}`),
      NetworkMode: network,
      RestartPolicy: { Name: restart, MaximumRetryCount: 0 },
      Privileged: privileged,
    },
    Mounts: mounts.map((m) =>
      m.type === 'volume'
        ? {
            Type: 'volume',
            Name: m.source,
            Source: `/var/lib/docker/volumes/${m.source}/_data`,
            Destination: m.target,
            Driver: 'local',
            Mode: 'z',
            RW: !m.readonly,
            Propagation: '',
          }
        : {
            Type: 'bind',
            Source: m.source,
            Destination: m.target,
            Mode: '',
            RW: !m.readonly,
            Propagation: 'rprivate',
          },
    ),
    Config: {
      Hostname: hex(name).slice(0, 12),
      Env: env,
      Cmd: cmd,
      Image: image,
      Entrypoint: ['buildkitd'],
      Labels: labels,
    },
    NetworkSettings: {},
  };
}

export function setRunning(container, running) {
  const now = new Date().toISOString();
  container.State = {
    ...container.State,
    Status: running ? 'running' : 'exited',
    Running: running,
    Pid: running ? 4242 : 0,
    StartedAt: running ? now : container.State.StartedAt,
    FinishedAt: running ? container.State.FinishedAt : now,
  };
}

export function volumeRecord(name, labels = {}) {
  return {
    CreatedAt: new Date().toISOString(),
    Driver: 'local',
    Labels: labels,
    Mountpoint: `/var/lib/docker/volumes/${name}/_data`,
    Name: name,
    Options: null,
    Scope: 'local',
  };
}

/** Creates every named volume a container mounts, as `docker create -v NAME:/path` does. */
export function ensureVolumes(state, record) {
  for (const m of record.Mounts)
    if (m.Type === 'volume' && !state.volumes[m.Name]) state.volumes[m.Name] = volumeRecord(m.Name);
}
