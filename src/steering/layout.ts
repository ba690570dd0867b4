// Where the pulse's policy lives in the data dir: PLAYBOOK, goals, sensors, and the
// two append-only trails (journal.md for humans, events.jsonl for tools).
import path from 'node:path';
import type { Paths } from '../paths.ts';

export interface SteeringPaths {
  readonly playbook: string;
  readonly playbookHistory: string;
  readonly goals: string;
  readonly goalsArchive: string;
  readonly sensors: string;
  readonly snapshots: string;
  readonly runs: string;
  readonly schedules: string;
  readonly journal: string;
  readonly events: string;
  readonly goalActivity: string;
  readonly gitignore: string;
}

export function steeringPaths(paths: Paths): SteeringPaths {
  const at = (...p: string[]): string => path.join(paths.dataDir, ...p);
  return {
    playbook: at('PLAYBOOK.md'),
    playbookHistory: at('playbook.d'),
    goals: at('goals'),
    goalsArchive: at('goals', 'archive'),
    sensors: at('sensors'),
    snapshots: at('snapshots'),
    runs: at('runs'),
    schedules: at('schedules'),
    journal: at('journal.md'),
    events: at('events.jsonl'),
    goalActivity: at('.goal-activity.json'),
    gitignore: at('.gitignore'),
  };
}

export function goalFile(paths: Paths, id: string): string {
  return path.join(steeringPaths(paths).goals, `${id}.md`);
}

export function sensorFile(paths: Paths, name: string): string {
  return path.join(steeringPaths(paths).sensors, `${name}.sh`);
}
