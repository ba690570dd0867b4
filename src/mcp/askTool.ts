// The blocking `ask` tool: `looop ask` for an agent that speaks MCP. The ask is made
// and awaited by runAsk itself, so its record names this server as the asker and its
// lease keeps the ask alive. A cancelled request, or the server stopping, aborts the
// wait: runAsk strands the record, exactly as a `looop ask` ended by a signal does;
// a SIGKILLed server leaves a lease that goes stale, and the next survey strands it.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Ctx } from '../context.ts';
import { envCount } from '../envKnobs.ts';
import { LooopError } from '../errors.ts';
import { runAsk } from '../commands/ask.ts';
import { guarded, type ToolDeps } from './toolResult.ts';

/**
 * While an ask waits, a client that sent a progress token gets a progress
 * notification this often (LOOOP_MCP_PROGRESS_MS; 0 turns them off), so a client
 * that resets its request timeout on progress keeps waiting for a human instead of
 * cancelling (and so stranding) the ask.
 */
function progressEveryMs(ctx: Ctx): number | null {
  const n = envCount(ctx, 'LOOOP_MCP_PROGRESS_MS', 15_000);
  return n === 0 ? null : Math.max(100, n);
}

export function askTool(server: McpServer, deps: ToolDeps): void {
  const { ctx } = deps;
  server.registerTool(
    'ask',
    {
      description:
        'Raise a question for a human and wait until it is answered (`looop ask`); returns only the answer, with any steering messages queued for the worker. ' +
        'Cancelling the call strands the ask. The wait can be long: give the call a generous timeout.',
      inputSchema: {
        worker: z.string().optional().describe('The asking worker id (default: $LOOOP_SESSION_ID of the server)'),
        prompt: z.string().describe('The question'),
        ref: z.string().optional().describe('A file the human should read first, e.g. reports/x.md'),
        options: z.array(z.string()).optional().describe('Suggested answers'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    async ({ worker, prompt, ref, options }, extra) =>
      guarded(ctx, async (): Promise<CallToolResult> => {
        const id = worker ?? ctx.env.LOOOP_SESSION_ID ?? '';
        if (id === '') throw new LooopError('USAGE', 'ask: no worker id', { hint: 'pass worker, or start `looop mcp` inside a worker (with $LOOOP_SESSION_ID)' });
        const token = extra._meta?.progressToken;
        const every = progressEveryMs(ctx);
        let beats = 0;
        const timer =
          token === undefined || every === null
            ? undefined
            : setInterval(() => {
                beats += 1;
                extra
                  .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: beats, message: 'waiting for a human to answer' } })
                  .catch(() => undefined);
              }, every);
        const wait = runAsk(
          ctx,
          { worker: id, prompt, reference: ref ?? null, options: (options ?? []).map((o) => o.trim()).filter((o) => o !== '') },
          // The answer travels back as the tool result; nothing is printed (stdout is the protocol).
          { deliver: () => undefined, signal: AbortSignal.any([extra.signal, deps.shutdown]) },
        );
        deps.track(wait);
        try {
          const r = await wait;
          return { content: [{ type: 'text', text: r.text }] };
        } finally {
          if (timer !== undefined) clearInterval(timer);
        }
      }),
  );
}
