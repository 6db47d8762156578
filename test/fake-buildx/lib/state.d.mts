// Types for the fake's state module, so the TypeScript test helper uses the same lock and defaults as the fake.
export function readState(env?: NodeJS.ProcessEnv): Record<string, unknown>;
export function updateState<T>(fn: (state: Record<string, unknown>) => T, env?: NodeJS.ProcessEnv): T;
