// require() of a non-JS file: Node's SyntaxError quotes the offending line.
import { createRequire } from 'node:module';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('error-message-leak', (t) => {
  try {
    createRequire(import.meta.url)(t.secretEnvFile);
    return 'loaded';
  } catch (error) {
    if (error.code === 'PADDOCK_ERR_PERMISSION_DENIED' || error.code === 'ERR_ACCESS_DENIED') throw error;
    return `${error.message}\n${error.stack}`;
  }
});
