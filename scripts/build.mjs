// Bundles the CLI for fast start-up. The hot path is CommonJS: node starts a CJS
// entry ~4 ms faster than an ES module, and each command is its own small bundle
// that the entry require()s only when that verb runs, so `looop ask` never parses
// the PTY engine. The session host and the test/bench library stay ES modules.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const commandEntries = [
  ...readdirSync(path.join(root, 'src/commands')).filter((f) => f.endsWith('.ts')).map((f) => `src/commands/${f}`),
  'src/cli/renderState.ts',
];

// `await import('…/commands/x.ts')` in the CLI becomes require('./cmd-x.cjs').
const commandsAsFiles = {
  name: 'commands-as-files',
  setup(b) {
    b.onResolve({ filter: /(^|\/)(commands\/[^/]+|renderState)\.ts$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      return { path: `./cmd-${path.basename(args.path, '.ts')}.cjs`, external: true };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // node-pty is a native addon and must be resolved from node_modules at run time.
  external: ['node-pty'],
  logLevel: 'warning',
  legalComments: 'none',
};

const cjs = {
  ...common,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__looop_import_meta_url' },
  banner: { js: "var __looop_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...cjs, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, plugins: [commandsAsFiles] }),
  build({
    ...cjs,
    entryPoints: Object.fromEntries(commandEntries.map((f) => [`cmd-${path.basename(f, '.ts')}`, f])),
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
  }),
  build({
    ...common,
    format: 'esm',
    entryPoints: { host: 'src/sessions/hostMain.ts', lib: 'src/lib.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire as __looopRequire } from 'node:module'; const require = __looopRequire(import.meta.url);" },
  }),
]);
