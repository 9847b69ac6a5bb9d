// How a kernel log line is written and styled: dmesg's `[SSSSS.UUUUUU]`
// timestamp, and a class for its level and for the two kinds of line that
// are not the kernel's (`% command` echoes and a command's standard output).
import type { LogEntry } from '../../worker/protocol.ts';

const US_PER_S = 1_000_000;

/** The printk timestamp of a time in µs: `[%5lu.%06lu]`. */
export function timestamp(us: number): string {
  const t = Math.max(0, Math.floor(us));
  const sec = Math.floor(t / US_PER_S);
  const frac = t % US_PER_S;
  return `[${String(sec).padStart(5, ' ')}.${String(frac).padStart(6, '0')}]`;
}

/** Characters the timestamp and the gap after it take. */
export const TIMESTAMP_COLS = timestamp(0).length + 1;

export type LineKind = 'command' | 'stdout' | 'kernel';

export function lineKind(e: Pick<LogEntry, 'stdout' | 'command'>): LineKind {
  if (e.stdout === true) return 'stdout';
  if (e.command === true) return 'command';
  return 'kernel';
}

export function lineClass(e: LogEntry): string {
  const cls = ['log-row', `log-${e.level}`];
  const kind = lineKind(e);
  if (kind !== 'kernel') cls.push(`log-${kind}`);
  if (e.taskDebug === true) cls.push('log-taskdebug');
  return cls.join(' ');
}

/** Words read before a line whose look alone says what it is. */
export function linePrefix(e: LogEntry): string {
  if (e.level === 'err') return 'error: ';
  if (e.level === 'warn') return 'warning: ';
  if (lineKind(e) === 'stdout') return 'output: ';
  return '';
}
