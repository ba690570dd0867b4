// Renders one line of a runner's output for the replay archive (reference §8.11.2):
// the JSON event streams of claude (`--output-format stream-json`), codex
// (`exec --json`) and pi (`--mode json`) become short progress lines and the agent's
// prose; a line that is not JSON passes through as it is; an empty line and any JSON
// event we do not know are dropped. The three formats' event types do not overlap,
// so one renderer reads them all. The result is data (text and tone): the caller
// decides colours, stamps and escaping.

export type Tone = 'plain' | 'dim' | 'fail';

export interface Rendered {
  /** One line, or for the agent's prose possibly several. */
  readonly text: string;
  readonly tone: Tone;
  /** Set before a block of prose: a blank line separates it from the progress lines. */
  readonly gap?: boolean;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function num(o: Obj, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function collapseWs(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/** What a tool call was about: its `command`, `path` or `file_path`, else all its arguments. Never truncated. */
export function toolArgument(args: unknown): string {
  if (isObj(args)) {
    for (const key of ['command', 'path', 'file_path']) {
      const v = str(args, key);
      if (v !== undefined) return collapseWs(v);
    }
    if (Object.keys(args).length === 0) return '';
  }
  if (args === undefined || args === null) return '';
  return collapseWs(typeof args === 'string' ? args : (JSON.stringify(args) ?? ''));
}

function toolLine(name: string | undefined, args: unknown): Rendered {
  const tool = collapseWs(name ?? '') || 'tool';
  const arg = toolArgument(args);
  return { text: arg === '' ? `  ${tool}` : `  ${tool}: ${arg}`, tone: 'dim' };
}

function prose(text: string): Rendered[] {
  const t = text.trim();
  return t === '' ? [] : [{ text: t, tone: 'plain', gap: true }];
}

/** The text parts of a content array, concatenated. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObj(part) && part.type === 'text' ? (str(part, 'text') ?? '') : '')).join('');
}

function claudeAssistant(ev: Obj): Rendered[] {
  const message = isObj(ev.message) ? ev.message : {};
  const content = Array.isArray(message.content) ? message.content : [];
  const tools = content.filter((b): b is Obj => isObj(b) && b.type === 'tool_use').map((b) => toolLine(str(b, 'name'), b.input));
  return [...tools, ...prose(contentText(content))];
}

function claudeResult(ev: Obj): Rendered[] {
  const ms = num(ev, 'duration_ms');
  const cost = num(ev, 'total_cost_usd');
  const metrics = [ms === undefined ? null : `${(ms / 1000).toFixed(1)}s`, cost === undefined ? null : `$${cost.toFixed(4)}`];
  const subtype = str(ev, 'subtype');
  if (ev.is_error === true || subtype?.startsWith('error') === true) {
    const parts = [subtype ?? null, ...metrics].filter((p): p is string => p !== null && p !== '');
    return [{ text: parts.length === 0 ? '  failed' : `  failed (${parts.join(' · ')})`, tone: 'fail' }];
  }
  const parts = metrics.filter((p): p is string => p !== null);
  return parts.length === 0 ? [] : [{ text: `  done (${parts.join(' · ')})`, tone: 'dim' }];
}

function codexItem(type: string, item: Obj): Rendered[] {
  if (item.type === 'command_execution') {
    if (type === 'item.started') return [{ text: `  command: ${collapseWs(str(item, 'command') ?? '')}`, tone: 'dim' }];
    const code = num(item, 'exit_code');
    if (type === 'item.completed' && code !== undefined && code !== 0) return [{ text: `  command failed (exit ${code})`, tone: 'fail' }];
    return [];
  }
  if (item.type === 'agent_message' && type === 'item.completed') return prose(str(item, 'text') ?? '');
  return [];
}

function errorMessage(v: unknown): string {
  if (typeof v === 'string') return collapseWs(v);
  if (isObj(v)) return collapseWs(str(v, 'message') ?? JSON.stringify(v));
  return '';
}

function renderEvent(ev: Obj): Rendered[] {
  const type = str(ev, 'type');
  switch (type) {
    // pi --mode json
    case 'tool_execution_start':
      return [toolLine(str(ev, 'toolName'), ev.args)];
    case 'tool_execution_end':
      return ev.isError === true ? [{ text: `  ${collapseWs(str(ev, 'toolName') ?? '') || 'tool'} failed`, tone: 'fail' }] : [];
    case 'message_end': {
      const message = isObj(ev.message) ? ev.message : {};
      return message.role === 'assistant' ? prose(contentText(message.content)) : [];
    }
    // claude stream-json
    case 'assistant':
      return claudeAssistant(ev);
    case 'result':
      return claudeResult(ev);
    // codex exec --json
    case 'item.started':
    case 'item.completed':
      return isObj(ev.item) ? codexItem(type, ev.item) : [];
    case 'error':
      return [{ text: `  error: ${errorMessage(ev.message)}`, tone: 'fail' }];
    case 'turn.failed':
      return [{ text: `  turn failed: ${errorMessage(ev.error)}`, tone: 'fail' }];
    default:
      return [];
  }
}

/** The rendering of one output line: nothing, one line, or tool lines and prose. */
export function renderRunnerLine(line: string): readonly Rendered[] {
  if (line.trim() === '') return [];
  // Only an object can be an event; `42` or `[1]` is something the runner printed.
  if (!line.trimStart().startsWith('{')) return [{ text: line, tone: 'plain' }];
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    return [{ text: line, tone: 'plain' }];
  }
  return isObj(ev) ? renderEvent(ev) : [];
}
