// Why the host wraps every command: when a PTY's session leader exits, Linux hangs
// up the terminal and throws away output the host has not read yet (measured: the
// tail of `seq 1 20000` lost in 6/30 runs, 30/30 with a busy host). So the leader
// is a bash whose EXIT trap prints a private marker and blocks until the host
// answers it; the host answers only after reading every byte before the marker,
// so the leader exits with nothing left unread. The marker is cut from the log.
import { shellQuote } from './workerCommand.ts';

/** The bash prelude the host puts before the session's command. */
function drainPrelude(nonce: string): string {
  // `stty sane -echo`: the command may have left the terminal raw, and the answer must not be echoed.
  // `read -t 10` bounds the wait if the host is gone (a hung-up tty fails the read at once).
  return [
    '__looop_drain() {',
    '  stty sane -echo 2>/dev/null',
    `  printf '\\033]7771;looop-drain;%s\\007' '${nonce}' 2>/dev/null || return 0`,
    `  while IFS= read -r -t 10 __looop_line; do case "$__looop_line" in *'${nonce}'*) break ;; esac; done`,
    '}',
    'trap __looop_drain EXIT',
    '',
  ].join('\n');
}

/**
 * The whole script the leader runs. A shell that outlives a job killed by a signal
 * reports it on its stderr (`line 1: 5551 Hangup  sleep 100`), and the leader
 * always outlives the command, by the drain. So the leader's own stderr is
 * /dev/null and the command runs in a subshell that has the terminal as stderr:
 * it dies with its group on a kill, with nothing to report, while anything the
 * command's shell says of its own (syntax errors, `command not found`) still
 * shows. `eval` makes the subshell, not the leader, parse the command.
 */
export function leaderScript(nonce: string, command: string): string {
  return `${drainPrelude(nonce)}exec 3>&2 2>/dev/null\n( eval ${shellQuote(command)} ) 2>&3 3>&-\n`;
}

export function drainMarker(nonce: string): Buffer {
  return Buffer.from(`\x1b]7771;looop-drain;${nonce}\x07`);
}

/** What the host types back so the waiting leader can exit. */
export function drainAnswer(nonce: string): string {
  return `${nonce}\r`;
}

/**
 * Finds the marker in a byte stream split into arbitrary chunks. Bytes that might
 * be the start of a marker are held back until the next chunk decides.
 */
export class MarkerScanner {
  private held: Buffer = Buffer.alloc(0);

  constructor(private readonly marker: Buffer) {}

  /** Returns the bytes that are certainly output, and how many markers were cut out. */
  push(chunk: Buffer): { data: Buffer; found: number } {
    let buf = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    this.held = Buffer.alloc(0);
    const parts: Buffer[] = [];
    let found = 0;
    for (let i = buf.indexOf(this.marker); i >= 0; i = buf.indexOf(this.marker)) {
      parts.push(buf.subarray(0, i));
      buf = buf.subarray(i + this.marker.length);
      found += 1;
    }
    const keep = this.partialSuffix(buf);
    parts.push(buf.subarray(0, buf.length - keep));
    this.held = Buffer.from(buf.subarray(buf.length - keep));
    return { data: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), found };
  }

  /** The held-back bytes (at exit they are output after all). */
  flush(): Buffer {
    const h = this.held;
    this.held = Buffer.alloc(0);
    return h;
  }

  /** Length of the longest suffix of `buf` that is a proper prefix of the marker. */
  private partialSuffix(buf: Buffer): number {
    const max = Math.min(buf.length, this.marker.length - 1);
    for (let n = max; n > 0; n--) {
      if (buf[buf.length - n] !== this.marker[0]) continue;
      if (buf.subarray(buf.length - n).equals(this.marker.subarray(0, n))) return n;
    }
    return 0;
  }
}
