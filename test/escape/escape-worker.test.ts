// Escape vectors against plugins in worker threads (see suite.ts).
import { escapeSuite } from './suite.js';

escapeSuite('worker');
