// Internal modules exposed to the test suite and the benchmark (not a public API).
export * as fsio from './store/fsio.ts';
export * as envelope from './store/envelope.ts';
export * as entityStore from './store/entityStore.ts';
export * as processIdentity from './proc/processIdentity.ts';
export * as lease from './proc/lease.ts';
export * as pulseLock from './pulse/pulseLock.ts';
export * as paths from './paths.ts';
export * as ids from './ids.ts';
export { askMachine } from '../machines/ask.ts';
export { ASK_ENTITY } from './mailbox/askEntity.ts';
export { openDirWatch } from './watch/dirWatch.ts';
export { claimMachine } from '../machines/claim.ts';
export { CLAIM_ENTITY } from './claims/claimEntity.ts';
export { CLAIM_KIND, claimFile } from './claims/claimKind.ts';
export { listClaims } from './claims/claimRecords.ts';
export { reapStaleClaims, reapIfUnchanged } from './claims/reaper.ts';
export { fleetLiveness } from './claims/liveness.ts';
export { runClaim, runUnclaim, claimNotices } from './commands/claims.ts';
// The bundle's own XState, so tests restore snapshots with the copy that built the machines.
export { createActor } from 'xstate';
export { setup, assign } from 'xstate';
// Session engine (tests and the benchmark).
export { sessionMachine } from '../machines/session.ts';
export { SESSION_ENTITY } from './sessions/sessionEntity.ts';
export { SESSION_KIND, sessionFiles } from './sessions/sessionKind.ts';
export { listFleet, sessionAlive, readSession } from './sessions/fleet.ts';
export { deliver, requestName } from './sessions/inbox.ts';
export { MarkerScanner, leaderScript, drainAnswer } from './sessions/drainMarker.ts';
export { AnsiStripper } from './sessions/ansiText.ts';
export { DetachDetector } from './sessions/detachKey.ts';
export { pruneSessions, sweepWorkers, reapSession } from './sessions/reap.ts';
export { replayFrame } from './sessions/replay.ts';
export { substitutePrompt, launchLine, shellQuote } from './sessions/workerCommand.ts';
export { commandProgram, checkProgram } from './workers/program.ts';
// One reading policy for data-dir files, and terminal-safe text.
export * as dataFile from './store/dataFile.ts';
export * as terminalText from './terminalText.ts';
// The CLI's argv parser and the verbs it is driven by (the argv → options table).
export { parseCommandLine, parseVerbWords, normalizeArgv, specOf } from './cli/commandLine.ts';
export { buildProgram } from './cli/program.ts';
export { environmentProblem } from './cli/envErrors.ts';
// Mailbox ids and archive (tests and the benchmark).
export * as askIds from './mailbox/askIds.ts';
export * as revTokens from './store/revTokens.ts';
// The decider's move: the action schema, the run_shell tripwire, the decision file and the prompt.
export * as actions from './actions/action.ts';
export * as shellGuard from './actions/shellGuard.ts';
export * as decision from './decide/decision.ts';
export * as decidePrompt from './decide/prompt.ts';
export * as promptClip from './decide/clip.ts';
export * as decideRunner from './decide/runner.ts';
// Sensing and the world (issue 7 slice 1: domain modules, not yet wired into a beat).
export { senseAll, senseLimitsFromEnv, pruneSnapshots, userSensors, outcomeProblem } from './sensors/sense.ts';
export { runUserSensor, readTail, errorBlob } from './sensors/userSensor.ts';
export { declaredInterval } from './sensors/cadence.ts';
export { nodeSpawner } from './sensors/spawner.ts';
export { sysSessions, sysClaims, sysGoals, sysAsks, SYSTEM_SENSORS } from './sensors/systemSensors.ts';
export { worldView, snapshotSignal } from './world/view.ts';
export { contentHash, canonicalJson, wakeSignal } from './world/hash.ts';
export { diffWorld, renderChanges, parseWorldItems, clip } from './world/diff.ts';
// The pulse's beat machine, config and steering writes (issue 7, slice 1).
export { beatMachine } from '../machines/beat.ts';
export { beatContextProblem } from '../machines/beatTypes.ts';
export { BEAT_ENTITY } from './pulse/beatEntity.ts';
export { BEAT_KIND, beatFile } from './pulse/beatKind.ts';
export * as config from './config/config.ts';
export { seedLayout, SETUP_ASK_ID } from './steering/seed.ts';
export { executeSteering } from './steering/steer.ts';
export { journalLine, eventRecord } from './steering/trail.ts';
export { steeringPaths } from './steering/layout.ts';
export { openBeat, advanceBeat, readBeat } from './pulse/beatRecord.ts';
export * as runnerLabel from './config/runnerLabel.ts';
// Guards (issue 8 item 1, slice 2 "guards"): backoff, decide cap, noop TTL, flap ledger,
// next-wake nudge, last hash/world/failure/shell, run dirs, loop knobs, guard report.
export * as guards from './guards/index.ts';
// actions (issue 7 slice 2): the one action path, run_shell and its intent record, schedules.
export { executeAction, executeDecision, RUN_SHELL_NEXT_INTERVAL_S } from './actions/execute.ts';
export { readLastShell, runShellCommand, LAST_SHELL_FILE } from './actions/runShell.ts';
export { reportWalCorpses, writeIntent, clearIntent, fingerprint as walFingerprint, corpseMessage } from './actions/wal.ts';
export { nextScheduleDueMs, writeSchedule, dropSchedule, listSchedules, parseSchedule, scheduleReading } from './schedules/schedules.ts';
export { sysSchedules } from './sensors/systemSensors.ts';
export { shellCommandFromArgv } from './commands/run.ts';
export { recordMove, applySteering } from './steering/steer.ts';
// render (issue 7 slice 2): the pulse's log stream, the runner stream renderers and tee, the runner preflight.
export { createLog, jsonLine, humanLine, utcStamp, LOG_LEVELS } from './log/pulseLog.ts';
export { logFormatFromEnv, colorOn, liveOn } from './log/logEnv.ts';
export { fdWriter } from './log/fdWriter.ts';
export { clockStamp, inertLines, stripAnsi } from './log/lineLayout.ts';
export { renderRunnerLine, toolArgument, collapseWs } from './decide/streamRender.ts';
export { createTee, openRunTee, openFileSink, archiveText } from './decide/tee.ts';
export { runnerPreflight, preflightMessage } from './config/preflight.ts';
export { installAdvice, installHint } from './workers/program.ts';

// shape (issue 7 slice 2): the one watcher, for the pulse's sleep and the tests.
export { watchPaths, openChangeFeed, waitForChange } from './watch/pathWatch.ts';
export type { WatchTarget, PathWatch, PathWatchOptions, ChangeFeed } from './watch/pathWatch.ts';
export { waitForDirChange } from './watch/dirWatch.ts';
// The pulse (issue 7 slice 2): one beat, for the benchmark and tests that drive it in-process.
export { runBeat } from './pulse/beat.ts';
export { openSleeper, wakeTargets } from './pulse/wake.ts';
// verify (issue 8 item 3): judging ended workers' post-conditions, and reading the verdicts.
export { reconcileVerify, runVerifyCommand, nodeVerifySpawn, clipCmd, logVerify } from './workers/verify.ts';
export { readVerdict, verdictWord } from './workers/verdict.ts';
// cost (issue 8 item 5): the ledger, the stream meter, the budget breaker.
export * as cost from './cost/index.ts';
// completions and the manual (issue 9 items 3-4): the verbs as declared, for the drift tests.
export { GROUPS, ALIASES } from './cli/commandLine.ts';
export { manual, MANUAL_SECTIONS } from './cli/manual.ts';
export { completionModel, FIRST_ARG } from './cli/completions/model.ts';
