/**
 * `paddock-runtime/sdk`: what plugin authors import. Nothing here reaches into the host.
 */
export { PluginImplementation, defineAction, type Action, type ActionDefinition } from './plugin.js';
export { defineTask, type Task, type TaskContext, type TaskDefinition } from './tasks.js';
export { InfoPlugin, MonitorPlugin, type CollectorKind } from './collectors.js';
export { PaddockClient, type EventListener } from './client.js';
export { connect } from './connect.js';
export { permissions, type PermissionDescriptor, type PermissionStatus, type PermissionName, type GrantedPermissions, type GrantedPermission } from './permissions.js';
export * from './types.js';
export * from './errors.js';
export { z } from './zod.js';
