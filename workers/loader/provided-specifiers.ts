/**
 * Specifiers the worker loader maps to modules shipped with the runtime (the aliases
 * workers/bootstrap.ts installs). The host's scan for npm:/jsr: imports skips them: they
 * are never installed from a registry. Keep this list in step with those aliases.
 */
export const PROVIDED_SPECIFIERS: ReadonlySet<string> = new Set(['paddock/sdk', 'npm:paddock/sdk']);

export function isProvidedByRuntime(specifier: string): boolean {
  return PROVIDED_SPECIFIERS.has(specifier);
}
