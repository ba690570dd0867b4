// Bundles the CLI, the session host and a library entry for tests and the
// benchmark. One bundle keeps start-up close to bare node; commands are split
// into lazily loaded chunks so `looop ask` never parses the PTY engine.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await rm(`${root}/dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'src/cli/main.ts',
    host: 'src/sessions/hostMain.ts',
    lib: 'src/lib.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // node-pty is a native addon and must be resolved from node_modules at run time.
  external: ['node-pty'],
  // Some bundled CommonJS dependencies call require() for node built-ins.
  banner: { js: "import { createRequire as __looopRequire } from 'node:module'; const require = __looopRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
