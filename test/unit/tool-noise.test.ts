// kubectl's klog retries and OpenSSL's internals reduced to the line that explains.
import { describe, expect, it } from 'vitest';
import { explainingLine, opensslReason } from '../../src/tool-noise.js';

const KLOG = `E0612 10:01:02.123456   4242 memcache.go:265] couldn't get current server API group list: Get "https://127.0.0.1:6443/api?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused
E0612 10:01:02.124000   4242 memcache.go:265] couldn't get current server API group list: Get "https://127.0.0.1:6443/api?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused
I0612 10:01:02.125000   4242 request.go:697] Waited for 1.1s due to client-side throttling
        continuation line of a klog entry
The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?
`;

describe('explainingLine', () => {
  it("keeps kubectl's verdict, not the klog retries before it", () => {
    expect(explainingLine(KLOG)).toBe(
      'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
    );
  });

  it('takes the last klog line, without its header, when there is nothing else', () => {
    const only = KLOG.split('\n').slice(0, 2).join('\n');
    expect(explainingLine(only)).toMatch(/^couldn't get current server API group list: /);
    expect(explainingLine('  \n')).toBe('');
    expect(explainingLine('Error from server (NotFound): namespaces "nope" not found\n')).toBe(
      'Error from server (NotFound): namespaces "nope" not found',
    );
  });
});

describe('opensslReason', () => {
  it("keeps OpenSSL's reason, not the library's internals", () => {
    expect(
      opensslReason(
        'C0B7A1F2FA7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:\n',
      ),
    ).toBe('wrong version number');
    expect(opensslReason('socket hang up')).toBe('socket hang up');
  });
});
