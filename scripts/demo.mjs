// `npm run demo`: a worker asks, a human answers from another process, the worker
// wakes. Real CLI, real files, in a throwaway data dir (or $LOOOP_DATA_DIR).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/looop.cjs', import.meta.url));
const dataDir = process.env.LOOOP_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'looop-demo-'));
const env = { ...process.env, LOOOP_DATA_DIR: dataDir };
delete env.LOOOP_SESSION_ID;
const show = (s) => console.log(process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const looop = (args) => {
  show(`$ looop ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
  return r;
};

console.log(`data dir: ${dataDir}\n`);
show('# terminal 1 — a worker needs a decision and blocks:');
show('$ answer=$(looop ask deployer --prompt "Deploy v2 to production?" --options yes,no)');
const asksDir = path.join(dataDir, 'asks');
// Private like everything looop creates (0700); looop would make it the same way.
fs.mkdirSync(asksDir, { recursive: true, mode: 0o700 });
// A data dir used before already holds deployer asks: wait for the new one.
const before = new Set(fs.readdirSync(asksDir));
const asker = spawn(process.execPath, [bin, 'ask', 'deployer', '--prompt', 'Deploy v2 to production?', '--options', 'yes,no'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let printed = '';
asker.stdout.on('data', (d) => (printed += d));
const newAsk = () => fs.readdirSync(asksDir).find((n) => /^deployer-\d+\.json$/.test(n) && !before.has(n));
const askName = await new Promise((resolve) => {
  const w = fs.watch(asksDir, () => {
    const n = newAsk();
    if (n !== undefined) {
      w.close();
      resolve(n);
    }
  });
  const n = newAsk();
  if (n !== undefined) {
    w.close();
    resolve(n);
  }
});
const askId = askName.slice(0, -'.json'.length);
const askFile = path.join(asksDir, askName);

console.log();
show('# terminal 2 — a human sees the question and answers it:');
looop(['asks']);
looop(['answer', askId, 'yes — go ahead, and tag the release']);
const code = await new Promise((resolve) => asker.on('close', resolve));
console.log();
show('# terminal 1 — the ask woke and printed only the answer:');
console.log(`answer=${JSON.stringify(printed.trim())}  (exit ${code})`);
console.log();
// Once delivered, the asker moves the record out of asks/ into the archive.
const archived = path.join(asksDir, 'archive', 'deployer', askName);
const shown = fs.existsSync(archived) ? archived : askFile;
show(`# the ask record, as a human reads it (${path.relative(dataDir, shown)}):`);
if (fs.existsSync(shown)) console.log(`${fs.readFileSync(shown, 'utf8').split('\n').slice(0, 6).join('\n')}\n  …`);
if (process.env.LOOOP_DATA_DIR === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(code === 0 && printed.trim() !== '' ? 0 : 1);
