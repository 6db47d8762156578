import { describe, expect, it } from 'vitest';
import { versionOf } from '../../../src/buildx/version.js';
import { REFUSAL_OUTCOME, type RefusalKind } from '../../../src/core/build-gate.js';
import { routePlatforms, routingNodesOf } from '../../../src/core/routing.js';
import { chooseStrategy, misroutesOf, type StrategyFacts } from '../../../src/core/strategy.js';
import { builderFromCapture, FLEET } from './fixtures.js';
import { cap, handMade, mixed, nodesOf } from './split-fixtures.js';

const V29 = versionOf('0.29.1');
const BOTH = ['linux/amd64', 'linux/arm64'];

function facts(builder: ReturnType<typeof mixed>, fields: Partial<StrategyFacts> = {}): StrategyFacts {
  const nodes = nodesOf(builder);
  return {
    asked: 'auto',
    push: true,
    tags: ['localhost:5000/app:1'],
    outputs: [],
    cacheRef: undefined,
    routes: routePlatforms(BOTH, nodes, V29),
    nodes,
    ...fields,
  };
}

describe('flags that need one build', () => {
  it('keep auto single where it would split, and say so', () => {
    const why = { flag: '--call outline', reason: '--call evaluates the build and exports nothing' };
    expect(
      chooseStrategy(facts(handMade())).kind === 'chosen' && chooseStrategy(facts(handMade())),
    ).toMatchObject({
      strategy: 'split',
    });
    const choice = chooseStrategy(facts(handMade(), { singleOnly: [why] }));
    expect(choice).toMatchObject({ kind: 'chosen', strategy: 'single' });
    if (choice.kind === 'chosen')
      expect(choice.reason).toMatch(
        /split would fix it, but --call outline needs one build \(--call evaluates the build and exports nothing\)$/,
      );
  });
});

describe('misroutesOf', () => {
  it('names the platform single would emulate while another node runs it natively', () => {
    const f = facts(handMade());
    expect(misroutesOf(f.routes, f.nodes)).toEqual([
      'single would emulate linux/arm64 on "native-amd64" while "qemu0" runs it natively',
    ]);
  });
  it('is empty when the emulating node is the only one that serves it (qemu0 is an amd64 daemon too)', () => {
    const f = facts(mixed());
    expect(f.routes.find((r) => r.platform === 'linux/arm64')?.verdict).toBe('emulated');
    expect(misroutesOf(f.routes, f.nodes)).toEqual([]);
  });
});

describe('chooseStrategy', () => {
  it.each<[string, () => StrategyFacts, { strategy: string; reason: RegExp }]>([
    [
      'auto splits a hand-made builder that would emulate arm64 on the first node',
      () => facts(handMade()),
      { strategy: 'split', reason: /single would emulate linux\/arm64 on "native-amd64" while "qemu0"/ },
    ],
    [
      'auto keeps single on a pinned builder (captures-local inspect-bootstrap)',
      () => facts(cap()),
      { strategy: 'single', reason: /every platform is built natively/ },
    ],
    [
      'auto splits a multi-node build with a cache ref',
      () => facts(cap(), { cacheRef: 'localhost:5000/cache' }),
      { strategy: 'split', reason: /--cache-ref on a build over 2 nodes/ },
    ],
    [
      'auto keeps single for a cache ref on one node',
      () =>
        facts(cap(), {
          cacheRef: 'localhost:5000/cache',
          routes: routePlatforms(['linux/amd64'], nodesOf(cap()), V29),
        }),
      { strategy: 'single', reason: /every platform/ },
    ],
    [
      'auto without --push stays single and says what split would have fixed',
      () => facts(handMade(), { push: false }),
      { strategy: 'single', reason: /emulate linux\/arm64 .*split would fix it, but no --push/ },
    ],
    [
      'auto with --output stays single',
      () => facts(handMade(), { outputs: ['type=oci,dest=x.tar'] }),
      { strategy: 'single', reason: /split would fix it, but --strategy split writes its own exporter/ },
    ],
    [
      'single when asked, even where split would help',
      () => facts(handMade(), { asked: 'single' }),
      { strategy: 'single', reason: /^--strategy single$/ },
    ],
    [
      'split when asked on a builder that needs none',
      () => facts(cap(), { asked: 'split' }),
      { strategy: 'split', reason: /^--strategy split$/ },
    ],
    [
      'a declared, pinned fleet stays single',
      () => {
        const nodes = routingNodesOf(FLEET, builderFromCapture('0.29.1', 'inspect'));
        return facts(mixed(), { nodes, routes: routePlatforms(BOTH, nodes, V29) });
      },
      { strategy: 'single', reason: /every platform/ },
    ],
  ])('%s', (_, input, expected) => {
    const choice = chooseStrategy(input());
    expect(choice.kind).toBe('chosen');
    if (choice.kind !== 'chosen') return;
    expect(choice.strategy).toBe(expected.strategy);
    expect(choice.reason).toMatch(expected.reason);
  });

  it.each<[string, Partial<StrategyFacts>, RefusalKind]>([
    ['no --push', { push: false }, 'split-needs-push'],
    ['no tag', { tags: [] }, 'split-needs-tag'],
    ['an --output of its own', { outputs: ['type=local,dest=out'] }, 'split-output'],
    [
      '--check (build-flags.ts: one build)',
      { singleOnly: [{ flag: '--check', reason: 'no export' }] },
      'split-flag',
    ],
  ])('split asked with %s is refused, exit 2', (_, fields, kind) => {
    const choice = chooseStrategy(facts(cap(), { asked: 'split', ...fields }));
    expect(choice).toMatchObject({ kind: 'refused', refusal: { kind } });
    expect(REFUSAL_OUTCOME[kind]).toBe('usage');
    if (choice.kind === 'refused') expect(choice.refusal.hint).toMatch(/--strategy single/);
  });
});
