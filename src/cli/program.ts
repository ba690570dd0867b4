// The verbs as declared to cac: names, arguments, options, descriptions, examples.
// cac only holds the declarations; commandLine.ts parses argv against them.
import { cac, type CAC } from 'cac';
import { out } from './io.ts';
import { VERSION } from './manual.ts';
import { registerMailbox } from './verbs/mailbox.ts';
import { registerSessions } from './verbs/sessions.ts';
import { registerClaims } from './verbs/claims.ts';
import { registerSteering } from './verbs/steering.ts';
import { registerPulse } from './verbs/pulse.ts';
import { registerActions } from './verbs/actions.ts';
import { registerCost } from './verbs/cost.ts';
import { registerInit } from './verbs/init.ts';
import { registerMcp } from './verbs/mcp.ts';
import { registerWatch } from './verbs/watch.ts';
import { registerConfig } from './verbs/config.ts';

export function buildProgram(): CAC {
  const cli = cac('looop');
  registerMailbox(cli);
  registerSessions(cli);
  registerClaims(cli);
  registerSteering(cli);
  registerPulse(cli);
  registerActions(cli);
  registerCost(cli);
  registerInit(cli);
  registerMcp(cli);
  registerWatch(cli);
  registerConfig(cli);
  cli.command('version', 'Print the version').action(() => {
    out(`looop ${VERSION}`);
    return 0;
  });
  // Listed for the summary; `help` words are topics, resolved in main.ts.
  cli.command('help [...topic]', 'Show the manual, or the help of one verb or group (`looop help worker`)');
  return cli;
}
