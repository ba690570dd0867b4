// Spend (issue 8 item 5): the cost.jsonl ledger, metering of the decider's stream, the
// daily budget breaker, and the `looop cost` summary.
export * from './usd.ts';
export * from './costSpec.ts';
export * from './meter.ts';
export * from './ledger.ts';
export * from './summary.ts';
export * from './budget.ts';
export * from './today.ts';
