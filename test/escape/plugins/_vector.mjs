// Shared by the escape plugins: a plugin class whose `attack` action runs one escape
// attempt against the target the test describes, and returns what it got.
import { PluginImplementation } from 'paddock-runtime/sdk';

export function vector(name, attack) {
  return class extends PluginImplementation {
    meta = { name: `escape-${name}`, version: '1.0.0', api: '*', repository: 'https://example.invalid/paddock-escape' };
    actions = {
      attack: (target) => attack(target, this),
      ping: () => 'pong',
    };
  };
}

/** Settle an event-style API into a promise. */
export function once(emitter, ok, fail = 'error') {
  return new Promise((resolve, reject) => {
    emitter.once(ok, resolve);
    emitter.once(fail, reject);
  });
}
