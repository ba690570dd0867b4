// The demo agent: a deterministic stand-in for an agent CLI in `worker_command`
// (`node dist/demo-agent.cjs {{prompt_file}}`). It follows the worker contract the
// way a real agent would, saying each step on its screen: read the brief, take a
// claim, ask the human one question (blocking), write reports/<id>.md with the
// answer, release the claim, exit 0. No LLM, no network.
import path from 'node:path';
import { readDataFile } from '../store/dataFile.ts';
import { writeAtomic } from '../store/fsio.ts';
import { failure, runLooop } from './looopCli.ts';

const MAX_BRIEF_BYTES = 1 << 20;
const DEMO_OPTIONS = ['brief', 'detailed'] as const;

function say(s: string): void {
  process.stdout.write(`▸ ${s}\n`);
}

function stop(message: string, code: number): never {
  process.stderr.write(`demo agent: ${message}\n`);
  process.exit(code);
}

/** The task under the contract looop puts on top of every brief (split at its `---` line). */
function taskOf(brief: string): string {
  const at = brief.indexOf('\n---\n');
  return (at < 0 ? brief : brief.slice(at + 5)).trim();
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined || file === '') stop('usage: demo-agent <prompt file>  (use it as worker_command: node demo-agent.cjs {{prompt_file}})', 2);
  const id = process.env.LOOOP_SESSION_ID;
  if (id === undefined || id === '') stop('LOOOP_SESSION_ID is not set: run me as a looop worker (looop worker start <id> … --command "node demo-agent.cjs {{prompt_file}}")', 2);
  const env = process.env;
  const dataDir = env.LOOOP_DATA_DIR !== undefined && env.LOOOP_DATA_DIR !== '' ? env.LOOOP_DATA_DIR : process.cwd();
  const reports = env.LOOOP_REPORTS_DIR !== undefined && env.LOOOP_REPORTS_DIR !== '' ? env.LOOOP_REPORTS_DIR : path.join(dataDir, 'reports');

  const r = readDataFile(file, MAX_BRIEF_BYTES);
  if (r.kind !== 'ok') stop(`cannot read my brief ${file}: ${r.kind === 'refused' ? r.problem : 'it does not exist'}`, 3);
  const task = taskOf(r.bytes.toString('utf8'));
  const headline = task.split('\n').find((l) => l.trim() !== '' && l.trim() !== '---')?.trim() ?? '(no task text)';
  say(`demo agent ${id}: my brief is ${file}`);
  say(`task: ${headline}`);

  const claim = `report-${id}`;
  say(`claiming ${claim} so no other worker does this job…`);
  const c = runLooop(['claim', claim], env, true);
  if (c.code !== 0) stop(`claim ${claim} is held by another live session (or failed): not proceeding`, 4);
  say(`claim ${claim} is mine`);

  const question = `Worker ${id} is about to write its report for "${headline}". Should it be brief or detailed?`;
  say(`asking the human (this blocks until someone answers): ${question}`);
  const askArgs = ['ask', '--prompt', question, '--options', DEMO_OPTIONS.join(',')];
  const a = runLooop(askArgs, env, true);
  if (a.code !== 0) {
    runLooop(['unclaim', claim], env, true);
    stop(failure(askArgs.slice(0, 1), a), 5);
  }
  const answer = a.stdout.trim();
  say(`the human answered: ${answer}`);

  const report = path.join(reports, `${id}.md`);
  const body = [
    `# Report from worker ${id}`,
    '',
    'Task:',
    '',
    ...task.split('\n').map((l) => `> ${l}`),
    '',
    `Asked the human whether the report should be brief or detailed; they answered: ${answer}`,
    '',
    '(Written by the looop demo agent: deterministic, no LLM, no network.)',
    '',
  ].join('\n');
  writeAtomic(report, body);
  say(`wrote ${path.relative(dataDir, report) || report}`);

  const u = runLooop(['unclaim', claim], env, true);
  if (u.code !== 0) stop(`unclaim ${claim} failed (exit ${u.code ?? 'none'})`, 6);
  say(`released ${claim}; done`);
}

main();
