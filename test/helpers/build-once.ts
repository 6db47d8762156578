// The globalSetup of the flows and e2e tiers (vitest.config.ts): dist/ is built, if src/ changed, once per run in
// vitest's own process before any test file starts; a build that fails stops the run with its output.
import { ensureBuilt } from './built-cli.js';

export default function buildOnce(): void {
  ensureBuilt();
}
