import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStderrLine } from '../../runtime/external/stderr-levels.js';

test('level prefixes of external plugins\' stderr lines: words, [brackets] and Stash\'s control characters', () => {
  const cases: Array<[string, unknown]> = [
    ['INFO: ready', { kind: 'log', severity: 'info', message: 'ready' }],
    ['warning: disk almost full', { kind: 'log', severity: 'warn', message: 'disk almost full' }],
    ['[debug] details', { kind: 'log', severity: 'debug', message: 'details' }],
    ['TRACE step', { kind: 'log', severity: 'debug', message: 'step' }],
    ['Fatal: gone', { kind: 'log', severity: 'error', message: 'gone' }],
    ['\x01w\x02careful', { kind: 'log', severity: 'warn', message: 'careful' }],
    ['\x01e\x02broken', { kind: 'log', severity: 'error', message: 'broken' }],
    ['\x01p\x020.25', { kind: 'progress', value: 0.25 }],
    ['PROGRESS: 40% copying', { kind: 'progress', value: 0.4, message: 'copying' }],
    ['progress 1 done', { kind: 'progress', value: 1, message: 'done' }],
    ['information is not a prefix', { kind: 'log', severity: 'warn', message: 'information is not a prefix' }],
    ['PROGRESS: lots', { kind: 'log', severity: 'warn', message: 'PROGRESS: lots' }],
    ['progress: 1.5 too far', { kind: 'log', severity: 'warn', message: 'progress: 1.5 too far' }],
    ['plain line', { kind: 'log', severity: 'warn', message: 'plain line' }],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseStderrLine(line, 'warn'), expected, JSON.stringify(line));
});
