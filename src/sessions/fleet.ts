// PLACEHOLDER until the session engine lands: the fleet is read from sessions/.
import type { Ctx } from '../context.ts';

export type SessionStateName = 'starting' | 'running' | 'exited' | 'killed' | 'dead';

export interface SessionInfo {
  readonly id: string;
  readonly state: SessionStateName;
  readonly alive: boolean;
  readonly exitCode: number | null;
  readonly startedAt: string | null;
  readonly lastChange: string | null;
}

export function listFleet(_ctx: Ctx): SessionInfo[] {
  return [];
}

export function sessionAlive(_ctx: Ctx, _id: string): boolean {
  return false;
}
