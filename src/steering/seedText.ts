// What a fresh data dir starts with. Our own words: a starter PLAYBOOK that keeps the
// decider quiet until a human has said what the work is, a setup goal that says how
// to say it, and one daily goal that keeps the PLAYBOOK improving.

export const STARTER_PLAYBOOK = `# PLAYBOOK (starter: not customized yet)

Every beat, looop shows you (the decider) the world: this file, the goals, the
sensor snapshots, the asks and the workers. You answer with exactly one JSON action.

## What matters, in order
1. SETUP. While the ask \`setup-1\` is pending, this data dir has no real policy
   yet: answer \`noop\` with a short journal line, and nothing else, until real
   goals, sensors and a real PLAYBOOK exist. Delete this priority when you
   rewrite this file.
2. Goals whose situation changed since the last beat.
3. Recurring goals that are due today (the \`today\` sensor gives the date).
4. Nothing to do: \`noop\`.

## Moves you have
- Keep the policy tidy: write or archive goals, write sensors, rewrite this file.
- \`run_shell\`: one short command that can be undone.
- \`start_worker\`: the id is the goal's file name (add the date, \`name-YYYYMMDD\`,
  for a recurring goal). A worker does the real work, keeps code changes in its own
  git worktree, and when it needs a person it runs \`looop ask\` and waits.
- \`noop\`, with a journal line that says why.

## Never
- Do anything that cannot be undone yourself. Start a worker that prepares it and
  asks a human first.
- Guess when you could ask.
- Make more than one move in a beat.
`;

export const SETUP_GOAL = `---
goal: PLAYBOOK and goals describe my real work, not the starter template
---

looop runs headless: nobody watches the pulse. The pending ask \`setup-1\` is how it
gets a human's attention; until it is answered the pulse only notes that it is waiting.

To finish setup, have your assistant interview you about your goals, what should be
watched (sensors), which actions must never happen without you, the repositories
and workspaces involved, and anything recurring. Then write them:

    looop playbook write - < PLAYBOOK.md
    looop goal write <id> - < goal.md
    looop sensor write <name> - < sensor.sh

and close setup:

    looop answer setup-1 "setup complete"
    looop goal archive setup
`;

export const DAILY_PLAYBOOK_GOAL = `---
goal: Each day, the PLAYBOOK gets a little better from the previous day's journal
last-improved: never
---

Once a day (when the \`today\` sensor's date is later than \`last-improved\`): read the
last day or so of journal.md, propose ONE small improvement to the PLAYBOOK, and
apply it only after a human confirms. Then set \`last-improved\` to today's date.
`;

export const TODAY_SENSOR = `#!/usr/bin/env bash
# A daily heartbeat: the date changes once a day, so recurring goals come due.
printf '{"date":"%s"}\\n' "$(date +%F)"
`;

export const SETUP_ASK_PROMPT =
  'First-run setup: looop has no policy yet. Have your assistant interview you about your goals, what to watch (sensors), ' +
  'which actions need you first, your repositories and workspaces, and recurring work; then write the real PLAYBOOK, goals ' +
  'and sensors and archive the setup goal.';

/** Runtime files a data dir under git should not track. Policy (PLAYBOOK, goals, sensors, journal, playbook.d/) stays tracked. */
export const GITIGNORE = `${[
  'snapshots/',
  'prompts/',
  'runs/',
  'claims/',
  'reports/',
  'asks/',
  'answers/',
  'tells/',
  'sessions/',
  'verify/',
  '.lock/',
  'beat.json',
  '.last-tick-hash',
  '.tick-backoff',
  '.goal-activity.json',
  '.last-world.json',
  '.last-shell.json',
  '.last-failure.json',
  '.signal-flap.json',
  '.decide-ledger.json',
  '.noop-at.json',
  '.next-wake.json',
  'tick.log',
  'events.jsonl',
  '# scratch a worker may leave in the data dir',
  '.ruff_cache/',
  '.pytest_cache/',
  '.mypy_cache/',
  '__pycache__/',
].join('\n')}\n`;
