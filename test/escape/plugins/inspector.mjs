// The inspector evaluates anything and reads every closure (the gates' too).
import { vector } from './_vector.mjs';
export const PupPlugin = vector('inspector', async () => {
  const { Session } = await import('node:inspector');
  const inspector = new Session();
  inspector.connect();
  try {
    return await new Promise((resolve, reject) => inspector.post('Runtime.evaluate', { expression: '6 * 7' }, (error, result) => (error ? reject(error) : resolve(`evaluated ${result.result.value}`))));
  } finally {
    inspector.disconnect();
  }
});
