// Whether some process still holds a file open for writing. A writer that has not
// closed its file may not have finished (a shell `cat > file`, a script writing in
// chunks), and inotify through libuv reports no close-write event, so on Linux we
// look: every /proc/<pid>/fd entry that is the same file (device + inode, which
// survives renames and bind mounts, unlike a path), and its fdinfo access mode.
import { fs } from '../nodeFs.ts';

const hasProcFds = fs.existsSync('/proc/self/fdinfo');

// The access mode bits of open(2) flags, as /proc/<pid>/fdinfo prints them (octal).
const O_ACCMODE = 0o3;

function openedForWriting(pid: string, fd: string): boolean {
  let info: string;
  try {
    info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
  } catch {
    return false; // closed meanwhile
  }
  const m = /^flags:\s+([0-7]+)$/m.exec(info);
  return m?.[1] !== undefined && (Number.parseInt(m[1], 8) & O_ACCMODE) !== 0;
}

/**
 * Pids (other than ours) holding the file `dev`/`ino` open for writing; [] when none;
 * null where this cannot be told (no /proc), so the caller falls back to a settle window.
 * Processes of other users are not visible to us; their writers go unseen.
 */
export function writersOf(dev: number, ino: number): number[] | null {
  if (!hasProcFds) return null;
  const self = String(process.pid);
  const out: number[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const pid of pids) {
    if (pid === self || !/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      let st: import('node:fs').Stats | undefined;
      try {
        st = fs.statSync(`/proc/${pid}/fd/${fd}`, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (st === undefined || st.ino !== ino || st.dev !== dev) continue;
      if (openedForWriting(pid, fd)) {
        out.push(Number(pid));
        break;
      }
    }
  }
  return out;
}
