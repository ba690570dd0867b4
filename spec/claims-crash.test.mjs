// kill -9 of a claimer at an arbitrary point of a claim or release leaves a readable
// claim file (or none), never a second holder, and never blocks the next claimer: its
// write token and gate are recognised as dead (pid + start time) and passed over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { CLAIM_KIND, envelope, paths, runClaim, runUnclaim } from '../dist/lib.mjs';
import { FIXTURES, envFor, tempDataDir } from './helpers.mjs';

const CHURN = path.join(FIXTURES, 'claims', 'churn.mjs');

/** Runs the churner until it has reported `cycles` cycles, then SIGKILLs it mid-flight. */
function churnAndKill(dir, cycles) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHURN, 'hot'], { env: envFor(dir), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      if (l === `c ${cycles}`) child.kill('SIGKILL');
    });
    child.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`churner exited ${code}: ${stderr}`))));
  });
}

test('a claimer SIGKILLed mid-cycle never corrupts the claim or blocks the next claimer', async (t) => {
  const dir = tempDataDir(t);
  const env = { LOOOP_DATA_DIR: dir };
  const ctx = { paths: paths.resolvePaths(env, dir), env, now: () => new Date(), warn: () => {}, bin: 'looop' };
  // Only the test's own session is alive: every churner is dead once killed.
  const live = { isAlive: (id) => id === 'next', liveIds: () => new Set(['next']) };
  const file = path.join(dir, 'claims', 'hot.json');
  for (let i = 0; i < 15; i++) {
    await churnAndKill(dir, 1 + ((i * 7) % 23));
    const r = envelope.readEntity(file, CLAIM_KIND);
    assert.notEqual(r.kind, 'invalid', `after kill ${i}: ${r.problem}`);
    const c = await runClaim(ctx, { name: 'hot', session: 'next' }, live);
    assert.equal(c.kind, 'won', `after kill ${i} the next claimer takes the claim: ${JSON.stringify(c)}`);
    const lease = envelope.readEntity(file, CLAIM_KIND);
    assert.equal(lease.envelope.state, 'held');
    assert.equal(lease.envelope.context.holder, 'next');
    assert.equal((await runUnclaim(ctx, { name: 'hot', session: 'next' }, live)).kind, 'released');
  }
});
