// The test file the test-runner escape plugin runs.
import { test } from 'node:test';
test('ran in a child process', () => {});
