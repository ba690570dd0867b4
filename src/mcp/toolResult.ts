// What a tool hands back: text, JSON as text, or a tool error carrying the CLI's own
// `looop: <message>` line and its hint. Whatever a tool body throws ends here, so a
// refused call is a tool error (isError), never a crash of the server.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Ctx } from '../context.ts';
import { isLooopError } from '../errors.ts';
import { environmentProblem } from '../cli/envErrors.ts';

export interface ToolDeps {
  readonly ctx: Ctx;
  /** Aborted when the server stops: every blocking ask strands its record. */
  readonly shutdown: AbortSignal;
  /** Blocking calls register here so the server waits for their cleanup before it exits. */
  readonly track: (p: Promise<unknown>) => void;
}

export function text(t: string): CallToolResult {
  return { content: [{ type: 'text', text: t }] };
}

export function json(value: unknown): CallToolResult {
  return text(JSON.stringify(value, null, 2));
}

/** The CLI's two lines (`looop: <message>`, then the hint), as a tool error. */
export function toolError(ctx: Ctx, e: unknown): CallToolResult {
  const problem = environmentProblem(e, ctx.env, process.cwd());
  let lines: string[];
  if (problem !== null) lines = [problem];
  else if (isLooopError(e)) {
    lines = [e.message.startsWith('looop') ? e.message : `looop: ${e.message}`];
    if (e.hint !== undefined) lines.push(`  ${e.hint}`);
  } else {
    // A bug, not a user mistake: the stack goes to stderr (stdout is the protocol).
    process.stderr.write(`looop mcp: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    lines = [`looop: internal error — this is a bug; please report it (${e instanceof Error ? e.message : String(e)})`];
  }
  return { content: [{ type: 'text', text: lines.join('\n') }], isError: true };
}

/** Runs one tool body; whatever it throws becomes a tool error, never a crash of the server. */
export async function guarded(ctx: Ctx, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (e) {
    return toolError(ctx, e);
  }
}
