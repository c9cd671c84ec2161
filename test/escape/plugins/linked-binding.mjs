// process._linkedBinding: the other door to Node's native bindings.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('linked-binding', () => {
  try {
    process._linkedBinding('paddock_escape_probe');
    return 'bound';
  } catch (error) {
    if (error.code === 'PADDOCK_ERR_PERMISSION_DENIED' || error.code === 'ERR_ACCESS_DENIED') throw error;
    // Reached the real function (there is no such binding, which is fine here).
    return `reached _linkedBinding: ${error.code}`;
  }
});
