// A short run of the SIGKILL chaos harness (`npm run chaos` runs it longer): asks,
// answers, claims and session hosts killed at random instants, with FIFOs, symlinks out
// of the data dir, directories, junk, huge files and files still being written in every
// mailbox directory. Nothing may be lost, duplicated, corrupt or overlapping; nothing may
// hang, crash, leak a file from outside the data dir, or be left unresolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clean, formatReport, runChaos } from '../fixtures/chaos/run.mjs';
import { tempDataDir } from './helpers.mjs';

test('chaos: SIGKILLs at random instants and bad files in every mailbox directory lose, duplicate, corrupt and overlap nothing', async (t) => {
  const root = tempDataDir(t, 'looop-chaos');
  const seed = process.env.LOOOP_CHAOS_SEED === undefined ? undefined : Number(process.env.LOOOP_CHAOS_SEED);
  const report = await runChaos({
    root,
    seed,
    seconds: Number(process.env.LOOOP_CHAOS_SECONDS ?? 3),
    lanes: 1,
    sessions: 2,
    // Naming each failing bad file on its own takes a minute: `npm run chaos -- --cases` does it.
    attribute: false,
    // Only to look past a known failure while it is being fixed: LOOOP_CHAOS_BAD_DIRS=asks,answers, LOOOP_CHAOS_OWN_ANSWER=0.
    ...(process.env.LOOOP_CHAOS_BAD_DIRS ? { badDirs: process.env.LOOOP_CHAOS_BAD_DIRS.split(',') } : {}),
    ...(process.env.LOOOP_CHAOS_OWN_ANSWER === '0' ? { ownAnswers: false } : {}),
    log: (m) => t.diagnostic(m),
  });
  const text = formatReport(report);
  for (const line of text.split('\n')) t.diagnostic(line);
  assert.ok(clean(report), `replay with LOOOP_CHAOS_SEED=${report.seed}; see each bad file on its own with \`npm run chaos -- --cases\`\n${text}`);
  assert.ok(report.cycles.asks > 0 && report.cycles.claims > 0 && report.cycles.hosts > 0 && report.cycles.probes >= 2, `every part ran at least once: ${JSON.stringify(report.cycles)}`);
});
