// The environment a session's child starts with. node-pty only sanitises the
// environment when handed process.env itself, so we do it: inherited terminal
// geometry and multiplexer variables would lie about the PTY we give the child.
import os from 'node:os';

const DROP = ['COLUMNS', 'LINES', 'TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'WINDOWID', 'TERMCAP', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'TERM_SESSION_ID'];

export function childEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || DROP.includes(k)) continue;
    // The session's command exports its own id; an inherited one belongs to whoever launched us.
    if (k === 'LOOOP_SESSION_ID') continue;
    env[k] = v;
  }
  env.TERM = 'xterm-256color';
  return env;
}

/** A signal number as its name (SIGKILL), or null for 0. */
export function signalName(n: number | undefined): string | null {
  if (n === undefined || n === 0) return null;
  for (const [name, num] of Object.entries(os.constants.signals)) if (num === n) return name;
  return `SIG${n}`;
}
