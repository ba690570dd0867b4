// `looop mcp`: the looop contract as an MCP server on stdio. Stdout carries the
// protocol and nothing else: diagnostics go to stderr (ctx.warn already does, and
// console output is redirected there in case a dependency logs). The server runs
// until its client closes stdin or a signal arrives; then every blocking ask is
// aborted (its record stranded) before the process exits.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Ctx } from '../context.ts';
import { VERSION } from '../cli/manual.ts';
import { registerTools } from './tools.ts';

function keepStdoutForTheProtocol(): void {
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

const INSTRUCTIONS =
  'looop coordinates agent workers through one data dir. Read the world with `state`, the waiting questions with `asks`; ' +
  'answer them with `answer`; steer a live worker with `tell`, a goal with `goal_write`. A worker that needs a human calls `ask` and blocks until it is answered.';

/** Serves until the client goes away or a signal stops it; resolves with the exit code. */
export async function serveMcp(ctx: Ctx): Promise<number> {
  keepStdoutForTheProtocol();
  const shutdown = new AbortController();
  const pending = new Set<Promise<unknown>>();
  const server = new McpServer({ name: 'looop', version: VERSION }, { instructions: INSTRUCTIONS });
  registerTools(server, {
    ctx,
    shutdown: shutdown.signal,
    track: (p) => {
      pending.add(p);
      const done = (): void => void pending.delete(p);
      p.then(done, done);
    },
  });

  const transport = new StdioServerTransport();
  const stopped = new Promise<string>((resolve) => {
    process.stdin.once('end', () => resolve('stdin closed'));
    process.stdin.once('close', () => resolve('stdin closed'));
    // A client gone mid-reply makes stdout fail (EPIPE): stop, never crash on it.
    process.stdout.on('error', () => resolve('stdout closed'));
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve(sig));
    transport.onerror = (e) => ctx.warn('mcp-transport', `mcp: ${e.message}`);
    server.server.onclose = () => resolve('closed');
  });
  await server.connect(transport);
  await stopped;
  shutdown.abort();
  // Each aborted ask strands its record before we exit, as an interrupted `looop ask` does.
  await Promise.allSettled([...pending]);
  await server.close().catch(() => undefined);
  return 0;
}
