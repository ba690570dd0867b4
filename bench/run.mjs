// `npm run bench [-- --json] [-- --only key,key]`: measures each SPEC §7 figure in one
// run, beside its target and the baseline it is compared with, and ends with the §7
// table. Exits 1 when a measured figure misses its target (each named on a MISS line).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** SPEC §7, in its order: key → target as the spec states it (shown when not measured). */
const SPEC_KEYS = {
  ask_wake_p50_ms: '≤ 15 ms',
  ask_wake_p99_ms: '≤ 60 ms',
  wait_wake_p50_ms: '≤ 25 ms, ≤ 2× ask_wake_p50_ms',
  cold_start_ratio: '≤ 1.3',
  claim_ratio: '≤ 1.3',
  claim_cycles_per_s: 'one winner every round',
  history_10k_ratio: '≤ 1.2',
  worker_start_ratio: '≤ 2.5',
  host_rss_mb: '≤ 60 MB',
  host_idle_cpu_pct: '≈ 0',
  screenshot_50mb_s: '≤ 1.5 s',
  beat_overhead_ms: '≤ 50 ms',
  decide_overhead_ms: '≤ 100 ms',
  goal_edit_to_decide_ms: '≤ 1000 ms',
  schedule_due_to_decide_ms: '≤ 1000 ms',
  watch_redraw_ms: '≤ 100 ms',
};

const here = path.dirname(fileURLToPath(import.meta.url));
const asJson = process.argv.includes('--json');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(process.argv[onlyIdx + 1].split(',')) : null;

const unitOf = (r) => r.unit ?? '';
const targetText = (r) => r.target_note ?? `${r.cmp ?? '≤'} ${r.target}${unitOf(r)}`;
const baselineText = (r) => {
  if (r.baseline === undefined) return r.ratio_note ?? '—';
  const note = r.ratio_note ?? (r.value > 0 ? `${(r.baseline / r.value).toFixed(1)}× better` : '');
  return `${r.baseline}${unitOf(r)}${note === '' ? '' : ` (${note})`}`;
};

function line(k, r) {
  return `${r.ok ? 'ok  ' : 'MISS'} ${k.padEnd(26)} ${`${r.value}${unitOf(r)}`.padStart(12)}  target ${targetText(r).padEnd(32)} baseline ${baselineText(r)}`;
}

const results = {};
const files = readdirSync(path.join(here, 'figures')).filter((f) => f.endsWith('.mjs')).sort();
for (const f of files) {
  const mod = await import(path.join(here, 'figures', f));
  if (only !== null && !mod.keys.some((k) => only.has(k))) continue;
  const figs = await mod.measure({ log: (m) => process.stderr.write(`  ${m}\n`) });
  Object.assign(results, figs);
  if (!asJson) for (const [k, r] of Object.entries(figs)) console.log(line(k, r));
}

const missed = Object.entries(results).filter(([, r]) => !r.ok);
if (asJson) {
  const clean = Object.fromEntries(
    Object.entries(results).map(([k, r]) => [k, { value: r.value, target: r.target, ...(r.baseline === undefined ? {} : { baseline: r.baseline }), ok: r.ok }]),
  );
  console.log(JSON.stringify(clean));
} else {
  console.log('\nSPEC §7');
  for (const [k, spec] of Object.entries(SPEC_KEYS)) {
    const r = results[k];
    console.log(r === undefined ? `  -- ${k.padEnd(26)} ${'—'.padStart(12)}  target ${spec.padEnd(32)} not measured in this run` : line(k, r));
  }
  const extra = Object.keys(results).filter((k) => !(k in SPEC_KEYS));
  if (extra.length > 0) {
    console.log('\nalso measured');
    for (const k of extra) console.log(line(k, results[k]));
  }
  console.log('');
  for (const [k, r] of missed) console.log(`MISS ${k}: ${r.value}${unitOf(r)}, target ${targetText(r)}`);
  console.log(missed.length === 0 ? 'bench: every measured figure meets its target' : `bench: ${missed.length} figure(s) missed their target`);
}
process.exit(missed.length === 0 ? 0 : 1);
