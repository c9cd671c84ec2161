/** The methods every host offers: log, logs (query), publish, leave. */
import { z } from 'zod';
import { LOG_SEVERITIES, type LogItem, type LogQuery, type LogSeverity } from '../../sdk/types.js';
import { logQuerySchema } from '../logging/log-store.js';
import { defineMethod } from './define.js';

export const BUILTIN_SCOPES = ['log', 'read', 'publish', 'lifecycle'] as const;

export const EVENT_NAME_MAX = 200;

export interface BuiltinServices {
  log(pluginId: string, severity: LogSeverity, message: string): void;
  queryLogs(query: LogQuery): LogItem[];
  publish(pluginId: string, event: string, data: unknown): void;
  leave(pluginId: string, reason: string | undefined): void;
}

export function builtinMethods(services: BuiltinServices) {
  return {
    log: defineMethod({
      scope: 'log',
      description: 'Write a line into the host log under the plugin name',
      params: z.tuple([z.enum(LOG_SEVERITIES), z.string().max(65_536)]),
      handler: (ctx, severity, message) => services.log(ctx.plugin.id, severity, message),
    }),
    logs: defineMethod({
      scope: 'read',
      description: 'Query recent log items (nRows capped at 100)',
      params: z.tuple([logQuerySchema.optional()]),
      handler: (_ctx, query) => services.queryLogs(query ?? {}),
    }),
    publish: defineMethod({
      scope: 'publish',
      description: 'Emit an event to the host and to other subscribed plugins',
      params: z.tuple([z.string().min(1).max(EVENT_NAME_MAX), z.unknown().optional()]),
      handler: (ctx, event, data) => services.publish(ctx.plugin.id, event, data),
    }),
    leave: defineMethod({
      scope: 'lifecycle',
      description: 'Ask the host to stop this plugin cleanly',
      params: z.tuple([z.string().max(1000).optional()]),
      handler: (ctx, reason) => services.leave(ctx.plugin.id, reason),
    }),
  };
}

export const BUILTIN_METHOD_NAMES: ReadonlySet<string> = new Set(['log', 'logs', 'publish', 'leave']);
