// Image references as `docker buildx` takes them: `[host[:port]/]path[:tag][@digest]`.

/** The repository of a reference: its tag and digest dropped (`localhost:5000/app:1` → `localhost:5000/app`). */
export function repositoryOf(ref: string): string {
  const name = ref.split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  return colon > slash ? name.slice(0, colon) : name;
}

// distribution/reference's grammar: [domain[:port]/]path[:tag][@digest], path components lowercase.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Why `ref` is not an image reference docker would take, with what to write; undefined when it is one. */
export function imageRefProblem(ref: string): { message: string; hint: string } | undefined {
  if (ref.length <= 255 + 128 + 80 && REFERENCE.test(ref)) return undefined;
  const lower = ref.toLowerCase();
  const hint =
    lower !== ref && REFERENCE.test(lower)
      ? `Repository names are lowercase: ${lower}`
      : 'Write [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. registry.example.com/app:1 (no spaces).';
  return { message: `"${ref}" is not an image reference`, hint };
}
