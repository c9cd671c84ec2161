import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptedMetaNames, packageMetaMismatch } from '../../runtime/packages/package-meta.js';
import { jsrToNpmName, npmToJsrName, parseSpecifier } from '../../runtime/packages/specifier.js';

test('npm: and jsr: specifiers are split into name, range and subpath', () => {
  const cases: Array<[string, Partial<ReturnType<typeof parseSpecifier>>]> = [
    ['npm:left-pad', { scheme: 'npm', name: 'left-pad', range: undefined, subpath: undefined, packageName: 'left-pad', key: 'npm:left-pad', npmSpec: 'left-pad@latest' }],
    ['npm:left-pad@^1.2', { name: 'left-pad', range: '^1.2', key: 'npm:left-pad@^1.2', npmSpec: 'left-pad@^1.2' }],
    ['npm:@acme/greeter@1.0.0/sub/path.js', { name: '@acme/greeter', range: '1.0.0', subpath: 'sub/path.js', key: 'npm:@acme/greeter@1.0.0' }],
    ['npm:@acme/greeter/sub', { name: '@acme/greeter', range: undefined, subpath: 'sub', key: 'npm:@acme/greeter' }],
    ['npm:@acme/greeter@next', { range: 'next', npmSpec: '@acme/greeter@next' }],
    ['npm:pkg@>=1 <3', { range: '>=1 <3' }],
    ['jsr:@std/path@^1/posix', { scheme: 'jsr', name: '@std/path', range: '^1', subpath: 'posix', packageName: '@jsr/std__path', key: 'jsr:@std/path@^1', npmSpec: '@jsr/std__path@^1' }],
    ['jsr:/@std/path', { name: '@std/path', packageName: '@jsr/std__path' }],
    ['NPM:left-pad', { scheme: 'npm', name: 'left-pad' }],
  ];
  for (const [raw, expected] of cases) {
    const parsed = parseSpecifier(raw);
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(parsed[key as keyof typeof parsed], value, `${raw}: ${key}`);
  }
});

test('malformed specifiers are refused with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['npm:', /the package name is missing/],
    ['npm:@acme', /needs a "\/" between scope and name/],
    ['npm:Left-Pad', /"Left-Pad" is not a valid npm package name/],
    ['npm:left pad', /not a valid npm package name/],
    ['npm:left-pad@', /nothing follows the "@"/],
    ['npm:left-pad@!!', /"!!" is neither a semver version or range nor a dist-tag/],
    ['npm:left-pad@1/../../etc/passwd', /subpath "\.\.\/\.\.\/etc\/passwd" must be a relative path/],
    ['npm:left-pad@1/a//b', /must be a relative path without empty/],
    ['jsr:std-path@1', /"std-path" is not a JSR package name/],
    ['jsr:@Std/path', /is not a JSR package name/],
    ['file:./x.ts', /expected "npm:" or "jsr:"/],
  ];
  for (const [raw, reason] of cases) {
    assert.throws(() => parseSpecifier(raw), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_SPECIFIER_INVALID', raw);
      assert.ok(error.message.startsWith(`package specifier ${JSON.stringify(raw)} is malformed: `), error.message);
      assert.match(error.message, reason);
      return true;
    });
  }
});

test('JSR names map to the @jsr scope and back', () => {
  assert.equal(jsrToNpmName('@luca/flag'), '@jsr/luca__flag');
  assert.equal(npmToJsrName('@jsr/luca__flag'), '@luca/flag');
  assert.equal(npmToJsrName('@acme/flag'), undefined);
  assert.deepEqual([...acceptedMetaNames('@jsr/acme__jsr-hello')].sort(), ['@acme/jsr-hello', '@jsr/acme__jsr-hello', 'acme__jsr-hello', 'jsr-hello']);
});

test('meta is compared with the package and each disagreement is named', () => {
  assert.deepEqual(packageMetaMismatch({ name: '@acme/greeter', version: '1.0.0' }, { name: 'greeter', version: '1.0.0' }), []);
  assert.deepEqual(packageMetaMismatch({ name: '@jsr/acme__x', version: '2.0.0' }, { name: '@acme/x', version: '2.0.0' }), []);
  const problems = packageMetaMismatch({ name: '@acme/greeter', version: '1.1.0' }, { name: 'welcomer', version: '1.0.0' });
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /meta\.name "welcomer" is not the package's name \("@acme\/greeter" or "greeter"\)/);
  assert.match(problems[1]!, /meta\.version "1\.0\.0" is not the package's version "1\.1\.0"/);
});
