// process.loadEnvFile reads a file into process.env.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('load-env-file', (t) => {
  process.loadEnvFile(t.secretEnvFile);
  return String(process.env.SECRET_FROM_FILE);
});
