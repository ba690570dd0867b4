// Bundles the CLI for fast start-up. The hot path is CommonJS: node starts a CJS
// entry ~4 ms faster than an ES module. Every `await import()` of our own source
// becomes a require() of its own small bundle, built on demand below, so a verb
// parses only what it runs: `looop asks` never parses XState, `looop ask` never the
// PTY engine. The session host is built the same way, so what it needs only after
// the child runs (the terminal emulator, the inbox watcher) stays out of its start-up.
// The test/bench library stays an ES module.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** dist name of a lazily loaded source module: src/store/entityStore.ts → store-entityStore. */
function lazyName(abs) {
  return path.relative(root, abs).replace(/\.ts$/, '').replace(/^src\//, '').replaceAll(path.sep, '-');
}

const wanted = new Map(); // lazy name → absolute source path

const lazyImports = {
  name: 'lazy-imports',
  setup(b) {
    b.onResolve({ filter: /\.ts$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const abs = path.resolve(args.resolveDir, args.path);
      const name = lazyName(abs);
      wanted.set(name, abs);
      return { path: `./${name}.cjs`, external: true };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The PTY addons are native and must be resolved from node_modules at run time:
  // the prebuilt @lydell/node-pty, or a source-built node-pty (src/sessions/ptyLoader.ts).
  external: ['@lydell/node-pty', 'node-pty'],
  logLevel: 'warning',
  legalComments: 'none',
};

const cjs = {
  ...common,
  format: 'cjs',
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__looop_import_meta_url' },
  banner: { js: "var __looop_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyImports],
};

const esm = build({
  ...common,
  format: 'esm',
  entryPoints: { lib: 'src/lib.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  banner: { js: "import { createRequire as __looopRequire } from 'node:module'; const require = __looopRequire(import.meta.url);" },
});

// The demo runner (`npm run demo`): a decider and an agent, each one self-contained file
// (no lazy bundles: each runs once per decide or per worker, start to end).
const demo = build({ ...cjs, plugins: [], entryPoints: { 'demo-decider': 'src/demo/decider.ts', 'demo-agent': 'src/demo/agent.ts' } });
await build({ ...cjs, entryPoints: { cli: 'src/cli/main.ts', host: 'src/sessions/hostMain.ts' } });
const built = new Set();
for (;;) {
  const next = [...wanted].filter(([name]) => !built.has(name));
  if (next.length === 0) break;
  for (const [name] of next) built.add(name);
  await build({ ...cjs, entryPoints: Object.fromEntries(next) });
}
await esm;
await demo;
