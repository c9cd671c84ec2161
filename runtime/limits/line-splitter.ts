// The splitter lives in sdk/kernel (the plugin-host process cuts lines with it too).
export { splitLines } from '../../sdk/kernel/line-splitter.js';
