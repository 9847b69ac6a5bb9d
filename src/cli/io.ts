// What every CLI command shares: its exit statuses, a failure that ends it
// with a one-line message, bounded reading of an input file, buffered
// writing to a file descriptor, and escaping of what the terminal is shown.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { MAX_FILE_BYTES } from '../sim/limits.ts';
import { escapeControl } from '../sim/escape.ts';

export { escapeControl };

/** The exit statuses of `klpscope` (README, docs/scenario.md §9). */
export const Exit = {
  /** The scenario ran to its end. */
  Ok: 0,
  /** A guarantee of the chosen kernel was violated. */
  Violated: 1,
  /** Bad usage, or an invalid scenario or script. */
  Invalid: 2,
  /** The run reached a limit (events per run, simulated time) before its end. */
  Limit: 3,
  /** An input could not be read or an output written. */
  Io: 4,
  /** Standard output was closed early (`| head`): as a process ended by SIGPIPE, quietly. */
  Pipe: 141,
} as const;

/** Ends a command: a one-line message (none for a closed pipe) and an exit status. */
export class CliError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  ENXIO: 'No such device or address',
  EPIPE: 'Broken pipe',
  EDQUOT: 'Disk quota exceeded',
  EFBIG: 'File too large',
};

/** The error code of a Node system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** strerror() of a Node system error: `No such file or directory`. */
export function errnoText(e: unknown): string {
  const code = errnoCode(e);
  if (code === undefined) return e instanceof Error ? e.message : String(e);
  return ERRNO_TEXT[code] ?? code;
}

/** A file name as a message shows it: escaped, and cut short past 80 characters. */
export function showPath(path: string): string {
  const p = escapeControl(path);
  return p.length > 80 ? `${p.slice(0, 77)}...` : p;
}

/**
 * Reads a whole input file of at most `max` bytes: stat first (a regular
 * file too large is refused before any read), then a bounded read, so a
 * device (/dev/zero, /dev/urandom) or a pipe fails at `max` + 1 bytes.
 * @throws CliError (Invalid when too large, Io when it cannot be read)
 */
export function readBounded(path: string, what: string, max = MAX_FILE_BYTES): string {
  const tooLarge = (got: string) => new CliError(Exit.Invalid, `${what} ${showPath(path)} is too large: at most ${max / 1024 / 1024} MiB, got ${got}`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CliError(Exit.Io, `cannot read ${what} ${showPath(path)}: ${errnoText(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CliError(Exit.Io, `cannot read ${what} ${showPath(path)}: Is a directory`);
    if (st.isFile() && st.size > max) throw tooLarge(`${(st.size / 1024 / 1024).toFixed(1)} MiB`);
    const buf = Buffer.alloc(Math.min(max + 1, st.isFile() ? st.size + 1 : max + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > max) throw tooLarge('more');
        break;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(Exit.Io, `cannot read ${what} ${showPath(path)}: ${errnoText(e)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Lines to a file descriptor, written in blocks of ~64 kB with writeSync: an
 * error (a full disk, a closed pipe) is thrown where it happens.
 */
export class LineWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(readonly fd: number) {}

  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= 65_536) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        // A non-blocking pipe that is full: wait for the reader.
        if (errnoCode(e) !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }
}
