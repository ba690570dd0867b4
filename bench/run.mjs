// `npm run bench [-- --json] [-- --only key,key]`: measures each SPEC §7 figure in one
// run, beside its target and the baseline it is compared with.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const asJson = process.argv.includes('--json');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(process.argv[onlyIdx + 1].split(',')) : null;

const results = {};
const files = readdirSync(path.join(here, 'figures')).filter((f) => f.endsWith('.mjs')).sort();
for (const f of files) {
  const mod = await import(path.join(here, 'figures', f));
  if (only !== null && !mod.keys.some((k) => only.has(k))) continue;
  const figs = await mod.measure({ log: (m) => process.stderr.write(`  ${m}\n`) });
  Object.assign(results, figs);
  if (!asJson) {
    for (const [k, r] of Object.entries(figs)) {
      const base = r.baseline === undefined ? '' : `  baseline ${r.baseline}${r.unit ?? ''}  (${r.ratio_note ?? `${(r.baseline / r.value).toFixed(1)}× better`})`;
      console.log(`${r.ok ? 'ok  ' : 'MISS'} ${k.padEnd(20)} ${String(r.value).padStart(9)}${r.unit ?? ''}  target ${r.cmp ?? '≤'} ${r.target}${r.unit ?? ''}${base}`);
    }
  }
}
if (asJson) {
  const clean = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { value: r.value, target: r.target, ...(r.baseline === undefined ? {} : { baseline: r.baseline }), ok: r.ok }]));
  console.log(JSON.stringify(clean));
}
process.exit(0);
