// The fake `kubectl`: `get namespace NS -o name`, `[-n NS] get deployment NAME -o json`,
// `[-n NS] get pods -l app=NAME -o json` and `get node NAME -o json`, answered from the fake cluster (workers.mjs clusterOf), with
// client-go's NotFound words. Anything else exits 1 saying so.
import { logCall } from './runtime.mjs';
import { readState } from './state.mjs';
import { clusterOf } from './workers.mjs';

const argv = process.argv.slice(2);
logCall(['kubectl', ...argv]);
const nsAt = argv.indexOf('-n');
const namespace = nsAt === -1 ? 'default' : argv[nsAt + 1];
const words = nsAt === -1 ? argv : [...argv.slice(0, nsAt), ...argv.slice(nsAt + 2)];
const cluster = clusterOf(readState());

function answer(out, err = '', code = 0) {
  process.stdout.write(out);
  process.stderr.write(err);
  process.exitCode = code;
}
const notFound = (kind, name) => answer('', `Error from server (NotFound): ${kind} "${name}" not found\n`, 1);

const [verb, kind, name] = words;
const deployment = (n) => {
  const d = cluster.deployments[n];
  return d?.namespace === namespace ? d : undefined;
};
if (verb === 'get' && kind === 'namespace') {
  if (cluster.namespaces.includes(name)) answer(`namespace/${name}\n`);
  else notFound('namespaces', name);
} else if (verb === 'get' && kind === 'deployment') {
  const d = deployment(name);
  if (!d) notFound('deployments.apps', name);
  else {
    const status = d.ready ? { replicas: d.replicas, readyReplicas: d.replicas } : { replicas: d.replicas };
    const doc = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: { replicas: d.replicas, selector: { matchLabels: { app: name } } },
      status,
    };
    answer(`${JSON.stringify(doc, null, 4)}\n`);
  }
} else if (verb === 'get' && kind === 'pods') {
  const app = argv[argv.indexOf('-l') + 1]?.replace(/^app=/, '');
  const d = deployment(app);
  const pending = {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
      },
    ],
  };
  const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  const items = d
    ? Array.from({ length: d.replicas }, (_, i) => ({
        metadata: { name: `${app}-fake-${i}` },
        ...(d.ready ? { spec: { nodeName: 'fake-node-0' } } : {}),
        status: d.ready ? running : pending,
      }))
    : [];
  answer(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4)}\n`);
} else if (verb === 'get' && kind === 'node') {
  // The cluster's one node, whose CPU the fake cluster's first arch is.
  if (name !== 'fake-node-0') notFound('nodes', name);
  else {
    const labels = { 'kubernetes.io/arch': cluster.archs[0], 'kubernetes.io/os': 'linux' };
    answer(`${JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } }, null, 4)}\n`);
  }
} else {
  answer('', `fake kubectl: not imitated: ${argv.join(' ')}\n`, 1);
}
