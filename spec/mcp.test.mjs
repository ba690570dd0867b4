// `looop mcp` end to end: the SDK's own Client and StdioClientTransport spawn the real
// built CLI against a real temp data dir, and every tool is checked against what the
// CLI verbs do on the same data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, envFor, exitWithin, looop, looopBg, patience, readJson, tempDataDir, waitFor, waitForFile } from './helpers.mjs';
import { startWorker, waitOutput } from './sessions-helpers.mjs';

const TOOLS = ['answer', 'ask', 'asks', 'goal_write', 'screenshot', 'state', 'tell', 'worker_list'];

/** A connected SDK client on `looop mcp`; closed (and the server ended) by the test. */
async function connect(t, dir, env = {}) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: envFor(dir, env), stderr: 'pipe' });
  let stderr = '';
  transport.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const client = new Client({ name: 'looop-spec', version: '1.0.0' });
  // Anything on stdout that is not the protocol breaks the client's parsing: it lands here.
  const protocolErrors = [];
  client.onerror = (e) => protocolErrors.push(e.message);
  await client.connect(transport);
  const pid = transport.pid;
  t.after(async () => {
    await client.close().catch(() => {});
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  });
  const call = (name, args = {}, options = {}) => client.callTool({ name, arguments: args }, undefined, { timeout: patience(), ...options });
  return { client, call, pid, stderr: () => stderr, protocolErrors };
}

function textOf(result) {
  assert.equal(result.content.length, 1, JSON.stringify(result));
  assert.equal(result.content[0].type, 'text');
  return result.content[0].text;
}

function ok(result) {
  assert.notEqual(result.isError, true, `expected a result, got a tool error: ${JSON.stringify(result.content)}`);
  return textOf(result);
}

function refused(result) {
  assert.equal(result.isError, true, `expected a tool error, got: ${JSON.stringify(result)}`);
  return textOf(result);
}

/** The two lines the CLI prints on stderr for a refusal. */
function cliRefusal(dir, args) {
  const r = looop(dir, args);
  assert.equal(r.code, 1, `looop ${args.join(' ')} should be refused: ${r.stdout}`);
  return r.stderr.trimEnd();
}

function journal(dir) {
  const f = path.join(dir, 'journal.md');
  if (!fs.existsSync(f)) return [];
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => /^- \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/.exec(l)?.[1] ?? `(bad line) ${l}`);
}

const askRecord = (dir, id) => {
  const f = path.join(dir, 'asks', `${id}.json`);
  return fs.existsSync(f) ? readJson(f) : null;
};

test('mcp: lists every tool; state is the world `looop state --json` prints; stdout carries only the protocol', async (t) => {
  const dir = tempDataDir(t);
  const s = await connect(t, dir);
  const { tools } = await s.client.listTools();
  assert.deepEqual(tools.map((x) => x.name).sort(), TOOLS);
  for (const tool of tools) assert.equal(tool.inputSchema.type, 'object', `${tool.name} has an object input schema`);
  assert.deepEqual(tools.find((x) => x.name === 'ask').inputSchema.required, ['prompt']);

  const world = JSON.parse(ok(await s.call('state')));
  const cli = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.deepEqual(Object.keys(world).sort(), Object.keys(cli).sort());
  assert.deepEqual(world.asks, cli.asks);
  assert.deepEqual(JSON.parse(ok(await s.call('asks'))), []);
  assert.deepEqual(s.protocolErrors, []);
});

test('mcp goal_write: writes goals/<id>.md through the action path (journal line); bad ids and blank bodies are tool errors', async (t) => {
  const dir = tempDataDir(t);
  const s = await connect(t, dir);
  assert.equal(ok(await s.call('goal_write', { id: 'ship', body: 'Ship the release once CI is green' })), 'write-goal ship');
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'ship.md'), 'utf8'), 'Ship the release once CI is green\n');
  assert.equal(ok(await s.call('goal_write', { id: 'docs', body: 'Write the docs', journal: 'docs matter' })), 'write-goal docs');
  assert.deepEqual(journal(dir), ['write-goal ship', 'docs matter']);

  const bad = refused(await s.call('goal_write', { id: '../evil', body: 'x' }));
  assert.equal(bad, cliRefusal(dir, ['goal', 'write', '../evil', 'x']));
  assert.match(bad, /^looop: invalid goal id "\.\.\/evil": it contains a path separator\n {2}ids are one path segment/);
  assert.match(refused(await s.call('goal_write', { id: 'blank', body: '  \n' })), /^looop: goal write blank: empty body/);
  // A wrong type is refused by the input schema, also as a tool error.
  assert.equal((await s.call('goal_write', { id: 7, body: 'x' })).isError, true);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'goals')).sort(), ['docs.md', 'ship.md'], 'a refused move writes nothing');
  assert.deepEqual(journal(dir), ['write-goal ship', 'docs matter'], 'a refused move leaves no journal line');
  // The server lives on after every refusal.
  assert.ok(JSON.parse(ok(await s.call('state'))).goals !== undefined);
  assert.deepEqual(s.protocolErrors, []);
});

test('mcp answer: answers an ask raised by the real `looop ask`; an unknown or answered ask is refused as the CLI refuses it', async (t) => {
  const dir = tempDataDir(t);
  const s = await connect(t, dir);
  const asker = looopBg(t, dir, ['ask', 'w1', '--prompt', 'Ship it?', '--options', 'yes,no']);
  await waitForFile(path.join(dir, 'asks', 'w1-1.json'));
  const pending = JSON.parse(ok(await s.call('asks')));
  assert.deepEqual(pending.map((a) => [a.id, a.worker, a.prompt, a.options]), [['w1-1', 'w1', 'Ship it?', ['yes', 'no']]]);

  assert.equal(ok(await s.call('answer', { id: 'w1-1', text: 'yes, ship it' })), 'answered w1-1');
  const { code } = await exitWithin(asker, undefined, 'the background `looop ask` to print the answer');
  assert.equal(code, 0, asker.stderr);
  assert.equal(asker.stdout, 'yes, ship it\n');

  const again = refused(await s.call('answer', { id: 'w1-1', text: 'no' }));
  assert.equal(again, cliRefusal(dir, ['answer', 'w1-1', 'no']));
  const unknown = refused(await s.call('answer', { id: 'nope-1', text: 'x' }));
  assert.equal(unknown, cliRefusal(dir, ['answer', 'nope-1', 'x']));
  assert.match(refused(await s.call('answer', { id: 'a/b', text: 'x' })), /^looop: invalid ask id "a\/b"/);
  assert.deepEqual(JSON.parse(ok(await s.call('asks'))), []);
  assert.deepEqual(s.protocolErrors, []);
});

test('mcp ask: blocks until `looop answer`, then returns only the answer; the record names the server as the asker', async (t) => {
  const dir = tempDataDir(t);
  const s = await connect(t, dir);
  let settled = false;
  const call = s.call('ask', { worker: 'w2', prompt: 'Go ahead?', options: ['go', 'stop'], ref: 'reports/w2.md' }).finally(() => (settled = true));
  const file = path.join(dir, 'asks', 'w2-1.json');
  await waitForFile(file);
  const rec = readJson(file);
  assert.equal(rec.state, 'pending');
  assert.equal(rec.context.asker.pid, s.pid);
  assert.deepEqual(rec.context.options, ['go', 'stop']);
  assert.equal(rec.context.reference, 'reports/w2.md');
  assert.equal(settled, false, 'the ask must still wait before the answer');
  // Other tools keep working while an ask waits.
  assert.deepEqual(JSON.parse(ok(await s.call('asks'))).map((a) => a.id), ['w2-1']);

  const a = looop(dir, ['answer', 'w2-1', 'go, and tell me when done']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(ok(await call), 'go, and tell me when done');
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'w2', 'w2-1.json')).state, 'delivered');

  assert.match(refused(await s.call('ask', { worker: 'has space', prompt: 'q' })), /^looop: invalid worker id "has space"/);
  assert.match(refused(await s.call('ask', { prompt: 'q' })), /^looop: ask: no worker id/);
  assert.match(refused(await s.call('ask', { worker: 'w2', prompt: '  ' })), /^looop: ask: empty --prompt/);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks')).filter((n) => n.endsWith('.json')), [], 'a refused ask writes no record');
  assert.deepEqual(s.protocolErrors, []);
});

test('mcp ask: a waiting ask sends progress to a client that asked for it, so its timeout can reset while a human thinks', async (t) => {
  const dir = tempDataDir(t);
  const s = await connect(t, dir, { LOOOP_MCP_PROGRESS_MS: '100' });
  let onProgress;
  const progressed = new Promise((resolve) => (onProgress = resolve));
  const call = s.call('ask', { worker: 'w6', prompt: 'Take your time' }, { onprogress: (p) => onProgress(p), resetTimeoutOnProgress: true });
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no progress notification within ${patience()} ms while the ask waited; stderr=${JSON.stringify(s.stderr())}`)), patience());
  });
  const first = await Promise.race([progressed, deadline, call.then((r) => assert.fail(`the ask returned before any progress: ${JSON.stringify(r)}`))]).finally(() => clearTimeout(timer));
  assert.equal(first.progress, 1);
  assert.match(first.message, /waiting for a human/);
  assert.equal(looop(dir, ['answer', 'w6-1', 'done thinking']).code, 0);
  assert.equal(ok(await call), 'done thinking');
});

test('mcp ask: a cancelled call strands its ask, as an interrupted `looop ask` does, and the server carries on', async (t) => {
  const dir = tempDataDir(t);
  const s = await connect(t, dir);
  const ac = new AbortController();
  const call = s.call('ask', { worker: 'w3', prompt: 'Still there?' }, { signal: ac.signal });
  await waitForFile(path.join(dir, 'asks', 'w3-1.json'));
  ac.abort();
  await assert.rejects(call);
  const rec = await waitFor(() => (askRecord(dir, 'w3-1')?.state === 'stranded' ? askRecord(dir, 'w3-1') : null), {
    dir: path.join(dir, 'asks'),
    what: 'asks/w3-1.json to be stranded after the cancel',
    describe: () => JSON.stringify(askRecord(dir, 'w3-1')),
  });
  assert.match(rec.context.stranded.reason, /interrupted/);
  assert.deepEqual(JSON.parse(ok(await s.call('asks'))), []);
  assert.deepEqual(s.protocolErrors, []);
});

test('mcp ask: the client going away (stdin closed) strands the waiting ask and the server exits 0', async (t) => {
  const dir = tempDataDir(t);
  const child = spawn(process.execPath, [BIN, 'mcp'], { env: envFor(dir), stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const send = (m) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  send({ method: 'notifications/initialized' });
  send({ id: 2, method: 'tools/call', params: { name: 'ask', arguments: { worker: 'w4', prompt: 'Anyone?' } } });
  await waitForFile(path.join(dir, 'asks', 'w4-1.json'));
  child.stdin.end();
  const proc = { exit: exited, get stdout() { return stdout; }, get stderr() { return stderr; } };
  const { code } = await exitWithin(proc, undefined, '`looop mcp` to exit once its stdin closed');
  assert.equal(code, 0, stderr);
  assert.equal(readJson(path.join(dir, 'asks', 'w4-1.json')).state, 'stranded');
  for (const line of stdout.split('\n').filter((l) => l !== '')) assert.equal(JSON.parse(line).jsonrpc, '2.0', `stdout holds only JSON-RPC: ${line}`);
});

test('mcp tell, worker_list, screenshot: on a live worker, and refused as the CLI refuses them', async (t) => {
  const dir = tempDataDir(t);
  startWorker(t, dir, 'w5', `printf 'hello from w5\\n'; read -r _ # {{prompt_file}}`);
  await waitOutput(dir, 'w5', /hello from w5/);
  const s = await connect(t, dir);

  const rows = JSON.parse(ok(await s.call('worker_list')));
  assert.deepEqual(rows.map((r) => r.id), ['pulse', 'w5']);
  assert.equal(rows[1].alive, true);
  assert.equal('verify' in rows[1], false);
  const cliRows = JSON.parse(looop(dir, ['worker', 'list', '--json']).stdout);
  assert.deepEqual(Object.keys(rows[1]).sort(), Object.keys(cliRows[1]).sort());

  const screen = await waitFor(async () => {
    const shot = ok(await s.call('screenshot', { id: 'w5' }));
    return shot.includes('hello from w5') ? shot : null;
  }, { what: 'the screenshot tool to show the worker\'s line' });
  assert.doesNotMatch(screen, /\x1b/, 'plain text, no escape codes');

  assert.equal(ok(await s.call('tell', { worker: 'w5', message: 'use the staging db' })), 'queued for w5: use the staging db');
  assert.equal(looop(dir, ['told', 'w5']).stdout.includes('use the staging db'), true);
  assert.equal(refused(await s.call('tell', { worker: 'ghost', message: 'hi' })), cliRefusal(dir, ['tell', 'ghost', 'hi']));
  assert.match(refused(await s.call('tell', { worker: 'w5', message: '   ' })), /^looop: tell: empty message/);
  assert.equal(refused(await s.call('screenshot', { id: 'ghost' })), cliRefusal(dir, ['screenshot', 'ghost']));
  assert.match(refused(await s.call('screenshot', { id: '.hidden' })), /^looop: invalid session id/);
  assert.deepEqual(s.protocolErrors, []);
});
