// The `[registry."HOST"]` tables of a buildkitd.toml as buildx keeps it for a node and `inspect` prints it
// (0.18+): re-encoded by go-toml, one value per line, arrays on one line (captures-local/buildkitd-config).
import type { RegistrySpec } from '../../config/types.js';

const REGISTRY_HEADER = /^\s*\[registry\.(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_-]+))\]\s*$/;
const ANY_HEADER = /^\s*\[/;
const KEY = /^\s*(mirrors|http|insecure|ca)\s*=\s*(.*?)\s*$/;
const STRING = /"((?:[^"\\]|\\.)*)"/g;

const unescapeToml = (s: string) => s.replace(/\\(["\\])/g, '$1');

/** Every registry table with the settings mpb writes (mirrors, http, insecure, ca); other keys are left out. */
export function parseRegistryTables(toml: string): Record<string, RegistrySpec> {
  const tables: Record<string, RegistrySpec> = {};
  let current: RegistrySpec | undefined;
  for (const line of toml.split('\n')) {
    const header = REGISTRY_HEADER.exec(line);
    if (header) {
      current = {};
      tables[unescapeToml(header[1] ?? header[2]!)] = current;
      continue;
    }
    if (ANY_HEADER.test(line)) {
      current = undefined;
      continue;
    }
    const kv = current && KEY.exec(line);
    if (!current || !kv) continue;
    const [, key, value = ''] = kv;
    if (key === 'http' || key === 'insecure') current[key] = value === 'true';
    else current[key as 'mirrors' | 'ca'] = [...value.matchAll(STRING)].map((m) => unescapeToml(m[1]!));
  }
  return tables;
}
