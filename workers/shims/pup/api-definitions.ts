/**
 * `jsr:@pup/api-definitions` for plugins: the Pup API's types and enums. They live in
 * the shared kernel because the host's Pup profile speaks the same shapes.
 */
export * from '../../../sdk/kernel/pup-api-definitions.js';
