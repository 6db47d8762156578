// `docker buildx ls`: the old table (≤0.12, commands/ls.go v0.10.5), the tree table (0.13+, with `(+N)`
// truncation from 0.18) and `--format json` (0.13+). Bytes checked against the ls-* captures.
import { omitEmpty, sortKeys } from './gofmt.mjs';
import { formatInGroups, truncatePlatforms } from './platforms.mjs';
import { tabwrite } from './tabwriter.mjs';

const HEADER = 'NAME/NODE\tDRIVER/ENDPOINT\tSTATUS\tBUILDKIT\tPLATFORMS';
const INDENT = ' \\_ ';

const platformsCell = (node) => formatInGroups(node.pinned, node.platforms);

/** The stderr summary after a table with errors; ≤0.12 uses the starred builder name (capture ls-empty). */
function errorSummary(builders, displayName) {
  const lines = [''];
  for (const b of builders) {
    if (b.err) lines.push(`Cannot load builder ${displayName(b)}: ${b.err.trim()}`);
    else
      for (const n of b.nodes)
        if (n.err) lines.push(`Failed to get status for ${displayName(b)} (${n.name}): ${n.err.trim()}`);
  }
  return `${lines.join('\n')}\n`;
}

const hasErrors = (builders) => builders.some((b) => b.err || b.nodes.some((n) => n.err));

function oldTable(builders, current) {
  const name = (b) => (b.name === current ? `${b.name} *` : b.name);
  const rows = [HEADER];
  for (const b of builders) {
    rows.push(`${name(b)}\t${b.driver}\t${b.err ? 'error' : ''}\t\t`);
    if (b.err) continue;
    for (const n of b.nodes) {
      rows.push(
        n.err
          ? `  ${n.name}\t${n.endpoint}\terror\t\t`
          : `  ${n.name}\t${n.endpoint}\t${n.status}\t${n.version}\t${platformsCell(n).join(', ')}`,
      );
    }
  }
  return {
    stdout: tabwrite(`${rows.join('\n')}\n`),
    stderr: hasErrors(builders) ? errorSummary(builders, name) : '',
  };
}

function treeTable(builders, current, trunc) {
  // 0.13+ sort builders that failed to load to the end (stable).
  const ordered = [...builders.filter((b) => !b.err), ...builders.filter((b) => b.err)];
  const rows = [HEADER];
  for (const b of ordered) {
    rows.push(`${b.name}${b.name === current ? '*' : ''}\t${b.driver}\t${b.err ? 'error' : ''}\t\t`);
    if (b.err) continue;
    for (const n of b.nodes) {
      const pfs = platformsCell(n);
      const cell = trunc ? truncatePlatforms(pfs) : pfs.join(', ');
      rows.push(`${INDENT}${n.name}\t${INDENT}${n.endpoint}\t${n.status}\t${n.version}\t${cell}`);
    }
  }
  const stdout = tabwrite(`${rows.join('\n')}\n`, { minwidth: 10, tabwidth: 1, padding: 3 });
  return { stdout, stderr: hasErrors(ordered) ? errorSummary(ordered, (b) => b.name) : '' };
}

function gcRuleJson(rule, version) {
  if (!version.caps.gcSpaceFields) {
    return {
      filter: rule.filter,
      all: rule.all,
      keepDuration: rule.keepDuration,
      keepBytes: rule.reservedSpace,
    };
  }
  const { all, filter, keepDuration, reservedSpace, maxUsedSpace, minFreeSpace } = rule;
  return { all, filter, keepDuration, reservedSpace, maxUsedSpace, minFreeSpace };
}

/** builder.Builder.MarshalJSON and Node.MarshalJSON (struct field order, omitempty) of buildx 0.13+. */
export function builderJson(b, version) {
  const nodes = b.err
    ? Array.from({ length: b.zeroNodes ?? b.nodes.length }, () => ({ Name: '', Endpoint: '' }))
    : b.nodes.map((n) => ({
        Name: n.name,
        Endpoint: n.endpoint,
        ...omitEmpty({
          Flags: n.flags,
          // Go marshals maps with sorted keys.
          DriverOpts: n.driverOpts && sortKeys(n.driverOpts),
          Files: n.files && sortKeys(n.files),
          Status: n.status,
          Version: n.version,
          Err: n.err?.trim(),
          IDs: n.ids,
          Platforms: n.platforms,
          GCPolicy: n.gcPolicy.map((r) => gcRuleJson(r, version)),
          Labels: sortKeys(n.labels),
        }),
      }));
  return {
    Name: b.name,
    Driver: b.driver,
    LastActivity: b.lastActivity ?? '0001-01-01T00:00:00Z',
    Dynamic: false,
    Nodes: nodes,
    ...(b.err ? { Err: b.err.trim() } : {}),
  };
}

function jsonLines(builders, current, version) {
  const ordered = [...builders.filter((b) => !b.err), ...builders.filter((b) => b.err)];
  const lines = [];
  for (const b of ordered) {
    let doc = builderJson(b, version);
    // 0.24+ add Current and re-marshal through a map, which sorts every key (capture ls-json in 0.29.1).
    if (version.caps.currentInJson) doc = sortKeys({ ...doc, Current: b.name === current });
    const line = JSON.stringify(doc);
    // 0.13–0.20 print the builder once per table row: its own and one per node (capture ls-json in 0.13.1).
    const times = version.caps.jsonEveryRow && !b.err ? 1 + b.nodes.length : 1;
    for (let i = 0; i < times; i++) lines.push(line);
  }
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '' };
}

/** The whole `ls` answer: {stdout, stderr}. */
export function formatLs(builders, current, version, { format, noTrunc }) {
  if (format === 'json') return jsonLines(builders, current, version);
  if (!version.caps.treeLs) return oldTable(builders, current);
  return treeTable(builders, current, version.caps.truncPlatforms && !noTrunc);
}
