// `worker start` spawns its session host first and hands it the session once the
// record exists, so node boots while the CLI checks and writes. The host it hands
// over must be what a directly spawned host was (data dir as cwd, stdout and stderr
// on host.log); a refused start leaves no host behind; a standby that died is
// replaced by a fresh host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, looop, waitFor } from './helpers.mjs';
import { record, sessionDir, sessionsDataDir, startWorker, waitOutput, waitState } from './sessions-helpers.mjs';

/** Pids of host processes (standby or not) started for this data dir. */
function hostsOf(dir) {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv;
    try {
      argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.some((a) => a.endsWith(path.join('dist', 'host.cjs'))) && argv.includes(dir)) pids.push(Number(name));
  }
  return pids;
}

test('the host that takes a session runs in the data dir with stdout and stderr on host.log', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'w1', 'echo up {{prompt_file}}; read -r _');
  await waitOutput(dir, 'w1', /up/);
  const { pid } = record(dir, 'w1').context.host;
  const hostLog = path.join(sessionDir(dir, 'w1'), 'host.log');
  assert.equal(fs.readlinkSync(`/proc/${pid}/cwd`), dir);
  assert.equal(fs.readlinkSync(`/proc/${pid}/fd/1`), hostLog);
  assert.equal(fs.readlinkSync(`/proc/${pid}/fd/2`), hostLog);
  // What the host says goes to host.log: a SIGTERM ends the session and is logged.
  process.kill(pid, 'SIGTERM');
  await waitState(dir, 'w1', 'killed');
  assert.match(fs.readFileSync(hostLog, 'utf8'), /SIGTERM: ending the session/);
});

test('a refused worker start leaves no session host behind', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'w1', 'echo up {{prompt_file}}; read -r _');
  const cases = [
    [['worker', 'start', 'w1', 'again', '--command', 'echo {{prompt_file}}'], /already running/],
    [['worker', 'start', 'a b', 'x', '--command', 'echo {{prompt_file}}'], /invalid worker id/],
    [['worker', 'start', 'w2', 'x', '--command', 'echo no placeholder'], /prompt_file/],
    [['worker', 'start', 'w3', '   ', '--command', 'echo {{prompt_file}}'], /missing prompt/],
  ];
  for (const [args, re] of cases) {
    const r = looop(dir, args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const live = record(dir, 'w1').context.host.pid;
  await waitFor(() => hostsOf(dir).every((pid) => pid === live), {
    what: 'the refused starts\' standby hosts to exit',
    describe: () => `hosts ${hostsOf(dir).join(', ')}; the live session's is ${live}`,
  });
  assert.deepEqual(fs.readdirSync(path.join(dir, 'sessions')), ['w1'], 'a refused start creates no session');
});

test('when the standby host dies before it takes the session, a fresh host runs it', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'w1', 'echo fresh-host {{prompt_file}}', { env: { NODE_OPTIONS: `--require=${path.join(FIXTURES, 'standby-dies.cjs')}` } });
  await waitOutput(dir, 'w1', /fresh-host/);
  await waitState(dir, 'w1', 'exited');
  assert.equal(record(dir, 'w1').context.exitCode, 0);
});
