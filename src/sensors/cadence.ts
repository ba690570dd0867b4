// The `# looop:interval=N` directive: a sensor that is expensive or slow-moving runs
// at most every N seconds. Only the first 20 lines are consulted, and only the first
// directive among them; an unparseable value there means "no cadence", never a guess.
const HEAD_LINES = 20;
const DIRECTIVE = '# looop:interval=';

export function declaredInterval(script: string): number | null {
  for (const raw of script.split('\n').slice(0, HEAD_LINES)) {
    const line = raw.trim();
    if (!line.startsWith(DIRECTIVE)) continue;
    const value = line.slice(DIRECTIVE.length).trim();
    return /^\d{1,9}$/.test(value) ? Number(value) : null;
  }
  return null;
}
