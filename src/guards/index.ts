// The pulse's guards (issue 8 item 1): each a pure function of files in the data dir
// plus an injected `now`, so every one survives a restart.
export * from './guardFile.ts';
export * from './knobs.ts';
export * from './backoff.ts';
export * from './decideLedger.ts';
export * from './noopTtl.ts';
export * from './flap.ts';
export * from './nextWake.ts';
export * from './lastHash.ts';
export * from './lastFailure.ts';
export * from './runs.ts';
export * from './report.ts';
