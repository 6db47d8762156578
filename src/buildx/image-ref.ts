// Image references as `docker buildx` takes them: `[host[:port]/]path[:tag][@digest]`.

/** The repository of a reference: its tag and digest dropped (`localhost:5000/app:1` → `localhost:5000/app`). */
export function repositoryOf(ref: string): string {
  const name = ref.split('@')[0] ?? '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  return colon > slash ? name.slice(0, colon) : name;
}
