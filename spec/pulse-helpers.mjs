// Shared by the pulse tests: a data dir wired to the scripted decider, and waits on the
// pulse's JSON log.
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, looopBg, waitFor } from './helpers.mjs';

export const SCRIPTED = path.join(FIXTURES, 'runners', 'scripted.mjs');
const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Prepares `dir` for a pulse: config.json with the scripted decider reading `dir/../<name>.queue`,
 * a PLAYBOOK (so nothing is seeded), and the given steps (`{'01.json': {...}}`).
 */
export function scriptedPulseDir(dir, steps = {}, config = {}) {
  const queue = `${dir}.queue`;
  fs.mkdirSync(queue, { recursive: true });
  for (const [name, body] of Object.entries(steps)) addStep(queue, name, body);
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ tick_command: `node ${q(SCRIPTED)} ${q(queue)}`, worker_command: 'bash -c "cat {{prompt_file}}; sleep 600"', interval: 3600, ...config }),
  );
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'Test playbook: do what the script says.\n');
  return queue;
}

export function addStep(queue, name, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // Written aside and renamed in, so a running decider never takes a half-written step.
  fs.writeFileSync(path.join(queue, `.${name}`), text);
  fs.renameSync(path.join(queue, `.${name}`), path.join(queue, name));
}

export function calls(queue) {
  try {
    return fs.readFileSync(`${queue}.calls`, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The pulse in the foreground with a JSON log. */
export function startPulse(t, dir, env = {}) {
  return looopBg(t, dir, ['pulse'], { env: { LOOOP_LOG_FORMAT: 'json', ...env } });
}

export function logEvents(proc) {
  const out = [];
  for (const line of proc.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line));
    } catch {}
  }
  return out;
}

/** Waits for the `n`-th (1-based) log event matching `pred`; returns it. */
export function waitEvent(proc, pred, what, n = 1) {
  return waitFor(
    () => {
      if (proc.exited !== null && logEvents(proc).filter(pred).length < n) throw new Error(`the pulse exited (${JSON.stringify(proc.exited)}) before ${what}; stdout=${proc.stdout.slice(-2000)} stderr=${proc.stderr.slice(-1000)}`);
      return logEvents(proc).filter(pred)[n - 1];
    },
    { what, describe: () => logEvents(proc).map((e) => `${e.event}: ${e.msg}`).slice(-15).join(' | ') + ` stderr=${proc.stderr.slice(-500)}` },
  );
}

export const isEvent = (name) => (e) => e.event === name;

/** The pid the scripted decider recorded for its `n`-th run (0-based). */
export function deciderPid(queue, n = 0) {
  return Number(/pid=(\d+)/.exec(calls(queue)[n])[1]);
}

/** Waits until process `pid` is gone (a zombie-free kill(0) fails). */
export function waitGone(pid, what) {
  return waitFor(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    { what },
  );
}
