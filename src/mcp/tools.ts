// The MCP face's tools: the same contract as the CLI verbs, through the same domain
// functions (never by running the CLI). Each tool returns text an agent reads; a
// refusal is a tool error carrying the CLI's own `looop: …` line and hint.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolDeps } from './toolResult.ts';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { readState } from '../commands/state.ts';
import { listAllAsks, listPendingAsks } from '../commands/asks.ts';
import { writeAnswer } from '../mailbox/answer.ts';
import { runTell } from '../commands/tell.ts';
import { listWorkers } from '../commands/workerList.ts';
import { executeAction } from '../actions/execute.ts';
import { askTool } from './askTool.ts';
import { guarded, json, text } from './toolResult.ts';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

export function registerTools(server: McpServer, deps: ToolDeps): void {
  const { ctx } = deps;

  server.registerTool(
    'state',
    {
      description: 'A snapshot of the world as JSON (what `looop state --json` prints): the pulse, pending asks, workers, goals, what is held back.',
      inputSchema: {},
      annotations: READ_ONLY,
    },
    async () => guarded(ctx, async () => json(await readState(ctx))),
  );

  server.registerTool(
    'asks',
    {
      description: 'The asks waiting for a human, oldest first, as a JSON array (`looop asks --json`); all: every ask with its state, archived ones too.',
      inputSchema: { all: z.boolean().optional().describe('Every ask, answered and archived ones too') },
      annotations: READ_ONLY,
    },
    async ({ all }) => guarded(ctx, async () => json(all === true ? await listAllAsks(ctx) : await listPendingAsks(ctx))),
  );

  server.registerTool(
    'answer',
    {
      description: 'Answer a pending ask (`looop answer <id> <text>`); refuses an unknown or already answered ask unless force.',
      inputSchema: {
        id: z.string().describe('The ask id, e.g. w1-1'),
        text: z.string().describe('The answer, delivered to the asking worker byte for byte'),
        force: z.boolean().optional().describe('Replace an existing answer'),
      },
    },
    async ({ id, text: body, force }) =>
      guarded(ctx, async () => {
        const r = await writeAnswer(ctx, { id, text: body, force: force === true });
        return text(r.kind === 'recorded-unread' ? `answered ${r.id}\nnote — ${r.why}` : `answered ${r.id}`);
      }),
  );

  server.registerTool(
    'tell',
    {
      description: 'Queue a steering message into a live worker (`looop tell <worker> <message>`); it reads it with `looop told` or with its next answer.',
      inputSchema: { worker: z.string().describe('The worker id'), message: z.string().describe('The message') },
    },
    async ({ worker, message }) =>
      guarded(ctx, async () => {
        if (message.trim() === '') throw new LooopError('USAGE', 'tell: empty message (blank text is never sent)', { hint: `looop tell ${worker} "<message>"` });
        const t = runTell(ctx, worker, message);
        return text(`queued for ${t.worker}: ${t.msg}`);
      }),
  );

  server.registerTool(
    'worker_list',
    {
      description: 'The fleet as a JSON array (`looop worker list --json`): the pulse first, then live workers with their health; all: dead workers too.',
      inputSchema: { all: z.boolean().optional().describe('Include dead workers') },
      annotations: READ_ONLY,
    },
    async ({ all }) =>
      guarded(ctx, async () => {
        const rows = await listWorkers(ctx, { all: all === true });
        return json(rows.map(({ verify: _v, ...r }) => r));
      }),
  );

  server.registerTool(
    'screenshot',
    {
      description: "The screen of a session as plain text rows (`looop screenshot <id>`): live, or the last frame after it ended.",
      inputSchema: {
        id: z.string().describe('The session id (a worker id, or pulse)'),
        trim: z.boolean().optional().describe('Drop trailing blank rows (default true)'),
      },
      annotations: READ_ONLY,
    },
    async ({ id, trim }) =>
      guarded(ctx, async () => {
        // The session engine's reader loads only when a screenshot is asked for.
        const { runScreenshot } = await import('../commands/screenshot.ts');
        const r = await runScreenshot(ctx, id, 'plain', trim !== false);
        return text(typeof r.output === 'string' ? r.output : JSON.stringify(r.output));
      }),
  );

  server.registerTool(
    'goal_write',
    {
      description: 'Create or replace goals/<id>.md (`looop goal write <id> <body>`), through the action path: journaled like the CLI.',
      inputSchema: {
        id: z.string().describe('The goal id (one path segment)'),
        body: z.string().describe('The goal text (markdown)'),
        journal: z.string().optional().describe('The journal line for this move (default: "write-goal <id>")'),
      },
      annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id, body, journal }) =>
      guarded(ctx, async () => {
        validateId('goal id', id);
        if (body.trim() === '') throw new LooopError('USAGE', `goal write ${id}: empty body`, { hint: `looop goal write ${id} "<what done looks like>"` });
        const o = await executeAction(ctx, { action: 'write_goal', id, body }, { source: 'cli', journal });
        if (o.kind === 'failed') throw o.error;
        return text(o.summary);
      }),
  );

  askTool(server, deps);
}
