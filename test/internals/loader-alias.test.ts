/** Loader aliases: a jsr:/npm: package name matches with or without a version (workers/loader/hooks.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAlias, isProvidedByRuntime } from '../../sdk/kernel/provided-specifiers.js';

const aliases = new Map([
  ['paddock-runtime/sdk', 'file:///sdk.js'],
  ['jsr:@pup/plugin', 'file:///plugin.js'],
  ['npm:left-pad', 'file:///left-pad.js'],
]);

test('exact names and versioned jsr:/npm: names find their alias', () => {
  assert.equal(findAlias(aliases, 'paddock-runtime/sdk'), 'file:///sdk.js');
  assert.equal(findAlias(aliases, 'jsr:@pup/plugin'), 'file:///plugin.js');
  assert.equal(findAlias(aliases, 'jsr:@pup/plugin@^1.0.1'), 'file:///plugin.js');
  assert.equal(findAlias(aliases, 'jsr:@pup/plugin@1'), 'file:///plugin.js');
  assert.equal(findAlias(aliases, 'jsr:/@pup/plugin@1.0.1'), 'file:///plugin.js');
  assert.equal(findAlias(aliases, 'npm:left-pad@1.3.0'), 'file:///left-pad.js');
});

test('other packages, subpaths and look-alikes find nothing', () => {
  assert.equal(findAlias(aliases, 'jsr:@pup/plugin-extra'), undefined);
  assert.equal(findAlias(aliases, 'jsr:@pup/plugin@1/mod.ts'), undefined);
  assert.equal(findAlias(aliases, 'jsr:@evil/plugin'), undefined);
  assert.equal(findAlias(aliases, 'paddock-runtime/sdk@1'), undefined);
  assert.equal(findAlias(aliases, '@pup/plugin'), undefined);
});

test('the import scan skips every specifier the runtime provides, with or without a version', () => {
  for (const specifier of ['paddock-runtime/sdk', 'npm:paddock-runtime/sdk', 'jsr:@pup/plugin', 'jsr:@pup/api-client@^1.0.0', 'jsr:/@pup/api-definitions@1']) {
    assert.equal(isProvidedByRuntime(specifier), true, specifier);
  }
  assert.equal(isProvidedByRuntime('jsr:@pup/other'), false);
  assert.equal(isProvidedByRuntime('npm:left-pad@1'), false);
});
