// starting → running → exited(code) | killed | dead. Flat and timer-free: the
// host is the clock (it reports what the child did); `dead` is written by
// whoever first observes that the host vanished without a final record.
import { assign, setup } from 'xstate';
import type { SessionContext, SessionEvent, SessionInput } from './sessionTypes.ts';

export const SESSION_MACHINE_VERSION = 1;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  actions: {
    recordSpawn: assign(({ event }) =>
      event.type === 'SPAWNED' ? { host: event.host, child: event.child, startedAt: event.at } : {},
    ),
    recordSpawnFailure: assign(({ event }) =>
      event.type === 'SPAWN_FAILED' ? { endedAt: event.at, reason: event.reason, exitCode: null } : {},
    ),
    recordResize: assign(({ event }) => (event.type === 'RESIZED' ? { cols: event.cols, rows: event.rows } : {})),
    recordExit: assign(({ event }) =>
      event.type === 'EXITED' ? { exitCode: event.code, signal: event.signal, endedAt: event.at } : {},
    ),
    recordKill: assign(({ event }) =>
      event.type === 'KILLED' ? { exitCode: null, signal: event.signal, escalated: event.escalated, endedAt: event.at } : {},
    ),
    recordVanish: assign(({ event }) => (event.type === 'VANISHED' ? { endedAt: event.at, reason: event.reason } : {})),
  },
}).createMachine({
  id: 'session',
  initial: 'starting',
  context: ({ input }) => ({
    ...input,
    host: null,
    child: null,
    startedAt: null,
    exitCode: null,
    signal: null,
    escalated: false,
    endedAt: null,
    reason: null,
  }),
  states: {
    starting: {
      on: {
        SPAWNED: { target: 'running', actions: 'recordSpawn' },
        // A session is never left in `starting`: a failed spawn is a finished session.
        SPAWN_FAILED: { target: 'exited', actions: 'recordSpawnFailure' },
        KILLED: { target: 'killed', actions: 'recordKill' },
        VANISHED: { target: 'dead', actions: 'recordVanish' },
      },
    },
    running: {
      on: {
        RESIZED: { actions: 'recordResize' },
        EXITED: { target: 'exited', actions: 'recordExit' },
        KILLED: { target: 'killed', actions: 'recordKill' },
        VANISHED: { target: 'dead', actions: 'recordVanish' },
      },
    },
    exited: { type: 'final' },
    killed: { type: 'final' },
    dead: {
      // The host is gone, but children that ignored the hangup may still run;
      // killing them directly is recorded as a kill.
      on: { KILLED: { target: 'killed', actions: 'recordKill' } },
    },
  },
});
