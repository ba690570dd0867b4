export const VERSION = '0.1.0';

export function manual(): string {
  return `looop ${VERSION} — a control loop for agent-driven work

THE IDEA
  Agents (claude, codex, opencode, pi, anything) run as workers in detached PTY
  sessions. When a worker needs a human it blocks on \`looop ask\`; a human answers
  with \`looop answer\` or by writing the answer file by hand. Workers take claims
  (leases) on shared work. Everything is plain files in one data dir, and every
  process coordinates by watching directories: no server, no database.

  The pulse is the loop. Each beat it runs the sensors, hashes the world (PLAYBOOK,
  goals, each snapshot's signal) and, only when something changed, asks the decider
  (tick_command) for ONE move, which it carries out and journals. It sleeps until its
  interval, but a goal or PLAYBOOK edit, a new or answered ask, or a worker ending
  wakes it at once. \`npm run demo\` shows a whole round with a built-in demo runner.

THE LOOP
  up [--json]           start the pulse in session \`pulse\`; returns once it holds
                        its lock; a second \`up\` names the running one
  down                  stop the pulse, then every live worker
  pulse                 the loop in the foreground (Ctrl-C: finish the beat, stop)
  run [--reason T] [--journal T] <cmd…>   one run_shell move (deny-list, deadline)
  schedule write <name> (--in S | --every S) [--note T] / schedule rm <name>
  schedule list [--json]   durable wake-ups the decider sees in sys-schedules

MAILBOX
  ask [worker] --prompt P [--ref R] [--options a,b]
                        block until answered; prints ONLY the answer (steering first
                        when tells are pending). Worker defaults to $LOOOP_SESSION_ID.
  answer <ask> [text|-] [--force]
                        answer a pending ask (- or nothing reads stdin); one answer
                        wins, --force overwrites
  asks [--json] [--all] the asks waiting for a human; --all lists every ask, archived
                        ones too, with its state
  state [--json]        pulse, asks, workers, goals, snapshots, journal
  wait [--json] [--actionable|--only-asks]
                        block until something changes; returns at once while an ask
                        is pending; exit 2 when the pulse is down
  tell <worker> <msg…>  steer a live worker (read by \`told\`, or with its next answer)
  told [worker]         print and consume pending steering messages

WORKERS
  worker                lists the worker subcommands
  worker start <id> [prompt|-] [--command C] [--verify C]   (alias: start-session)
  worker kill <id> | kill <id>      end the whole process group
  worker list [--json] [-a|--all] [-w|--watch]              (\`worker ls\` / \`w ls\`)
  send <id> <text…> [-n|--no-newline]
  screenshot <id> [--plain|--ansi|--json] [--no-trim]       (alias: ss)
  watch [<id>] [-a|--all] [-s|--since D]   full-screen, read-only view; q quits
  attach <id>           interactive view; Ctrl-\\ twice detaches
  log <id> [--tail N] [--follow] [--raw]   text (escapes stripped) unless --raw
  claim <name> [--session ID] / unclaim <name> [--session ID]

STEERING (the policy the pulse decides by; each move adds a journal.md line)
  goal write <id> [body…|-] [--journal T]    goals/<id>.md (- or nothing reads stdin)
  goal archive <id> [--journal T]            into goals/archive/, never overwriting
  sensor write <name> [script…|-] [--journal T]   sensors/<name>.sh, executable
  playbook write [body…|-] [--journal T]     PLAYBOOK.md; the old one kept in playbook.d/

ANSWER FILES (for humans and editors)
  answers/<ask-id>.txt or .md   the whole file is the answer; it counts once it is
                                non-blank and unchanged for 200 ms (LOOOP_ANSWER_SETTLE_MS)
  answers/<ask-id>.json         {"answer": "…"} (or {"text": "…"}); counts once it parses

EXIT CODES
  0 ok · 1 error or refusal (one \`looop: …\` line naming the file or id, and what
  to run next) · 2 \`wait\` woke because the pulse is down, or $HOME is unset

ENVIRONMENT
  LOOOP_DATA_DIR   data dir (default \${XDG_STATE_HOME:-~/.local/state}/looop)
  LOOOP_CONFIG     config file (default <data dir>/config.json)
  LOOOP_ASK_TIMEOUT_S   give up a blocked ask after this many seconds (default: never)
  LOOOP_WATCH=poll      poll instead of watching (network filesystems)
  LOOOP_INTERVAL        seconds between beats when nothing wakes the pulse sooner
  LOOOP_TICK_TIMEOUT_SECS   the decider's deadline (1800)
  LOOOP_LOG_FORMAT=json the pulse logs JSON lines
  NO_COLOR              no colours

TEXT AND FLAGS
  Words and flag values arrive exactly as typed (007 stays 007, a leading space stays).
  \`--\` ends the options: \`looop answer -- -r-1 yes\`. \`-1\` is a word; \`tell\` takes
  dash-leading words as text. Ids are at most 200 bytes, worker ids at most 183.

\`looop _ <verb> …\` is the same as \`looop <verb> …\`. \`looop <verb> --help\` shows one verb;
\`looop -v\` the version.
`;
}
