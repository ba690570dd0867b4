// The PTY addon the session host spawns its child with. `@lydell/node-pty` is
// node-pty with prebuilt binaries (linux and macOS, x64 and arm64) shipped as
// optional dependency packages, so `npm install` compiles nothing. Where it has no
// binary that loads (another CPU, musl libc, a node_modules copied across systems),
// a node-pty the user built from source is the fallback; it is not a dependency,
// because installing it runs node-gyp (g++, make, python3, node headers).
import type { IPty, IPtyForkOptions } from '@lydell/node-pty';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './workerCommand.ts';

/** The child's terminal. Both packages write bytes as well as strings (lydell's typings say string only). */
export type Pty = Omit<IPty, 'write'> & { write(data: string | Buffer): void };

export interface PtyModule {
  spawn(file: string, args: string[], options: IPtyForkOptions): Pty;
}

export interface PtyCandidate {
  readonly name: string;
  readonly load: () => Promise<unknown>;
}

export type PtyLoad =
  /** `skipped` says why each earlier candidate did not load (the host logs it). */
  | { readonly ok: true; readonly pty: PtyModule; readonly from: string; readonly skipped: readonly string[] }
  | { readonly ok: false; readonly problem: string };

// The fallback's name is a variable so the bundler leaves it to run time, and so
// TypeScript does not need it installed.
const SOURCE_BUILD = 'node-pty';
/** looop's own directory (this code runs bundled in dist/), where the fallback must be installed. */
const LOOOP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const PTY_CANDIDATES: readonly PtyCandidate[] = [
  { name: '@lydell/node-pty', load: () => import('@lydell/node-pty') },
  { name: SOURCE_BUILD, load: () => import(SOURCE_BUILD) },
];

function isPtyModule(m: unknown): m is PtyModule {
  return typeof m === 'object' && m !== null && typeof (m as { spawn?: unknown }).spawn === 'function';
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

function notInstalled(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && firstLine(e).includes(`'${SOURCE_BUILD}'`);
}

/** The first candidate that loads; otherwise one line saying why each failed and what to install. */
export async function loadPty(candidates: readonly PtyCandidate[] = PTY_CANDIDATES): Promise<PtyLoad> {
  const failures: string[] = [];
  for (const c of candidates) {
    try {
      const m = await c.load();
      if (isPtyModule(m)) return { ok: true, pty: m, from: c.name, skipped: failures };
      failures.push(`${c.name} has no spawn()`);
    } catch (e) {
      failures.push(c.name === SOURCE_BUILD && notInstalled(e) ? `${c.name} is not installed` : `${c.name}: ${firstLine(e)}`);
    }
  }
  return {
    ok: false,
    problem:
      `cannot load a PTY on ${process.platform}-${process.arch} (${failures.join('; ')}); ` +
      `build node-pty from source: cd ${/^[\w./-]+$/.test(LOOOP_ROOT) ? LOOOP_ROOT : shellQuote(LOOOP_ROOT)} && npm install --no-save node-pty (needs g++, make and python3)`,
  };
}
