/**
 * Network grant entries: "host", "host:port", "[v6]:port" or a bare IPv6 address.
 * Written in the primordials style: the gates call these while plugin code runs.
 */
import {
  NumberIsInteger,
  StringPrototypeEndsWith,
  StringPrototypeIndexOf,
  StringPrototypeLastIndexOf,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
  StringPrototypeToLowerCase,
} from '../primordials.js';

/** "host", "host:port", "[v6]:port" or a bare IPv6 address → [host, port or -1]. */
export function parseNetAddress(entry: string): [string, number] {
  const text = StringPrototypeToLowerCase(entry);
  if (StringPrototypeStartsWith(text, '[')) {
    const close = StringPrototypeIndexOf(text, ']');
    const host = StringPrototypeSlice(text, 1, close);
    const rest = StringPrototypeSlice(text, close + 1);
    return [host, StringPrototypeStartsWith(rest, ':') ? toPort(StringPrototypeSlice(rest, 1)) : -1];
  }
  const colon = StringPrototypeIndexOf(text, ':');
  if (colon !== -1 && colon === StringPrototypeLastIndexOf(text, ':')) {
    return [StringPrototypeSlice(text, 0, colon), toPort(StringPrototypeSlice(text, colon + 1))];
  }
  return [text, -1];
}

function toPort(text: string): number {
  const port = +text;
  return NumberIsInteger(port) && port >= 0 && port <= 65_535 ? port : -2;
}

export function normalizeHost(host: string): string {
  let text = StringPrototypeToLowerCase(host);
  if (StringPrototypeStartsWith(text, '[') && StringPrototypeEndsWith(text, ']')) text = StringPrototypeSlice(text, 1, -1);
  return text;
}
