/** Pup's REST paths mapped to host methods (workers/shims/pup/routes.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteError, routeRequest } from '../../workers/shims/pup/routes.js';

test('every Pup endpoint maps to its host method', () => {
  assert.deepEqual(routeRequest('GET', '/processes', undefined), { method: 'getProcesses', args: [], reply: 'data' });
  assert.deepEqual(routeRequest('get', '/state', undefined), { method: 'getState', args: [], reply: 'data' });
  for (const action of ['start', 'stop', 'restart', 'block', 'unblock']) {
    assert.deepEqual(routeRequest('POST', `/processes/web%201/${action}`, undefined), { method: `${action}Process`, args: ['web 1'], reply: 'action' });
  }
  assert.deepEqual(routeRequest('POST', '/terminate', undefined), { method: 'terminate', args: [], reply: 'none' });
  assert.deepEqual(routeRequest('POST', '/log', JSON.stringify({ severity: 'WARN', plugin: 'p', message: 'm' })), { method: 'log', args: ['warn', 'm'], reply: 'none' });
  assert.deepEqual(routeRequest('POST', '/ipc', JSON.stringify({ target: 't', event: 'e', eventData: 1 })), { method: 'ipc', args: [{ target: 't', event: 'e', eventData: 1 }], reply: 'required' });
  assert.deepEqual(routeRequest('POST', '/telemetry', { sent: 'x' }), { method: 'telemetry', args: [{ sent: 'x' }], reply: 'required' });
});

test('the log query follows Pup: numbers parsed, nRows capped at 100, severity lower-cased', () => {
  assert.deepEqual(routeRequest('GET', '/logs?processId=web&startTimeStamp=10&endTimeStamp=20&severity=ERROR&nRows=5', undefined).args,
    [{ processId: 'web', startTimeStamp: 10, endTimeStamp: 20, severity: 'error', nRows: 5 }]);
  assert.deepEqual(routeRequest('GET', '/logs?', undefined).args, [{ nRows: 100 }]);
  assert.deepEqual(routeRequest('GET', '/logs?nRows=5000', undefined).args, [{ nRows: 100 }]);
  assert.throws(() => routeRequest('GET', '/logs?nRows=many', undefined), (e: unknown) => e instanceof RouteError && e.status === 400 && e.message === 'nRows should be a number');
});

test('requests outside the API, and bodies Pup refuses, get Pup\'s status and message', () => {
  const refused = (status: number, message: string) => (e: unknown) => e instanceof RouteError && e.status === status && e.message === message;
  assert.throws(() => routeRequest('DELETE', '/processes', undefined), (e: unknown) => e instanceof RouteError && e.status === 404);
  assert.throws(() => routeRequest('POST', '/processes/web/explode', undefined), /POST \/processes\/web\/explode is not part of Pup's plugin API/);
  assert.throws(() => routeRequest('POST', '/log', undefined), refused(400, 'Log data is required.'));
  assert.throws(() => routeRequest('POST', '/log', '{"severity":"info","message":"m"}'), refused(400, 'Missing severity, plugin, or message.'));
  assert.throws(() => routeRequest('POST', '/log', '{"severity":"fatal","plugin":"p","message":"m"}'), refused(400, 'Invalid severity.'));
  assert.throws(() => routeRequest('POST', '/log', '{"severity":"debug","plugin":"p","message":"m"}'), refused(400, 'Invalid severity.'), 'Pup takes log, info, warn, error');
  assert.throws(() => routeRequest('POST', '/ipc', '{"event":"e","eventData":1}'), refused(500, 'Missing target'));
  assert.throws(() => routeRequest('POST', '/ipc', '{"target":"t","eventData":1}'), refused(500, 'Missing event'));
  assert.throws(() => routeRequest('POST', '/ipc', '{"target":"t","event":"e"}'), refused(500, 'Missing event data'));
  assert.throws(() => routeRequest('POST', '/ipc', '{oops'), (e: unknown) => e instanceof RouteError && e.status === 500);
});
