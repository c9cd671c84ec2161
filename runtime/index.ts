/**
 * `paddock`: the host side. Embed a PluginRuntime, define the API plugins may call,
 * load plugins from a config, emit events, invoke actions.
 */
export { PluginRuntime, type RuntimeEvents, type EventSource, type LoadOptions, type LoadReport } from './plugin-runtime.js';
export { defineMethod, type MethodDefinition, type MethodContext, type HostApiDefinition, type ApiOf, type EventDefinition } from './api/define.js';
export { BUILTIN_SCOPES } from './api/builtins.js';
export type { PluginInfo, PluginState, StateChange } from './supervisor/plugin-controller.js';
export type { CollectedResult } from './collectors/collector-scheduler.js';
export type { TaskProgress, TaskRunOptions } from './tasks/task-types.js';
export type { ActionInfo, TaskInfo, CollectorInfo } from '../sdk/kernel/protocol.js';
export { DEFAULT_LIMITS, type RuntimeOptions, type ResolvedLimits } from './options.js';
export { configSchema, pluginEntrySchema, moduleEntrySchema, execEntrySchema, limitsSchema, resolvedLimitsSchema, isModuleEntry, type PaddockConfig, type ParsedConfig, type PluginEntry, type PluginEntryInput, type ModuleEntry, type ExecEntry, type Limits } from './config/schema.js';
export { poolSchema, collectorSchema, type PoolConfig, type CollectorConfig, type ExternalTask } from './config/entry-models.js';
export { readConfigFile, parseJsonc, validateConfig, type LoadedConfig } from './config/load.js';
export { configJsonSchema } from './config/json-schema.js';
export { formatIssues, formatPath } from './config/format-issues.js';
export { createLogger, type LoggerOptions } from './logging/logger.js';
export { permissionsSchema, isolationSchema, type Permissions, type PermissionsInput, type Isolation } from './permissions/schema.js';
export { formatPermissions, describePermissions, type FormatContext } from './permissions/format.js';
export { effectivePermissions, normalizePermissions, intersectPermissions, ALL_PERMISSIONS, type EffectivePermissions } from './permissions/effective.js';
export { PERMISSION_NAMES, SYS_KINDS, type PermissionGrant, type PermissionName, type DenialReport, type Grant } from '../sdk/kernel/sandbox-data.js';
export { LogStore, MAX_LOG_ROWS } from './logging/log-store.js';
export type { SchemeResolver, ResolvedPlugin, ResolveContext } from './resolve/resolve-url.js';
export type { PackageOptions } from './packages/options.js';
export type { InstallProgress, InstallPhase } from './packages/progress.js';
export * from '../sdk/errors.js';
export type { PluginMeta, PluginConfiguration, LogItem, LogQuery, LogSeverity } from '../sdk/types.js';
export { z } from 'zod';
export type { RuntimeMetrics, PluginMetrics, CallFigures, HistogramData } from './metrics/types.js';
export { prometheusRegistry, METRIC_HELP, type PrometheusOptions } from './metrics/prometheus.js';
export { registerOpenTelemetry, type OpenTelemetryOptions } from './metrics/opentelemetry.js';
