/** The runtime refuses a plugin whose meta is incomplete or wants another host API. */
import semver from 'semver';
import { paddockError } from '../sdk/errors.js';
import type { PluginMeta } from '../sdk/types.js';

const FIELDS = ['name', 'version', 'api', 'repository'] as const;

export function verifyMeta(pluginId: string, meta: unknown, hostApiVersion: string): PluginMeta {
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
  }
  if (typeof record.version === 'string' && record.version && !semver.valid(record.version)) {
    problems.push(`meta.version ${JSON.stringify(record.version)} is not a semver version`);
  }
  if (typeof record.api === 'string' && record.api && semver.validRange(record.api) === null) {
    problems.push(`meta.api ${JSON.stringify(record.api)} is not a semver range (e.g. "^1.0.0")`);
  }
  if (problems.length) throw paddockError('PADDOCK_ERR_META_INVALID', { plugin: pluginId, problems: problems.join('; ') });
  const verified = record as unknown as PluginMeta;
  if (!semver.satisfies(hostApiVersion, verified.api)) {
    throw paddockError('PADDOCK_ERR_API_INCOMPATIBLE', { plugin: pluginId, wants: verified.api, has: hostApiVersion });
  }
  return { name: verified.name, version: verified.version, api: verified.api, repository: verified.repository };
}
