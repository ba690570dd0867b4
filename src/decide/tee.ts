// The decide attempt's replay archive: every runner line, rendered and stamped, goes
// to `runs/<run_id>/output.log` and to `tick.log` (both truncated when the attempt
// starts, so tick.log holds only the last attempt), and optionally to the pulse log.
// A sink that cannot be opened or written is reported ONCE (as data, through
// `onProblem` and `close()`) and dropped; the others keep receiving every line and
// the runner is never held up by its archive.
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { FILE_MODE } from '../store/fsio.ts';
import { clockStamp, stampedLines, stripAnsi } from '../log/lineLayout.ts';
import { renderRunnerLine, type Rendered } from './streamRender.ts';

export interface TeeSink {
  /** What the problem line names: the file. */
  readonly name: string;
  readonly write: (text: string) => void;
  readonly close: () => void;
}

export interface TeeProblem {
  readonly file: string;
  readonly op: 'open' | 'write';
  /** One sentence naming the file, for a `tick.guard_degraded` warning. */
  readonly problem: string;
}

export interface TeeOptions {
  readonly now: () => Date;
  /** Each rendered line, for the pulse log (upstream echoes nothing: the caller chooses). */
  readonly onRendered?: (line: Rendered) => void;
  /** Called once per failing sink, when it fails. */
  readonly onProblem?: (problem: TeeProblem) => void;
}

export interface Tee {
  /** Feed one raw runner line (runDecider's `onLine`). */
  readonly line: (raw: string) => void;
  /** Closes the sinks; returns every problem met (each sink at most once). */
  readonly close: () => readonly TeeProblem[];
}

/** The archive text of one rendered line: stamped, unstyled, inert, prose set off by a blank line. */
export function archiveText(r: Rendered, at: Date): string {
  return `${r.gap === true ? '\n' : ''}${stampedLines(clockStamp(at), stripAnsi(r.text))}\n`;
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message ?? String(e);
}

/**
 * Opens `file` for the archive: truncated, never through a symlink, never a FIFO or
 * device (a planted `tick.log` must not redirect or hang the pulse's writes).
 */
export function openFileSink(file: string): TeeSink | TeeProblem {
  let fd: number;
  try {
    const c = fs.constants;
    fd = fs.openSync(file, c.O_WRONLY | c.O_CREAT | c.O_TRUNC | c.O_NOFOLLOW | c.O_NONBLOCK, FILE_MODE);
  } catch (e) {
    return { file, op: 'open', problem: `cannot open ${file} for the runner's output (${errCode(e)}); the output goes unrecorded there this attempt` };
  }
  try {
    if (!fs.fstatSync(fd).isFile()) {
      fs.closeSync(fd);
      return { file, op: 'open', problem: `${file} is not a regular file; the runner's output goes unrecorded there this attempt` };
    }
  } catch (e) {
    fs.closeSync(fd);
    return { file, op: 'open', problem: `cannot inspect ${file} (${errCode(e)}); the runner's output goes unrecorded there this attempt` };
  }
  return {
    name: file,
    write: (text) => {
      const buf = Buffer.from(text);
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off);
    },
    close: () => fs.closeSync(fd),
  };
}

/** A tee over already opened sinks (and problems met opening others). */
export function createTee(sinks: readonly (TeeSink | TeeProblem)[], opts: TeeOptions): Tee {
  const problems: TeeProblem[] = [];
  const report = (p: TeeProblem): void => {
    problems.push(p);
    try {
      opts.onProblem?.(p);
    } catch {
      // a failing reporter must not stop the stream either
    }
  };
  let live: TeeSink[] = [];
  for (const s of sinks) {
    if ('problem' in s) report(s);
    else live.push(s);
  }
  const drop = (s: TeeSink, op: 'write', e: unknown): void => {
    live = live.filter((x) => x !== s);
    try {
      s.close();
    } catch {
      // already failing; the problem below says so
    }
    report({ file: s.name, op, problem: `cannot write the runner's output to ${s.name} (${errCode(e)}); the rest of this attempt goes unrecorded there` });
  };
  return {
    line(raw) {
      for (const r of renderRunnerLine(raw)) {
        const text = archiveText(r, opts.now());
        for (const s of live) {
          try {
            s.write(text);
          } catch (e) {
            drop(s, 'write', e);
          }
        }
        try {
          opts.onRendered?.(r);
        } catch {
          // the log's trouble is the log's
        }
      }
    },
    close() {
      for (const s of live) {
        try {
          s.close();
        } catch {
          // the bytes were written; a failing close changes nothing for the archive
        }
      }
      live = [];
      return [...problems];
    },
  };
}

export interface RunTeeFiles {
  /** `runs/<run_id>` of this attempt (it must exist: the prompt is already in it). */
  readonly runDir: string;
  /** The data dir's `tick.log`. */
  readonly tickLog: string;
}

/** The tee for one decide attempt: `<runDir>/output.log` and `tick.log`, both started afresh. */
export function openRunTee(files: RunTeeFiles, opts: TeeOptions): Tee {
  return createTee([openFileSink(path.join(files.runDir, 'output.log')), openFileSink(files.tickLog)], opts);
}
