export function bakeHcl<T extends string>(options: {
  targets: readonly T[];
  platforms: readonly string[];
  tagOf: (target: T) => string;
}): string;
