// A registry that loses a race between two uploads of one blob. docker-registry (distribution, filesystem storage)
// answers two pushes of the same blob at once — split and bake jobs push into one repository side by side, and
// their attestation manifests share blobs — with one of these, and BuildKit does not retry: seen on
// docker-registry 2.8 with two BuildKit v0.32.2 daemons pushing by digest at once. The job's build is in its
// node's cache by then, so running it again costs the push alone.
const RACE = [/provided digest did not match uploaded content/, /blob unknown to registry/];

/** True when buildx's stderr says the push lost that race: worth one more try. */
export const lostUploadRace = (stderr: string): boolean => RACE.some((r) => r.test(stderr));

export const UPLOAD_RACE_RETRY =
  'the registry lost a race between two uploads of the same blob (docker-registry does under concurrent pushes): pushing again';
