// held(session) → released | reaped, and a released or reaped claim can be taken again.
// Flat and timer-free: a lease lives as long as its holder does, not for a TTL.
// The guards are the last line of defence: whatever a caller decides, a held claim
// never changes hands without first being released or reaped, and a release or reap
// judged against one holder never lands on another.
import { assign, setup } from 'xstate';
import type { ClaimContext, ClaimEvent, ClaimInput, PreviousTenancy } from './claimTypes.ts';

export const CLAIM_MACHINE_VERSION = 1;

function previousOf(c: ClaimContext): PreviousTenancy | null {
  if (c.reapedAt !== null) return { holder: c.holder, ended: 'reaped', at: c.reapedAt };
  if (c.releasedAt !== null) return { holder: c.holder, ended: 'released', at: c.releasedAt };
  return null;
}

export const claimMachine = setup({
  types: {
    context: {} as ClaimContext,
    events: {} as ClaimEvent,
    input: {} as ClaimInput,
  },
  guards: {
    byHolder: ({ context, event }) => event.type === 'CLAIM' && event.session === context.holder,
    judgedHolder: ({ context, event }) => (event.type === 'RELEASE' || event.type === 'REAP') && event.holder === context.holder,
  },
  actions: {
    acquire: assign(({ context, event }) => {
      if (event.type !== 'CLAIM') return {};
      return {
        holder: event.session,
        nonce: event.nonce,
        since: event.at,
        ts: event.ts,
        releasedAt: null,
        releasedBy: null,
        reapedAt: null,
        previous: previousOf(context),
      };
    }),
    refresh: assign(({ event }) => (event.type === 'CLAIM' ? { nonce: event.nonce, ts: event.ts } : {})),
    release: assign(({ event }) => (event.type === 'RELEASE' ? { releasedAt: event.at, releasedBy: event.by } : {})),
    reap: assign(({ event }) => (event.type === 'REAP' ? { reapedAt: event.at } : {})),
  },
}).createMachine({
  id: 'claim',
  initial: 'held',
  context: ({ input }) => ({
    name: input.name,
    holder: input.session,
    nonce: input.nonce,
    since: input.at,
    ts: input.ts,
    releasedAt: null,
    releasedBy: null,
    reapedAt: null,
    previous: null,
  }),
  states: {
    held: {
      on: {
        // Only the holder may re-claim (a refresh with new bytes); anyone else must reap first.
        CLAIM: { guard: 'byHolder', actions: 'refresh' },
        RELEASE: { guard: 'judgedHolder', target: 'released', actions: 'release' },
        REAP: { guard: 'judgedHolder', target: 'reaped', actions: 'reap' },
      },
    },
    released: {
      on: { CLAIM: { target: 'held', actions: 'acquire' } },
    },
    reaped: {
      on: { CLAIM: { target: 'held', actions: 'acquire' } },
    },
  },
});
