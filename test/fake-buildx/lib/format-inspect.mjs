// `docker buildx inspect` text: one Go tabwriter (0,0,1,' '), labels and GC policy from 0.11, `BuildKit version:`
// from 0.13, Reserved/Max Used/Min Free Space from 0.18, `File#` blocks from 0.18 (commands/inspect.go per tag;
// captures inspect*, qemu-inspect-bootstrap). Driver options are printed sorted; buildx prints them in Go map
// order, which is random, so the conformance test sorts both sides.
import { Buffer } from 'node:buffer';
import { bytesSize, goDuration, goQuote, goTime } from './gofmt.mjs';
import { formatInGroups } from './platforms.mjs';
import { tabwrite } from './tabwriter.mjs';

function gcLines(rule, caps) {
  const lines = [`\tAll:\t${rule.all}`];
  if (rule.filter?.length) lines.push(`\tFilters:\t${rule.filter.join(' ')}`);
  if (rule.keepDuration > 0) lines.push(`\tKeep Duration:\t${goDuration(rule.keepDuration)}`);
  if (!caps.gcSpaceFields) {
    if (rule.reservedSpace > 0) lines.push(`\tKeep Bytes:\t${bytesSize(rule.reservedSpace)}`);
    return lines;
  }
  if (rule.reservedSpace > 0) lines.push(`\tReserved Space:\t${bytesSize(rule.reservedSpace)}`);
  if (rule.maxUsedSpace > 0) lines.push(`\tMax Used Space:\t${bytesSize(rule.maxUsedSpace)}`);
  if (rule.minFreeSpace > 0) lines.push(`\tMin Free Space:\t${bytesSize(rule.minFreeSpace)}`);
  return lines;
}

function nodeLines(n, caps) {
  const lines = [`Name:\t${n.name}`, `Endpoint:\t${n.endpoint}`];
  const opts = Object.entries(n.driverOpts ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${goQuote(v)}`);
  if (opts.length) lines.push(`Driver Options:\t${opts.join(' ')}`);
  if (n.err) return [...lines, `Error:\t${n.err}`];
  lines.push(`Status:\t${n.status}`);
  if (n.flags?.length)
    lines.push(`${caps.treeLs ? 'BuildKit daemon flags' : 'Flags'}:\t${n.flags.join(' ')}`);
  if (n.version) lines.push(`${caps.treeLs ? 'BuildKit version' : 'Buildkit'}:\t${n.version}`);
  const pfs = formatInGroups(n.pinned, n.platforms);
  if (pfs.length || caps.platformsLineAlways) lines.push(`Platforms:\t${pfs.join(', ')}`);
  if (!caps.labelsAndGc) return lines;
  const labels = Object.keys(n.labels ?? {}).sort();
  if (labels.length) lines.push('Labels:', ...labels.map((k) => `\t${k}:\t${n.labels[k]}`));
  n.gcPolicy.forEach((rule, i) => {
    lines.push(`GC Policy rule#${i}:`, ...gcLines(rule, caps));
  });
  if (caps.filesInInspect) {
    for (const [file, b64] of Object.entries(n.files ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const text = Buffer.from(b64, 'base64').toString('utf8');
      lines.push(`File#${file}:`, ...text.split('\n').map((l) => `\t> ${l}`));
    }
  }
  return lines;
}

/** The inspect text for one loaded builder. */
export function formatInspect(b, version) {
  const lines = [`Name:\t${b.name}`, `Driver:\t${b.driver}`];
  if (b.lastActivity) lines.push(`Last Activity:\t${goTime(b.lastActivity)}`);
  if (b.err) lines.push(`Error:\t${b.err}`);
  else {
    lines.push('', 'Nodes:');
    b.nodes.forEach((n, i) => {
      if (i > 0) lines.push('');
      lines.push(...nodeLines(n, version.caps));
    });
  }
  return tabwrite(`${lines.join('\n')}\n`);
}
