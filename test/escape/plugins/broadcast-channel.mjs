// BroadcastChannel reaches every thread of the process by name.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('broadcast-channel', (t) => {
  const channel = new BroadcastChannel(t.broadcastName);
  channel.postMessage('escape-broadcast');
  channel.close();
  return 'posted';
});
