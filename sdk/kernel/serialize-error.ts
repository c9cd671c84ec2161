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
/** Names, codes and plugin ids are short; a longer one is a flood, not a name. */
const MAX_NAME = 256;
const MAX_DETAILS = 32;
const MAX_DETAIL_ITEMS = 64;

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Keep only values that structured clone copies faithfully, each bounded: an error from
 * a plugin's thread must not carry (or, repeated across causes, multiply) more than a
 * few hundred KB into the host.
 */
function plainDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const [key, value] of Object.entries(details)) {
    if (kept >= MAX_DETAILS) break;
    const kind = typeof value;
    if (value === null || kind === 'number' || kind === 'boolean') out[clip(key, MAX_NAME)] = value;
    else if (kind === 'string') out[clip(key, MAX_NAME)] = clip(value as string);
    else if (Array.isArray(value)) {
      // Each item read once and kept only if it is a string or a number: an array of a
      // plugin's may answer `every`, `slice` and `map` with anything.
      const items: Array<string | number> = [];
      const length = Math.min(Number(value.length) || 0, MAX_DETAIL_ITEMS);
      let plain = true;
      for (let i = 0; i < length && plain; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') items.push(clip(item, MAX_NAME * 4));
        else if (typeof item === 'number') items.push(item);
        else plain = false;
      }
      if (!plain) continue;
      out[clip(key, MAX_NAME)] = items;
    } else continue;
    kept++;
  }
  return out;
}

export function serializeError(value: unknown, depth = 0): SerializedError {
  if (!(value instanceof Error)) {
    const text = typeof value === 'string' ? value : safeString(value);
    return { name: 'NonError', message: clip(text) };
  }
  const out: SerializedError = { name: clip(safeString(value.name), MAX_NAME), message: clip(safeString(value.message)) };
  // Each field read once and kept only as the type it should be: a getter of the plugin's
  // may answer a string when checked and anything (twenty references to one 40 MB string)
  // when read again, and a task thread's Result crosses as this object, with no copy after it.
  const stack: unknown = value.stack;
  if (typeof stack === 'string') out.stack = clip(stack);
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string') out.code = clip(code, MAX_NAME);
  if (value instanceof PaddockError) {
    const origin: unknown = value.origin;
    out.origin = origin === 'plugin' || origin === 'host' ? origin : 'runtime';
    const plugin: unknown = value.plugin;
    if (typeof plugin === 'string') out.plugin = clip(plugin, MAX_NAME);
    const details: unknown = value.details;
    out.details = typeof details === 'object' && details !== null ? plainDetails(details as Record<string, unknown>) : {};
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
  const name = typeof record.name === 'string' ? clip(record.name, MAX_NAME) : 'Error';
  const message = text(record.message, '');
  const code = typeof record.code === 'string' ? clip(record.code, MAX_NAME) : undefined;
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
      ...(typeof record.plugin === 'string' ? { plugin: clip(record.plugin, MAX_NAME) } : {}),
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

/**
 * An error from a plugin's thread, bounded for the host's logs and states: the same
 * error when its name, message, stack and code are already short, else a copy with them
 * cut (a plugin that throws a 20 MB message must not put 20 MB, or three times that,
 * into every log line and state change that quotes it).
 */
export function boundedError<E extends Error>(error: E): E | Error {
  const code = (error as { code?: unknown }).code;
  const short = (v: unknown, max: number) => typeof v !== 'string' || v.length <= max;
  if (short(error.name, MAX_NAME) && short(error.message, MAX_TEXT) && short(error.stack, MAX_TEXT) && short(code, MAX_NAME)) return error;
  return deserializeError(serializeError(error));
}

