// `npm run chaos [-- --seconds N | --iterations N] [--seed S] [--slow] [--cases] [--bad-dirs asks,tells] [--no-own-answer] [--json] [--keep]`
// SIGKILLs looop processes at random instants with bad files in every mailbox directory
// (see fixtures/chaos/), then prints the counts of lost, duplicated, corrupt and
// overlapping (and leaked, hung, crashed, unresolved). Exits 1 unless every count is 0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clean, formatReport, runChaos } from '../fixtures/chaos/run.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    iterations: { type: 'string' },
    seed: { type: 'string' },
    slow: { type: 'boolean', default: false },
    cases: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'bad-dirs': { type: 'string' },
    'no-own-answer': { type: 'boolean', default: false },
  },
});

const num = (s, what) => {
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`chaos: --${what} wants a number, got ${JSON.stringify(s)}`);
    process.exit(2);
  }
  return n;
};

const root = fs.mkdtempSync(path.join(process.env.LOOOP_CHAOS_TMPDIR ?? os.tmpdir(), 'looop-chaos-'));
const report = await runChaos({
  root,
  seconds: num(values.seconds, 'seconds'),
  iterations: values.iterations === undefined ? Infinity : num(values.iterations, 'iterations'),
  seed: values.seed === undefined ? undefined : num(values.seed, 'seed'),
  slow: values.slow,
  cases: values.cases,
  ownAnswers: !values['no-own-answer'],
  ...(values['bad-dirs'] === undefined ? {} : { badDirs: values['bad-dirs'].split(',').filter(Boolean) }),
  log: (m) => process.stderr.write(`${m}\n`),
});
console.log(values.json ? JSON.stringify(report) : formatReport(report));
if (values.keep) console.error(`chaos: kept ${root}`);
else fs.rmSync(root, { recursive: true, force: true });
process.exit(clean(report) ? 0 : 1);
