// Preloaded by NODE_OPTIONS in a Worker's env (nested-node-options.mjs): if it ever ran,
// it would run before the nested worker's gates and read the secret ungated (its path
// comes in the env: workerData is the gate's handoff at that point).
const { readFileSync } = require('node:fs');
try {
  globalThis.__preloaded = readFileSync(process.env.ESCAPE_SECRET_FILE, 'utf8');
} catch {
  // refused: the body reads through the gates
}
