// pending → answered → delivered, and pending|answered → stranded when the asker is
// gone (an answered ask whose asker died will never be delivered).
// Flat and timer-free: LOOOP_ASK_TIMEOUT_S is a deadline the blocked `ask` keeps.
import { assign, setup } from 'xstate';
import type { AskContext, AskEvent, AskInput } from './askTypes.ts';

export const ASK_MACHINE_VERSION = 1;

export const askMachine = setup({
  types: {
    context: {} as AskContext,
    events: {} as AskEvent,
    input: {} as AskInput,
  },
  actions: {
    recordAnswer: assign({
      answer: ({ event }) => (event.type === 'ANSWER' ? { file: event.file, at: event.at } : null),
    }),
    recordDelivery: assign({
      deliveredAt: ({ event }) => (event.type === 'DELIVER' ? event.at : null),
    }),
    recordStrand: assign({
      stranded: ({ event }) => (event.type === 'STRAND' ? { at: event.at, reason: event.reason } : null),
    }),
  },
}).createMachine({
  id: 'ask',
  initial: 'pending',
  context: ({ input }) => ({ ...input, answer: null, deliveredAt: null, stranded: null }),
  states: {
    pending: {
      on: {
        ANSWER: { target: 'answered', actions: 'recordAnswer' },
        STRAND: { target: 'stranded', actions: 'recordStrand' },
      },
    },
    answered: {
      on: {
        // `answer --force` replaces an answer nobody has read yet.
        ANSWER: { actions: 'recordAnswer' },
        DELIVER: { target: 'delivered', actions: 'recordDelivery' },
        STRAND: { target: 'stranded', actions: 'recordStrand' },
      },
    },
    delivered: { type: 'final' },
    stranded: {
      // Nobody will read it, but the record keeps what the human said.
      on: { ANSWER: { actions: 'recordAnswer' } },
    },
  },
});
