import path from 'node:path';
import { LooopError } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Paths {
  readonly dataDir: string;
  readonly configPath: string;
  readonly asks: string;
  readonly answers: string;
  readonly tells: string;
  readonly claims: string;
  readonly sessions: string;
  readonly prompts: string;
  readonly reports: string;
  readonly lockDir: string;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Resolves the data dir and config path the way every looop process must agree on. */
export function resolvePaths(env: Env, cwd: string): Paths {
  let dataDir = nonEmpty(env.LOOOP_DATA_DIR);
  if (dataDir === undefined) {
    let stateHome = nonEmpty(env.XDG_STATE_HOME);
    if (stateHome === undefined) {
      const home = nonEmpty(env.HOME);
      if (home === undefined) {
        throw new LooopError('HOME_UNSET', '$HOME is not set', {
          hint: 'set HOME, or point LOOOP_DATA_DIR (and XDG_STATE_HOME) at explicit paths',
          exitCode: 2,
        });
      }
      stateHome = path.join(home, '.local', 'state');
    }
    dataDir = path.join(stateHome, 'looop');
  }
  dataDir = path.resolve(cwd, dataDir);
  const configPath = path.resolve(cwd, nonEmpty(env.LOOOP_CONFIG) ?? path.join(dataDir, 'config.json'));
  return {
    dataDir,
    configPath,
    asks: path.join(dataDir, 'asks'),
    answers: path.join(dataDir, 'answers'),
    tells: path.join(dataDir, 'tells'),
    claims: path.join(dataDir, 'claims'),
    sessions: path.join(dataDir, 'sessions'),
    prompts: path.join(dataDir, 'prompts'),
    reports: path.join(dataDir, 'reports'),
    lockDir: path.join(dataDir, '.lock'),
  };
}

/** The variables every looop process exports so sensors, workers and re-invocations agree. */
export function exportedEnv(paths: Paths, bin: string): Record<string, string> {
  return {
    LOOOP_BIN: bin,
    LOOOP_DATA_DIR: paths.dataDir,
    LOOOP_CONFIG: paths.configPath,
    LOOOP_CLAIMS_DIR: paths.claims,
    LOOOP_REPORTS_DIR: paths.reports,
  };
}
