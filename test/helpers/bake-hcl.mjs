// The docker-bake.hcl of the real-tier bake project: one default group of targets, each built from its own
// folder for every platform, with `app` built from `base`. Plain .mjs so the e2e test (bake.e2e.test.ts) and the
// bench (bench/sections/bake.mjs) bake the same file without the bench needing a TypeScript build.

/** The HCL text; `tagOf(target)` is each target's one tag. Targets other than base and app stand alone. */
export function bakeHcl({ targets, platforms, tagOf }) {
  const quoted = (list) => list.map((x) => `"${x}"`).join(', ');
  const blocks = [`group "default" {\n  targets = [${quoted(targets)}]\n}`];
  for (const t of targets) {
    blocks.push(
      [
        `target "${t}" {`,
        `  context = "${t}"`,
        ...(t === 'app' ? ['  contexts = { base = "target:base" }'] : []),
        `  platforms = [${quoted(platforms)}]`,
        `  tags = ["${tagOf(t)}"]`,
        '}',
      ].join('\n'),
    );
  }
  return `${blocks.join('\n\n')}\n`;
}
