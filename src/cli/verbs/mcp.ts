// cac declaration for `looop mcp`. The SDK and the tools load only here, lazily:
// no other verb pays for them.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';

export function registerMcp(cli: CAC): void {
  cli
    .command('mcp', 'Serve the looop contract as MCP tools on stdio (state, asks, answer, tell, worker_list, screenshot, goal_write, ask)')
    .example('claude mcp add looop -- looop mcp')
    .action(async () => {
      const { serveMcp } = await import('../../mcp/server.ts');
      return serveMcp(cliContext());
    });
}
