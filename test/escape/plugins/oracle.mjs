// Asks the module resolver whether files exist (test/escape/oracles.test.ts copies
// this plugin into a folder whose parent holds a hidden package). Self-contained: it
// runs from a temporary folder.
import { createRequire } from 'node:module';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { PluginImplementation } from 'paddock-runtime/sdk';

const require = createRequire(import.meta.url);
const { Module } = nodeModule;

/** What an oracle answered, in a form two answers can be compared in. */
function outcome(ask) {
  try {
    const value = ask();
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, code: error?.code ?? 'none' };
  }
}

const ORACLES = {
  stat: (t) => Module._stat(t.file),
  findPath: (t) => Module._findPath(t.base, [t.dir]),
  resolveRelativeWithPaths: (t) => require.resolve(`./${t.base}`, { paths: [t.dir] }),
  resolvePackageWithPaths: (t) => require.resolve(t.pkg, { paths: [t.root] }),
  resolvePackageUpTheTree: (t) => require.resolve(t.pkg),
  importMetaResolve: (t) => import.meta.resolve(t.pkg),
  readPackage: (t) => {
    const value = Module._readPackage(t.pkgDir);
    return value && typeof value === 'object' ? (value.name ?? value.exists ?? null) : value ?? null;
  },
  findPackageJSONOfFile: (t) => nodeModule.findPackageJSON(pathToFileURL(t.pkgFile)),
  findPackageJSONOfPackage: (t) => nodeModule.findPackageJSON(t.pkg, import.meta.url),
};

export class PupPlugin extends PluginImplementation {
  meta = { name: 'oracle', version: '1.0.0', api: '*', repository: 'https://example.invalid/paddock-escape' };
  actions = {
    has: (name) => (name === 'findPackageJSONOfFile' || name === 'findPackageJSONOfPackage' ? typeof nodeModule.findPackageJSON === 'function' : true),
    ask: ({ oracle, target }) => outcome(() => ORACLES[oracle](target)),
  };
}
