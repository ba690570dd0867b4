// `looop help`: one narrative a newcomer can learn the system from, then the verbs
// with every flag (spec/manual.test.mjs keeps both in step with the cac declarations
// and the README's environment table), then the paths this shell would use.
import { resolvePaths, type Env } from '../paths.ts';
import { neutralize } from '../terminalText.ts';

export const VERSION = '0.1.0';

const NARRATIVE = `THE IDEA
  looop keeps work moving while you are away. The judgment runs inside it: the pulse
  reads your goals and PLAYBOOK, looks at the world through sensors, and makes one move
  at a time. The hands are workers: agents (claude, codex, opencode, pi, any command)
  running in detached terminal sessions. You are a peer, not an operator: you steer by
  writing goals and the PLAYBOOK, and you answer the questions workers ask. Everything
  is plain files in one data dir; processes coordinate by watching directories, so there
  is no server and no database, and every file can be read, edited or \`git init\`ed.

    judgment  the pulse       one decision per beat (tick_command in config.json)
    hands     workers         agents in PTY sessions (worker_command)
    interface a client        you in a terminal, a script, or an agent acting for you
    memory    the data dir    goals, PLAYBOOK, asks, answers, journal, sessions

HOW IT RUNS
  Write a goal (\`looop goal write ship "…"\`), start the loop with \`looop up\`, and follow
  it with \`looop log pulse --follow\`. \`looop down\` stops the pulse and every worker.
  \`npm run demo\` shows a whole round with a built-in demo runner.

ONE BEAT
  1. Sense: run sensors/*.sh in parallel (each with a deadline and an output cap; a
     \`# looop:interval=<secs>\` line slows one down) plus the built-in sys-* sensors.
  2. Skip: hash the world (PLAYBOOK, goals, each sensor's \`signal\`). Unchanged since the
     last decision: no AI call. Put what should wake the loop under \`signal\`, volatile
     values under \`detail\`.
  3. Guard: a backoff after failed decides, an hourly decide cap, a daily spend budget,
     the live worker cap, sensors that flap every beat. \`looop state\` says what holds
     the loop back.
  4. Decide: run tick_command on a prompt (PLAYBOOK, goals, readings, asks, journal);
     it writes ONE move to .decision.json: noop, run_shell, write_goal, archive_goal,
     write_sensor, write_playbook, start_worker, kill_worker, write_schedule,
     drop_schedule.
  5. Act and record: the move goes through the same path as the CLI's verbs and adds one
     line to journal.md (one JSON record per event goes to events.jsonl).
  Then sleep until the interval, unless something wakes it first: a goal or PLAYBOOK
  edit, a new or answered ask, a worker starting or ending, a schedule falling due.
  One pulse per data dir (a lock); a killed beat is reported by the next, never re-run.

THE CLIENT CONTRACT (how you, a script, or an agent acting for you stay in the loop)
  Subscribe: \`looop wait --json\` blocks until something changes and prints the state
    with a "changed" list; \`--only-asks\` or \`--actionable\` narrow what wakes it. It
    returns at once while an ask is pending, and exits 2 when the pulse is down. Two
    traps when re-arming it in a loop: after exit 2 do not re-arm blindly (bring the
    pulse up or stop), and an ask you are deliberately holding returns at once every
    time (answer it, or stop waiting on asks).
  Read: \`looop state --json\` (pulse, held_back, asks, workers, goals, snapshots,
    journal) and \`looop asks --json\` (the questions, with ref and options).
  Answer: \`looop answer <ask-id> "text"\` (or \`-\` / no text to read stdin), or write
    answers/<ask-id>.txt yourself. The first answer wins; \`--force\` replaces it. Read
    the ref file first; never answer an irreversible question on someone's behalf;
    never kill a worker that is waiting on you. An answer to an ask whose worker is
    gone is recorded, and looop says nobody will read it.
  Steer: goal write/archive, playbook write, sensor write, schedule write/rm, and
    \`looop tell <worker> "…"\` for one live worker.
  Peek: \`looop worker list\` (health: busy, waiting-ask, stuck; ended: done, failed,
    killed, dead), \`looop screenshot <id>\`, \`looop log <id>\`, \`looop attach <id>\`.
  A notifier is a shell loop: \`while looop wait --only-asks --json; do …; done\`.

THE WORKER CONTRACT (prepended to every worker's brief in prompts/<id>.md)
  A worker runs in the data dir with LOOOP_SESSION_ID set and "$LOOOP_BIN" pointing at
  looop. It asks instead of guessing (\`answer=$("$LOOOP_BIN" ask --prompt "…")\`
  blocks and prints only the answer), reads steering with \`told\` between steps, takes
  a claim before shared work and releases it, writes deliverables to reports/, never
  writes PLAYBOOK.md, goals/ or sensors/, records its spend with \`cost session\`, and
  ends its own session with \`kill <its id>\` when done, never while waiting.

THE DATA DIR (one dir, 0700; files 0600; ids are one path segment)
  asks/<worker>-<n>.json     a question; answers/<ask-id>.json|.txt|.md its answer
  tells/, claims/<name>.json steering messages; leases
  sessions/<id>/             one worker: session.json, output.log, screen.final.json
  prompts/<id>.md, reports/  a worker's brief; what workers deliver to you
  PLAYBOOK.md, goals/<id>.md the policy and the outcomes (yours to edit)
  sensors/<name>.sh          scripts the pulse runs; snapshots/<name>.json their readings
  schedules/<name>.json      durable wake-ups
  journal.md, events.jsonl   one line per move; one JSON record per event
  runs/<run_id>/, beat.json  each decide's prompt and output; what the pulse is doing
  cost.jsonl                 what the AI calls cost
  config.json                tick_command, worker_command, interval, max_next_interval,
                             session_ttl, max_daily_usd

ANSWER FILES (for humans and editors)
  answers/<ask-id>.txt or .md   the whole file is the answer; it counts once it is
                                non-blank and unchanged for 200 ms (LOOOP_ANSWER_SETTLE_MS)
  answers/<ask-id>.json         {"answer": "…"} (or {"text": "…"}); counts once it parses`;

// Each line starts with the verb; alternatives are split by " / "; flags belong to their line's verb.
const VERBS = `VERBS
  up [--json]                 start the pulse in session \`pulse\`; returns once it holds
                              its lock (--json: the pulse logs JSON lines)
  down                        stop the pulse, then every live worker
  pulse                       the loop in the foreground (what \`up\` runs)
  state [--json]              a snapshot of the world
  wait [--json] [--actionable|--only-asks]   block until something changes (exit 2: pulse down)
  asks [--json] [--all]       the asks waiting for a human; --all: every ask, with its state
  answer <ask> [text|-] [--force]   answer an ask (- or no text reads stdin)
  ask [worker] --prompt P [--ref R] [--options a,b]   block until answered; print the answer
  tell <worker> <msg…>        steer a live worker / told [worker]   print and consume them
  goal write <id> [body…|-] [--journal T] / goal archive <id> [--journal T]
  sensor write <name> [script…|-] [--journal T]   sensors/<name>.sh, executable
  playbook write [body…|-] [--journal T]   the old PLAYBOOK is kept in playbook.d/
  schedule write <name> (--in S | --every S) [--note T] [--journal T]
  schedule rm <name> [--journal T] / schedule list [--json]
  run [--reason T] [--journal T] <cmd…>   one run_shell move (deny-list, deadline)
  worker start <id> [prompt…|-] [--command C] [--verify C] / start-session <id> <prompt> [runner]
  worker list [--json] [-a|--all] [-w|--watch] [--interval S]   (\`worker ls\` / \`w ls\`)
  worker kill <id> / kill <id>   end the session's whole process group
  screenshot <id> [--plain|--ansi|--json] [--no-trim]   the screen (alias: ss)
  log <id> [--tail N] [-f|--follow] [--raw]   the transcript, escapes stripped unless --raw
  attach <id>                 interactive; press Ctrl-\\ twice to detach
  send <id> <text…> [-n|--no-newline]   type into a session
  claim <name> [--session ID] / unclaim <name> [--session ID]   leases
  cost [today|all] [--json] / cost session <id> <runner> <usd>   spend
  config bash|zsh|fish        print a completion script: eval "$(looop config bash)"
  init [--runner R] [--tick-command C] [--worker-command C] [--force]   choose the runner,
                              write config.json (a wizard on a terminal)
  watch [<id>] [-a|--all] [-s|--since D]   full-screen, read-only view: j/k or click
                              select, PgUp/wheel scroll back, G live, q quits
  mcp                         serve these verbs as MCP tools on stdio (for agents)
  version / help [verb|group]
  Shorthands: w = worker, ss = screenshot, \`w ls\`, \`goal w\`; \`looop _ <verb>\` = \`looop <verb>\`.
  \`looop <verb> --help\` shows one verb with its examples.

TEXT AND FLAGS
  Words and flag values arrive exactly as typed (007 stays 007, a leading space stays).
  \`--\` ends the options: \`looop answer -- -r-1 yes\`. \`-1\` is a word; \`tell\` takes
  dash-leading words as text, and \`run\` passes its command's own flags through (put
  --reason and --journal first). Ids are at most 200 bytes, worker ids 183.

EXIT CODES
  0 ok · 1 error or refusal (one \`looop: …\` line naming the file or id, and what to run
  next) · 2 \`wait\` woke because the pulse is down, or $HOME is unset`;

// Kept in step with the README's environment table by spec/manual.test.mjs.
const ENVIRONMENT = `ENVIRONMENT
  LOOOP_DATA_DIR, LOOOP_CONFIG   the data dir and the config file (see PATHS)
  LOOOP_SESSION_ID         the default worker id of ask, told, claim, unclaim (set in workers)
  LOOOP_ASK_TIMEOUT_S      give up a blocked ask after this many seconds (default: never)
  LOOOP_ANSWER_SETTLE_MS   how long a text answer file must be still (200)
  LOOOP_WATCH=poll         poll instead of watching (network filesystems); LOOOP_POLL_MS (100)
  LOOOP_RESCAN_MS          the safety rescan behind watch events (2000)
  LOOOP_MAX_WORKERS        live worker cap (8; 0 = none)
  LOOOP_WORKER_STUCK_SECS  silence after which a worker is stuck (900)
  LOOOP_HOST_NODE_FLAGS    node flags for session hosts (--v8-pool-size=1)
  LOOOP_START_WATCH_MS     how long worker start watches for an early end (1000; 0 = off)
  LOOOP_LEASE_TTL_MS       tests only: lease lifetime (60000)
  LOOOP_JOURNAL_MAX_BYTES, LOOOP_EVENTS_MAX_BYTES   roll-over size (5 MiB; 0 = never)
  LOOOP_PLAYBOOK_KEEP      playbook.d/ generations kept (20; 0 = all)
  LOOOP_SHELL_TIMEOUT_SECS   run_shell deadline (300; 0 = none)
  LOOOP_VERIFY_TIMEOUT_SECS  one verify command's deadline (60; 0 = none)
  LOOOP_VERIFY_BEAT_BUDGET_SECS   time a beat spends on verify commands (120)
  LOOOP_SHELL_ALLOW_DANGEROUS=1   turn the run_shell deny-list off
  LOOOP_INTERVAL           seconds between beats when nothing wakes the pulse (config, 60)
  LOOOP_MAX_NEXT_INTERVAL  cap on the decider's next_interval_s (config, 300)
  LOOOP_TICK_TIMEOUT_SECS  the decider's deadline (1800; 0 = none)
  LOOOP_SENSOR_TIMEOUT, LOOOP_SENSOR_MAX_BYTES   a sensor's deadline (60 s) and output cap (8192)
  LOOOP_MAX_DECIDES_PER_HOUR   decide attempts per rolling hour (120; 0 = no cap)
  LOOOP_NOOP_TTL           re-decide an unchanged world after this long (21600 s; 0 = never)
  LOOOP_FLAP_STREAK        changing beats in a row before a sensor is flapping (5; 0 = off)
  LOOOP_RUNS_KEEP          runs/<run_id>/ dirs kept (50; 0 = all)
  LOOOP_PROMPT_MAX_BYTES   the decide prompt's budget (262144; 0 = none)
  LOOOP_LOG_FORMAT=json    the pulse logs JSON lines
  LOOOP_MAX_DAILY_USD      daily budget for the pulse's AI calls (10; 0 = off)
  LOOOP_NOTIFY_TIMEOUT_SECS   a notify_command's deadline (30)
  LOOOP_MCP_PROGRESS_MS    progress notifications of a waiting MCP ask (15000; 0 = never)
  NO_COLOR                 no colours
  looop exports LOOOP_BIN, LOOOP_DATA_DIR, LOOOP_CONFIG, LOOOP_CLAIMS_DIR and
  LOOOP_REPORTS_DIR to everything it starts.`;

function pathsBlock(env: Env, cwd: string): string {
  try {
    const p = resolvePaths(env, cwd);
    return `PATHS (here; override with LOOOP_DATA_DIR / LOOOP_CONFIG)
  config    ${neutralize(p.configPath)}
  data      ${neutralize(p.dataDir)}
  sessions  ${neutralize(p.sessions)}`;
  } catch {
    return `PATHS
  $HOME is not set: give LOOOP_DATA_DIR (default \${XDG_STATE_HOME:-~/.local/state}/looop)`;
  }
}

export function manual(env: Env = process.env, cwd: string = process.cwd()): string {
  return [`looop ${VERSION} — a control loop for agent-driven work`, NARRATIVE, VERBS, ENVIRONMENT, pathsBlock(env, cwd)].join('\n\n') + '\n';
}

/** The sections, for the drift tests. */
export const MANUAL_SECTIONS = { narrative: NARRATIVE, verbs: VERBS, environment: ENVIRONMENT } as const;
