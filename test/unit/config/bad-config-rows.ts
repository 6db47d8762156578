// The bad-config table: one broken builders.yaml per row, with its first error as `config validate` reports it.
// bad-configs.test.ts checks mpb's errors against it; editor-schema.test.ts runs a JSON Schema validator over it.
import { TLS } from './load-helper.js';

/** One builder `b` of `driver` whose first node `n0` gets `lines` (at line 7, column 9). */
const builder = (driver: string, ...lines: string[]) =>
  `version: 1\nbuilders:\n  b:\n    driver: ${driver}\n    nodes:\n      - name: n0\n${lines.map((l) => (l.startsWith('- ') ? `      ${l}` : `        ${l}`)).join('\n')}\n`;
const MISMATCH = 'buildx allows one driver per builder and refuses to mix them ("mismatched driver")';
const LONG = 'x'.repeat(200);
const BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
].join('\n');

// [what, file text, [line, column, message of the first error]]
export const ROWS: [string, string, [number, number, string]][] = [
  // YAML syntax
  [
    'unclosed flow list',
    'version: 1\nbuilders: [a, b\n',
    [3, 1, 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ],
  [
    'tab indentation',
    'version: 1\nbuilders:\n\tb: {}\n',
    [3, 1, 'YAML: Tabs are not allowed as indentation'],
  ],
  ['duplicate key', 'version: 1\nversion: 1\nbuilders: {}\n', [2, 1, 'YAML: duplicate key "version"']],
  [
    'a key one space deeper than its siblings',
    'version: 1\nbuilders:\n  b:\n    driver: docker-container\n    nodes:\n      - name: n0\n         platforms: [linux/amd64]\n',
    [7, 10, 'YAML: "platforms:" is indented 9 spaces, but its block is at 8 (name: on line 6)'],
  ],
  [
    'a builder key between two levels',
    'version: 1\nbuilders:\n  b:\n    driver: docker-container\n    nodes: [{ name: n0 }]\n   use: true\n',
    [6, 4, 'YAML: "use:" is indented 3 spaces, but its block is at 4 (driver: on line 4)'],
  ],
  [
    'nodes: dedented to the level of builder names',
    'version: 1\nbuilders:\n  local:\n    driver: docker-container\n  nodes:\n    - name: n0\n',
    [5, 3, 'builders: "nodes:" is indented as a builder\'s name, but it is a key of builder "local"'],
  ],
  ['unterminated quote', 'version: 1\ndefaultBuilder: "b\n', [3, 1, 'YAML: Missing closing "quote']],
  [
    'two documents',
    'version: 1\n---\nversion: 1\n',
    [2, 1, 'YAML: Source contains multiple documents; please use YAML.parseAllDocuments()'],
  ],
  [
    'alias without anchor',
    builder('remote', 'endpoint: *where'),
    [7, 19, 'YAML: alias "*where" has no anchor before it'],
  ],
  ['custom tag', 'version: !env VERSION\n', [1, 10, 'YAML: Unresolved tag: !env']],
  [
    'alias bomb',
    `${BOMB}\nversion: 1\n`,
    [2, 8, 'YAML: the aliases expand into too much data (an "alias bomb"?)'],
  ],
  ['empty file', '# nothing yet\n', [1, 1, 'the file is empty']],
  // types and keys
  ['version as a string', 'version: "1"\nbuilders: {}\n', [1, 10, 'version: must be 1, not the string "1"']],
  ['version missing', 'builders: {}\n', [1, 1, '"version" is required']],
  ['builders as a list', 'version: 1\nbuilders: [b]\n', [2, 11, 'builders: expected a mapping, got a list']],
  [
    'driver unknown',
    builder('docker'),
    [
      4,
      13,
      'builders.b.driver: must be docker-container, remote, kubernetes (one of them), not the string "docker"',
    ],
  ],
  [
    'nodes as a string',
    'version: 1\nbuilders:\n  b:\n    driver: remote\n    nodes: n0\n',
    [5, 12, 'builders.b.nodes: expected a list, got the string "n0"'],
  ],
  [
    'nodes empty',
    'version: 1\nbuilders:\n  b:\n    driver: remote\n    nodes: []\n',
    [5, 12, 'builders.b.nodes: a builder needs at least one node'],
  ],
  [
    'node without name',
    builder('remote', '- endpoint: tcp://h:1234'),
    [7, 9, 'builders.b.nodes[1]: "name" is required'],
  ],
  [
    'platforms as a string',
    builder('docker-container', 'platforms: linux/amd64'),
    [7, 20, 'builders.b.nodes[0].platforms: expected a list, got the string "linux/amd64"'],
  ],
  [
    'use as a string',
    'version: 1\nbuilders:\n  b:\n    driver: remote\n    use: "yes"\n    nodes: [{ name: n0, endpoint: "ssh://h" }]\n',
    [5, 10, 'builders.b.use: expected true or false, got the string "yes"'],
  ],
  [
    'tls without key',
    builder(
      'remote',
      'endpoint: tcp://h:1234',
      'tls: { ca: "${CERTS}/ca.pem", cert: "${CERTS}/client-cert.pem" }',
    ),
    [8, 14, 'builders.b.nodes[0].tls: "key" is required'],
  ],
  [
    'driverOpts value a list',
    builder('docker-container', 'driverOpts: { image: [a] }'),
    [7, 30, 'builders.b.nodes[0].driverOpts.image: expected a string, a number, true or false, got a list'],
  ],
  [
    'unknown top-level key',
    'version: 1\nbuilders: {}\ndefaultbuilder: b\n',
    [3, 1, 'unknown key "defaultbuilder"'],
  ],
  [
    'unknown node key',
    builder('docker-container', 'platform: [linux/amd64]'),
    [7, 9, 'builders.b.nodes[0]: unknown key "platform"'],
  ],
  [
    'builder name starting with a digit',
    'version: 1\nbuilders:\n  1fleet: { driver: remote, nodes: [{ name: n0, endpoint: "ssh://h" }] }\n',
    [
      3,
      3,
      'builders: "1fleet": not a valid builder name: buildx wants a letter first, then letters, digits, ".", "_" or "-"',
    ],
  ],
  // hostile values
  [
    'node name with ;',
    builder('docker-container').replace('n0', '"n0; rm -rf /"'),
    [
      6,
      15,
      'builders.b.nodes[0].name: not a valid node name: buildx wants a letter first, then letters, digits, ".", "_" or "-"',
    ],
  ],
  [
    'node name with $(...)',
    builder('docker-container').replace('n0', '"$(reboot)"'),
    [
      6,
      15,
      'builders.b.nodes[0].name: not a valid node name: buildx wants a letter first, then letters, digits, ".", "_" or "-"',
    ],
  ],
  [
    'node name with a space',
    builder('docker-container').replace('n0', 'my node'),
    [
      6,
      15,
      'builders.b.nodes[0].name: not a valid node name: buildx wants a letter first, then letters, digits, ".", "_" or "-"',
    ],
  ],
  [
    'endpoint with a newline',
    builder('remote', 'endpoint: "tcp://h:1234\\n--privileged"'),
    [7, 19, 'builders.b.nodes[0].endpoint: contains a control character (a newline or tab?)'],
  ],
  [
    'very long name',
    builder('docker-container').replace('n0', LONG),
    [6, 15, 'builders.b.nodes[0].name: a node name has at most 63 characters'],
  ],
  [
    'endpoint with $(...)',
    builder('remote', 'endpoint: "ssh://$(reboot)@h"'),
    [7, 19, 'builders.b.nodes[0].endpoint: "ssh://$(reboot)@h" is not a valid ssh:// endpoint'],
  ],
  // normalisation
  [
    'unset variable',
    builder('remote', 'endpoint: tcp://${BUILD_HOST}:1234'),
    [7, 19, 'builders.b.nodes[0].endpoint: environment variable BUILD_HOST is not set'],
  ],
  [
    'unreadable ${...}',
    builder('remote', 'endpoint: tcp://${BUILD HOST}:1234'),
    [
      7,
      19,
      'builders.b.nodes[0].endpoint: cannot read "${BUILD HOST}": only ${NAME} and ${NAME:-default} expand',
    ],
  ],
  [
    // A TLS file that does not exist yet is a warning (example.test.ts); one that cannot be a file is an error.
    'TLS path of a folder',
    builder(
      'remote',
      'endpoint: tcp://h:1234',
      'tls: { ca: ./, cert: "${CERTS}/client-cert.pem", key: "${CERTS}/client-key.pem" }',
    ),
    [8, 20, 'builders.b.nodes[0].tls.ca: "./": $DIR is not a file'],
  ],
  [
    '~user path',
    builder(
      'remote',
      'endpoint: tcp://h:1234',
      'tls: { ca: ~root/ca.pem, cert: "${CERTS}/client-cert.pem", key: "${CERTS}/client-key.pem" }',
    ),
    [8, 20, 'builders.b.nodes[0].tls.ca: "~root/ca.pem": only ~ and ~/ expand, not ~user'],
  ],
  [
    'not a platform',
    builder('docker-container', 'platforms: [linux/amd64, linux/amd46]'),
    [7, 34, 'builders.b.nodes[0].platforms[1]: "linux/amd46" is not a platform: did you mean linux/amd64?'],
  ],
  [
    "Docker Hub's arm64v8",
    builder('docker-container', 'platforms: [arm64v8]'),
    [7, 21, 'builders.b.nodes[0].platforms[0]: "arm64v8" is not a platform: did you mean linux/arm64?'],
  ],
  [
    'a platform with the wrong separator',
    builder('docker-container', 'platforms: [linux-x86_64]'),
    [7, 21, 'builders.b.nodes[0].platforms[0]: "linux-x86_64" is not a platform: did you mean linux/amd64?'],
  ],
  [
    'driver docker_container',
    'version: 1\nbuilders:\n  b:\n    driver: docker_container\n    nodes: [{ name: n0 }]\n',
    [
      4,
      13,
      'builders.b.driver: must be docker-container, remote, kubernetes (one of them), not the string "docker_container": did you mean docker-container?',
    ],
  ],
  [
    'a buildkitd (port 1234) under docker-container',
    builder('docker-container', 'endpoint: tcp://build:1234'),
    [7, 19, 'builders.b.nodes[0].endpoint: endpoint "tcp://build:1234" needs the remote driver'],
  ],
  // cross-field rules
  [
    'mixed: tcp + tls in docker-container',
    builder('docker-container', 'endpoint: tcp://h:1234', TLS),
    [
      8,
      9,
      `builders.b.nodes[0]: a tcp:// endpoint with tls is a remote buildkitd (driver remote), but this builder is docker-container, and ${MISMATCH}`,
    ],
  ],
  [
    'mixed: remote node without endpoint',
    builder('remote', 'platforms: [linux/arm64]'),
    [
      6,
      9,
      `builders.b.nodes[0]: a remote node needs an endpoint; a node on this machine's Docker would be docker-container, and ${MISMATCH}`,
    ],
  ],
  [
    'mixed: context name in remote',
    builder('remote', 'endpoint: desktop-linux'),
    [
      7,
      19,
      `builders.b.nodes[0].endpoint: "desktop-linux" is a docker context name, which only the docker-container driver takes, and ${MISMATCH}`,
    ],
  ],
  [
    'mixed: docker-container:// in docker-container',
    builder('docker-container', 'endpoint: docker-container://buildkitd'),
    [
      7,
      19,
      `builders.b.nodes[0].endpoint: docker-container:// is an endpoint of the remote driver, but this builder is docker-container, and ${MISMATCH}`,
    ],
  ],
  [
    'kubernetes with endpoint',
    builder('kubernetes', 'endpoint: tcp://h:1234'),
    [
      7,
      19,
      'builders.b.nodes[0].endpoint: kubernetes nodes take no endpoint: buildx starts BuildKit pods in the current kubeconfig context',
    ],
  ],
  [
    'tcp without port',
    builder('remote', 'endpoint: tcp://h'),
    [7, 19, 'builders.b.nodes[0].endpoint: "tcp://h" has no port'],
  ],
  [
    'unknown scheme',
    builder('remote', 'endpoint: https://h:1234'),
    [7, 19, 'builders.b.nodes[0].endpoint: "https://" is not an endpoint buildx understands'],
  ],
  [
    'duplicate node names',
    builder('remote', 'endpoint: ssh://a', '- name: n0', 'endpoint: ssh://b'),
    [8, 15, 'builders.b.nodes[1].name: node name "n0" is used twice in builder "b"'],
  ],
  [
    'duplicate endpoints',
    builder('remote', 'endpoint: ssh://a', '- name: n1', 'endpoint: ssh://a'),
    [9, 19, 'builders.b.nodes[1].endpoint: nodes "n0" and "n1" both use ssh://a'],
  ],
  [
    'two nodes on the local Docker',
    builder('docker-container', '- name: n1'),
    [7, 9, 'builders.b.nodes[1]: nodes "n0" and "n1" both use the local Docker'],
  ],
  [
    'tls on an ssh endpoint',
    builder('remote', 'endpoint: ssh://h', TLS),
    [
      8,
      9,
      'builders.b.nodes[0]: tls needs a tcp:// endpoint; ssh://, unix:// and docker-container:// carry their own security',
    ],
  ],
  [
    'tls in a kubernetes builder',
    builder('kubernetes', TLS),
    [7, 9, 'builders.b.nodes[0]: tls is only for remote nodes; a kubernetes builder does not take it'],
  ],
  [
    'buildkitdFlags on a remote node',
    builder('remote', 'endpoint: ssh://h', 'buildkitdFlags: --debug'),
    [
      8,
      9,
      'builders.b.nodes[0]: buildkitdFlags is for a buildkitd that buildx or mpb starts; a remote buildkitd is started by you',
    ],
  ],
  [
    'buildkitdConfig on a remote node',
    builder('remote', 'endpoint: ssh://h', 'buildkitdConfig: ${CERTS}/ca.pem'),
    [
      8,
      9,
      'builders.b.nodes[0]: buildkitdConfig is for a buildkitd that buildx or mpb starts; a remote buildkitd is started by you',
    ],
  ],
  [
    'a registry host with a scheme',
    builder('docker-container', 'registries: { "https://docker.io": { http: true } }'),
    [
      7,
      23,
      'builders.b.nodes[0].registries: "https://docker.io": not a registry host: write HOST or HOST:PORT, e.g. docker.io or registry.example.com:5000',
    ],
  ],
  [
    'a mirror with https://',
    builder('docker-container', 'registries: { docker.io: { mirrors: ["https://mirror.gcr.io"] } }'),
    [
      7,
      46,
      'builders.b.nodes[0].registries.docker.io.mirrors[0]: not a mirror: write HOST[:PORT][/PATH], without https:// (http: true on its own entry for plain HTTP)',
    ],
  ],
  [
    'an unknown registry key',
    builder('docker-container', 'registries: { docker.io: { mirror: [mirror.gcr.io] } }'),
    [7, 36, 'builders.b.nodes[0].registries.docker.io: unknown key "mirror"'],
  ],
  [
    'a buildkitdConfig that is not TOML',
    builder('docker-container', 'buildkitdConfig: ${CERTS}/ca.pem'),
    [
      7,
      26,
      'builders.b.nodes[0].buildkitdConfig: $CERTS/ca.pem:1:1: not valid TOML: expected key = value (and 10 more)',
    ],
  ],
  [
    'local in a docker-container builder',
    builder('docker-container', 'local: true'),
    [7, 9, 'builders.b.nodes[0]: local: true is only for remote builders'],
  ],
  [
    'local with an endpoint',
    builder('remote', 'local: true', 'endpoint: ssh://h'),
    [8, 9, 'builders.b.nodes[0]: a local: true node takes no endpoint: mpb attaches its own container'],
  ],
  [
    'local with tls',
    builder('remote', 'local: true', TLS),
    [
      8,
      9,
      'builders.b.nodes[0]: a local: true node takes no tls: buildx reaches its container through docker exec',
    ],
  ],
  [
    'two local nodes',
    builder('remote', 'local: true', '- name: n1', 'local: true'),
    [9, 9, 'builders.b.nodes[1]: a builder has at most one local: true node'],
  ],
  [
    'image without local',
    builder('remote', 'endpoint: ssh://h', 'image: moby/buildkit:v0.13.2'),
    [8, 9, 'builders.b.nodes[0]: image is only for local: true nodes'],
  ],
  [
    'network without local',
    builder('docker-container', 'network: host'),
    [7, 9, 'builders.b.nodes[0]: network is only for local: true nodes'],
  ],
  [
    'platform native and emulated',
    builder('docker-container', 'platforms: [amd64]', 'emulate: [linux/amd64, linux/arm64]'),
    [8, 19, 'builders.b.nodes[0].emulate[0]: linux/amd64 is in both platforms and emulate'],
  ],
  [
    'builder named default',
    builder('docker-container').replace('  b:', '  default:'),
    [3, 3, 'builders: buildx reserves the builder name "default" for the Docker engine\'s own builder'],
  ],
  [
    'defaultBuilder not declared',
    `defaultBuilder: fleet\n${builder('docker-container')}`,
    [1, 17, 'defaultBuilder: "fleet" is not a declared builder'],
  ],
  [
    'TLS files as driverOpts',
    builder('remote', 'endpoint: tcp://h:1234', 'driverOpts: { cacert: /ca.pem }'),
    [8, 23, 'builders.b.nodes[0].driverOpts: cacert is a TLS file or name: write it in the tls block'],
  ],
  ['no builders', 'version: 1\nbuilders: {}\n', [2, 1, 'no builders declared']],
  [
    'one container for two builders',
    `${builder('docker-container')}  c:\n    driver: docker-container\n    nodes: [{ name: n0 }]\n`,
    [
      10,
      21,
      'builders.c.nodes[0].name: node name "n0" is also a node of builder "b" on the same Docker; buildx would run both in one container, buildx_buildkit_n0',
    ],
  ],
];
