// The live ids a shell completes (`looop _complete <kind>`): names read from the data
// dir, without their suffixes. Only directory listings are read (and, for asks, the
// ask records), never followed through a symlink; anything odd is skipped, and any
// failure means no candidates: this output lands in someone's prompt.
import path from 'node:path';
import type { Dirent } from 'node:fs';
import { fs } from '../../nodeFs.ts';
import { idProblem } from '../../ids.ts';
import { resolvePaths, type Env, type Paths } from '../../paths.ts';
import { steeringPaths } from '../../steering/layout.ts';
import type { IdKind } from './model.ts';

/** Names a shell can insert as typed: no quoting, no globbing, no expansion. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,.~^-]+$/;
const MAX_CANDIDATES = 2000;

function entries(dir: string, want: 'file' | 'dir', suffix: string): string[] {
  let list: Dirent[];
  try {
    list = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const d of list) {
    if (want === 'file' ? !d.isFile() : !d.isDirectory()) continue;
    if (!d.name.endsWith(suffix)) continue;
    names.push(d.name.slice(0, d.name.length - suffix.length));
  }
  return names;
}

async function pendingAsks(paths: Paths, env: Env): Promise<string[]> {
  const { surveyAsks } = await import('../../mailbox/askSurvey.ts');
  const ctx = { paths, env, now: () => new Date(), warn: () => undefined, bin: '' };
  const survey = await surveyAsks(ctx, { repair: false });
  return survey.pending.map((e) => e.context.id);
}

async function namesOf(kind: IdKind, paths: Paths, env: Env): Promise<string[]> {
  const steering = steeringPaths(paths);
  switch (kind) {
    case 'asks':
      return pendingAsks(paths, env);
    case 'sessions':
      return entries(paths.sessions, 'dir', '');
    case 'goals':
      return entries(steering.goals, 'file', '.md');
    case 'sensors':
      return entries(steering.sensors, 'file', '.sh');
    case 'schedules':
      return entries(steering.schedules, 'file', '.json');
    case 'claims':
      return entries(paths.claims, 'file', '.json');
  }
}

/** The candidates for `kind`, sorted; [] on any problem (missing dir, HOME unset, junk). */
export async function liveIds(kind: IdKind, env: Env, cwd: string): Promise<string[]> {
  try {
    const paths = resolvePaths(env, cwd);
    if (!fs.statSync(path.join(paths.dataDir), { throwIfNoEntry: false })?.isDirectory()) return [];
    const names = await namesOf(kind, paths, env);
    const ok = names.filter((n) => idProblem(n) === null && SHELL_SAFE.test(n));
    return [...new Set(ok)].sort().slice(0, MAX_CANDIDATES);
  } catch {
    return [];
  }
}
