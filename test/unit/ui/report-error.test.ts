import { describe, expect, it } from 'vitest';
import { ConfigError, ToolMissingError, UsageError } from '../../../src/errors.js';
import { reportError } from '../../../src/ui/report-error.js';
import { captureContext } from './capture.js';

const badConfig = () =>
  new ConfigError([
    {
      path: '/work/repo/ci/builders.yaml',
      line: 7,
      column: 9,
      message: 'builder "fleet" mixes drivers: remote, docker-container',
      hint: 'Use driver: remote for every node',
    },
  ]);

describe('reportError', () => {
  it('prints message and hint on stderr, no stack, and returns the exit code', () => {
    const { ctx, stdout, stderr } = captureContext();
    const code = reportError(
      new ToolMissingError('docker buildx is missing', { hint: 'Install docker-buildx' }),
      ctx,
    );
    expect(code).toBe(4);
    expect(stderr()).toBe('error: docker buildx is missing\n  → Install docker-buildx\n');
    expect(stdout()).toBe('');
  });

  it('puts the later lines of a message and of a hint under their first', () => {
    const { ctx, stderr } = captureContext();
    reportError(
      new UsageError('node "a" is down\nnode "b" is down', {
        hint: 'Run mpb doctor\nOr pass --allow-degraded',
      }),
      ctx,
    );
    expect(stderr()).toBe(
      'error: node "a" is down\n  node "b" is down\n  → Run mpb doctor\n    Or pass --allow-degraded\n',
    );
  });

  it('prints config issues as FILE:LINE:COL', () => {
    const { ctx, stderr } = captureContext();
    expect(reportError(badConfig(), ctx)).toBe(2);
    expect(stderr()).toBe(
      'error: /work/repo/ci/builders.yaml:7:9: builder "fleet" mixes drivers: remote, docker-container\n' +
        '  → Use driver: remote for every node\n',
    );
  });

  it('adds GitHub Actions annotations, file relative to the workspace, properties escaped', () => {
    const { ctx, stderr } = captureContext({ env: { GITHUB_ACTIONS: 'true', CI: 'true' } });
    reportError(badConfig(), ctx);
    expect(stderr().split('\n').at(-2)).toBe(
      '::error file=ci/builders.yaml,line=7,col=9::builder "fleet" mixes drivers: remote, docker-container%0AUse driver: remote for every node',
    );
  });

  it('escapes % and newlines in the message and : , in a file outside the workspace', () => {
    const { ctx, stderr } = captureContext({ env: { GITHUB_ACTIONS: 'true' } });
    const issue = {
      path: '/etc/a:b,c.yaml',
      line: 1,
      column: 2,
      message: '100% wrong\r\nagain',
      hint: 'fix',
    };
    reportError(new ConfigError([issue]), ctx);
    expect(stderr().split('\n').at(-2)).toBe(
      '::error file=/etc/a%3Ab%2Cc.yaml,line=1,col=2::100%25 wrong%0D%0Aagain%0Afix',
    );
  });

  it('annotates errors without a place, and only under GitHub Actions', () => {
    const github = captureContext({ env: { GITHUB_ACTIONS: 'true' } });
    reportError(new UsageError('unknown builder "x"'), github.ctx);
    expect(github.stderr()).toBe('error: unknown builder "x"\n::error::unknown builder "x"\n');
    const gitlab = captureContext({ env: { CI: 'true', GITLAB_CI: 'true' } });
    reportError(new UsageError('unknown builder "x"'), gitlab.ctx);
    expect(gitlab.stderr()).not.toContain('::error');
  });

  it('under --json prints the error document on stdout and keeps the annotation on stderr', () => {
    const { ctx, stdout, stderr } = captureContext({ json: true, env: { GITHUB_ACTIONS: 'true' } });
    expect(reportError(badConfig(), ctx)).toBe(2);
    expect(JSON.parse(stdout())).toEqual({
      ok: false,
      errors: [
        {
          path: '/work/repo/ci/builders.yaml',
          line: 7,
          column: 9,
          message: 'builder "fleet" mixes drivers: remote, docker-container',
          hint: 'Use driver: remote for every node',
        },
      ],
    });
    expect(stderr()).toMatch(/^::error file=ci\/builders.yaml,line=7,col=9::/);
  });

  it('under --json gives an error its diagnosis code, when it has one', () => {
    const { ctx, stdout } = captureContext({ json: true });
    const missing = new ToolMissingError('the docker buildx plugin is not installed', {
      hint: 'Install buildx',
      code: 'buildx.unusable',
    });
    expect(reportError(missing, ctx)).toBe(4);
    expect(JSON.parse(stdout())).toEqual({
      ok: false,
      errors: [
        {
          code: 'buildx.unusable',
          message: 'the docker buildx plugin is not installed',
          hint: 'Install buildx',
        },
      ],
    });
  });

  it('colours only where colour is allowed', () => {
    const { ctx, stderr } = captureContext({ tty: true });
    reportError(new UsageError('bad'), ctx);
    expect(stderr()).toBe('\u001b[31merror:\u001b[39m bad\n');
  });

  it('shows a stack for an unexpected error (a bug) with exit 70, and for mpb errors only with --verbose', () => {
    const bug = captureContext();
    expect(reportError(new TypeError('x is undefined'), bug.ctx)).toBe(70);
    expect(bug.stderr()).toContain('error: x is undefined\n  → This is a bug in mpb');
    expect(bug.stderr()).toContain('TypeError: x is undefined\n    at ');
    const verbose = captureContext({ verbose: true });
    reportError(new UsageError('bad'), verbose.ctx);
    expect(verbose.stderr()).toContain('UsageError: bad\n    at ');
  });
});
