/**
 * How every reply across the boundary is made (see Result in protocol.ts), and how an
 * error thrown by plugin code is told apart from the runtime's own: one place for both,
 * so the host and every plugin-side entry (worker, task thread, external transports) say
 * it the same way.
 */
import { paddockError, type PaddockError } from '../errors.js';
import type { Result } from './protocol.js';
import { serializeError } from './serialize-error.js';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** A failed Result: the error as data, with its code, cause and origin (serialize-error.ts). */
export function fail(error: unknown): Result<never> {
  return { ok: false, error: serializeError(error) };
}

/** What plugin code threw, in a line: `TypeError: boom`, or the value as text. */
export function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * PADDOCK_ERR_PLUGIN_THREW: plugin code threw (or rejected) while running `where`
 * (`action "x"`, `configure()`, `task "t"` …). Origin "plugin", the thrown value kept as cause.
 */
export function pluginThrew(plugin: string, where: string, error: unknown, reason = describeThrown(error)): PaddockError {
  return paddockError('PADDOCK_ERR_PLUGIN_THREW', { plugin, where, reason }, { cause: error, origin: 'plugin' });
}
