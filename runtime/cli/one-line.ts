/**
 * An error as one line for a terminal: the first line of its message, its problems
 * (the following lines) joined with "; ", each distinct line once. Messages that
 * embed their cause's message (a load failure wrapping a resolve failure wrapping …)
 * would otherwise repeat the same reason once per level.
 */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [...new Set(message.split('\n').map((l) => l.trim()).filter(Boolean))];
  const [first = '', ...rest] = lines;
  if (!rest.length) return first;
  return `${first.replace(/:$/, '')}: ${rest.map((l) => l.replace(/^- /, '')).join('; ')}`;
}
