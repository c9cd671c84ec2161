/**
 * The runtime refuses a plugin whose meta is incomplete or wants another host API.
 * Two rules, chosen by what the plugin extends (the worker reports it):
 *
 * - `paddock` (plugins written against paddock-runtime/sdk, and plain classes): all
 *   four fields set, `version` semver, `api` a semver range the host's API version
 *   satisfies;
 * - `pup` (plugins extending the jsr:@pup/plugin class): Pup's own check, each field
 *   a string no longer "unset" (the base class's default). Pup plugins declare
 *   Pup's API version (`api: "2.0.2"`), which says nothing about this host's API.
 */
import semver from 'semver';
import { paddockError } from '../sdk/errors.js';
import type { PluginMeta } from '../sdk/types.js';

const FIELDS = ['name', 'version', 'api', 'repository'] as const;

export type MetaRule = 'pup' | 'paddock';

export function verifyMeta(pluginId: string, meta: unknown, hostApiVersion: string, rule: MetaRule = 'paddock'): PluginMeta {
  if (typeof meta !== 'object' || meta === null) {
    throw paddockError('PADDOCK_ERR_META_INVALID', {
      plugin: pluginId,
      problems: 'the plugin has no meta (set meta = { name, version, api, repository } on the instance or as a static field)',
    });
  }
  const record = meta as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of FIELDS) {
    const value = record[field];
    if (value === undefined || value === '') problems.push(`meta.${field} is missing`);
    else if (typeof value !== 'string') problems.push(`meta.${field} must be a string (got ${String(value)})`);
    else if (rule === 'pup' && value === 'unset') problems.push(`meta.${field} is still "unset" (Pup's rule: set every field)`);
  }
  if (rule === 'pup') {
    if (problems.length) throw paddockError('PADDOCK_ERR_META_INVALID', { plugin: pluginId, problems: problems.join('; ') });
    return pick(record);
  }
  if (typeof record.version === 'string' && record.version && !semver.valid(record.version)) {
    problems.push(`meta.version ${JSON.stringify(record.version)} is not a semver version`);
  }
  if (typeof record.api === 'string' && record.api && rangeCheck(record.api, hostApiVersion) === 'invalid') {
    problems.push(`meta.api ${JSON.stringify(record.api)} is not a semver range (e.g. "^1.0.0")`);
  }
  if (problems.length) throw paddockError('PADDOCK_ERR_META_INVALID', { plugin: pluginId, problems: problems.join('; ') });
  const verified = pick(record);
  if (rangeCheck(verified.api, hostApiVersion) !== 'satisfied') {
    throw paddockError('PADDOCK_ERR_API_INCOMPATIBLE', { plugin: pluginId, wants: verified.api, has: hostApiVersion });
  }
  return verified;
}

/**
 * Parsing a semver range costs a few milliseconds on a busy host, and a hundred plugins
 * loaded at once mostly declare the same one or two ranges: the answer is kept per
 * (range, host version), in a small map that starts over when full.
 */
const rangeChecks = new Map<string, 'satisfied' | 'unsatisfied' | 'invalid'>();

function rangeCheck(range: string, hostApiVersion: string): 'satisfied' | 'unsatisfied' | 'invalid' {
  const key = `${range}\u0000${hostApiVersion}`;
  let answer = rangeChecks.get(key);
  if (answer === undefined) {
    answer = semver.validRange(range) === null ? 'invalid' : semver.satisfies(hostApiVersion, range) ? 'satisfied' : 'unsatisfied';
    if (rangeChecks.size >= 256) rangeChecks.clear();
    rangeChecks.set(key, answer);
  }
  return answer;
}

function pick(record: Record<string, unknown>): PluginMeta {
  const { name, version, api, repository } = record as unknown as PluginMeta;
  return { name, version, api, repository };
}
