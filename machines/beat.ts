// One beat of the pulse: idle → sensing → (deciding → committing |) idle.
// Flat and timer-free: the interval, deadlines and backoff are the pulse's clock, not
// the machine's. The record outlives the process, so a pulse killed mid-beat leaves a
// non-idle record; the next pulse ADOPTs it, which records the interruption for one
// report (never a silent re-run) and returns to idle.
import { assign, setup } from 'xstate';
import type { BeatContext, BeatEvent, BeatInput, BeatPhase } from './beatTypes.ts';

export const BEAT_MACHINE_VERSION = 1;

export const beatMachine = setup({
  types: {
    context: {} as BeatContext,
    events: {} as BeatEvent,
    input: {} as BeatInput,
  },
  actions: {
    enter: assign({ phaseSince: ({ event }) => event.at }),
    sensed: assign({ worldHash: ({ event, context }) => (event.type === 'SENSED' ? event.worldHash : context.worldHash) }),
    skipped: assign({
      runId: null,
      lastOutcome: ({ event }) => (event.type === 'SKIP' ? `skipped: ${event.reason}` : null),
    }),
    startRun: assign({ runId: ({ event, context }) => (event.type === 'DECIDE' ? event.runId : context.runId) }),
    decided: assign({
      lastDecision: ({ event, context }) =>
        event.type === 'DECIDED' && context.runId !== null ? { runId: context.runId, action: event.action, summary: event.summary, at: event.at } : context.lastDecision,
    }),
    // Only a move that was carried out clears the failure count: a decision whose
    // execution fails is still a failed beat.
    committed: assign({ runId: null, failures: 0, lastOutcome: null }),
    failed: assign({
      failures: ({ context }) => context.failures + 1,
      lastOutcome: ({ event }) => (event.type === 'FAIL' ? `failed: ${event.reason}` : null),
      runId: null,
    }),
    adoptIdle: assign({ pid: ({ event, context }) => (event.type === 'ADOPT' ? event.pid : context.pid) }),
    reported: assign({ interrupted: null }),
    interrupt: assign(({ context, event }, params: { phase: BeatPhase }) =>
      event.type === 'ADOPT'
        ? { interrupted: { phase: params.phase, runId: context.runId, pid: context.pid, at: event.at }, pid: event.pid, runId: null, phaseSince: event.at }
        : {},
    ),
  },
}).createMachine({
  id: 'beat',
  initial: 'idle',
  context: ({ input }) => ({
    pid: input.pid,
    runId: null,
    phaseSince: input.at,
    worldHash: null,
    failures: 0,
    lastDecision: null,
    interrupted: null,
    lastOutcome: null,
  }),
  states: {
    idle: {
      on: {
        SENSE: { target: 'sensing', actions: 'enter' },
        ADOPT: { actions: 'adoptIdle' },
        REPORTED: { actions: 'reported' },
      },
    },
    sensing: {
      on: {
        SENSED: { actions: 'sensed' },
        SKIP: { target: 'idle', actions: ['skipped', 'enter'] },
        DECIDE: { target: 'deciding', actions: ['startRun', 'enter'] },
        FAIL: { target: 'idle', actions: ['failed', 'enter'] },
        ADOPT: { target: 'idle', actions: { type: 'interrupt', params: { phase: 'sensing' } } },
      },
    },
    deciding: {
      on: {
        // The pulse was told to stop and cut its own decide short: not a failure.
        SKIP: { target: 'idle', actions: ['skipped', 'enter'] },
        DECIDED: { target: 'committing', actions: ['decided', 'enter'] },
        FAIL: { target: 'idle', actions: ['failed', 'enter'] },
        ADOPT: { target: 'idle', actions: { type: 'interrupt', params: { phase: 'deciding' } } },
      },
    },
    committing: {
      on: {
        COMMITTED: { target: 'idle', actions: ['committed', 'enter'] },
        FAIL: { target: 'idle', actions: ['failed', 'enter'] },
        ADOPT: { target: 'idle', actions: { type: 'interrupt', params: { phase: 'committing' } } },
      },
    },
  },
});
