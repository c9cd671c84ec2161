// A plugin whose npm dependency (CommonJS) reads a file with its own require('fs').
// Self-contained: its folder is all it may read.
import { PluginImplementation } from 'paddock-runtime/sdk';
import utility from 'innocent-utility';

export class PupPlugin extends PluginImplementation {
  meta = { name: 'escape-cjs-dependency', version: '1.0.0', api: '*', repository: 'https://example.invalid/paddock-escape' };
  actions = {
    attack: (t) => utility.readSecret(t.secretFile),
    ping: () => 'pong',
  };
}
