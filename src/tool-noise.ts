// Tools' own messages reduced to the line that explains: kubectl (client-go's klog) prints a log line per retry
// before its verdict, OpenSSL a chain of library internals before its reason. The whole text stays available
// under --verbose (deps.ts echoes a failed kubectl's stderr); messages carry the one line.

// klog's header: severity, date, time, thread id, file:line] — `E0612 10:01:02.123456   4242 memcache.go:265] `.
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]]+\] /;

/**
 * The line of a kubectl (or client-go) stderr that explains: its last line that is not a klog retry, else the
 * last klog line without its header. Blank for a blank text.
 */
export function explainingLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const verdict = lines.filter((l) => !KLOG.test(l)).at(-1);
  return verdict ?? lines.at(-1)?.replace(KLOG, '') ?? '';
}

/**
 * OpenSSL's reason, without the library's internals: `80CC…:error:0A00010B:SSL routines:ssl3_get_record:wrong
 * version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:` → `wrong version number`. Text that is
 * not OpenSSL's is returned as it is (its first line).
 */
export function opensslReason(message: string): string {
  const first = message.split('\n')[0]!.trim();
  return /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(first)?.[1]?.trim() ?? first;
}
