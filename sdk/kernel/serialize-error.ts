/**
 * Errors as plain data, so they survive `postMessage` with their name, code,
 * cause, origin and details (structured clone alone drops all but message/stack
 * for subclasses and Comlink keeps only message/name/stack).
 */
import { errorCodes, PaddockError, type ErrorOrigin } from '../errors.js';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  origin?: ErrorOrigin;
  plugin?: string;
  details?: Record<string, unknown>;
  cause?: SerializedError | { value: unknown };
}

const MAX_CAUSE_DEPTH = 8;
const MAX_TEXT = 16_384;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** Keep only values that structured clone copies faithfully. */
function plainDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    const kind = typeof value;
    if (value === null || kind === 'string' || kind === 'number' || kind === 'boolean') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) out[key] = [...value];
  }
  return out;
}

export function serializeError(value: unknown, depth = 0): SerializedError {
  if (!(value instanceof Error)) {
    const text = typeof value === 'string' ? value : safeString(value);
    return { name: 'NonError', message: clip(text) };
  }
  const out: SerializedError = { name: safeString(value.name), message: clip(safeString(value.message)) };
  if (typeof value.stack === 'string') out.stack = clip(value.stack);
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (value instanceof PaddockError) {
    out.origin = value.origin;
    if (value.plugin !== undefined) out.plugin = value.plugin;
    out.details = plainDetails(value.details);
  }
  if (value.cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = serializeError(value.cause, depth + 1);
  return out;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable value]';
  }
}

class RemoteError extends Error {
  constructor(name: string, message: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: name, enumerable: false, configurable: true, writable: true });
  }
}

/**
 * Rebuild a real `Error`. Known Paddock codes come back as the same class
 * (`instanceof ApiCallError` holds across the thread); anything else keeps its
 * name on an `Error`. Input may come from an untrusted thread: only strings are read.
 */
export function deserializeError(data: unknown, depth = 0): Error {
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const text = (v: unknown, fallback: string) => (typeof v === 'string' ? clip(v) : fallback);
  const name = text(record.name, 'Error');
  const message = text(record.message, '');
  const code = typeof record.code === 'string' ? record.code : undefined;
  const origin = record.origin === 'plugin' || record.origin === 'host' || record.origin === 'runtime' ? record.origin : undefined;
  const cause = depth < MAX_CAUSE_DEPTH && record.cause !== undefined ? deserializeError(record.cause, depth + 1) : undefined;
  let error: Error;
  const definition = code !== undefined && Object.hasOwn(errorCodes, code)
    ? errorCodes[code as keyof typeof errorCodes]
    : undefined;
  if (definition && code !== undefined) {
    const details = typeof record.details === 'object' && record.details !== null
      ? plainDetails(record.details as Record<string, unknown>)
      : {};
    error = new definition.class(code, message, {
      ...(cause === undefined ? {} : { cause }),
      ...(typeof record.plugin === 'string' ? { plugin: record.plugin } : {}),
      ...(origin === undefined ? {} : { origin }),
      details,
    });
  } else {
    error = new RemoteError(name, message);
    if (code !== undefined) (error as Error & { code: string }).code = code;
    if (cause !== undefined) error.cause = cause;
  }
  if (typeof record.stack === 'string') error.stack = clip(record.stack);
  return error;
}
