#!/usr/bin/env node
/**
 * `npm run build`, second step (after tsc): one bundled file per thread kind under
 * dist/workers/bundle/, the entries the runtime starts. A plugin thread otherwise loads
 * some 45 modules of workers/ one by one through the ESM loader at each start (resolve,
 * read, compile, link each); bundled, it is one file (measured: bench/start.bench.ts,
 * docs/benchmarks.md).
 *
 * What plugin code can import stays a module of its own: `paddock-runtime/sdk` and the
 * Pup shims are mapped to dist/sdk/index.js and dist/workers/shims/pup/*.js, and the
 * worker must share those very instances with the plugin (the SDK's client and worker
 * link, its error classes, comlink's markers). So the modules those provided modules
 * reach (found by a first esbuild pass), and npm packages, stay external and load
 * from where they are; everything else the thread runs (the gates, the loader, the
 * control code, the SDK kernel modules only the runtime uses) is in the bundle. A plugin
 * importing such a kernel module by path gets a fresh copy, not the worker's. Threads
 * that never run plugin code (Node 20's hooks thread, the plugin-host process's main
 * thread) bundle everything. Thread-wide flags the gates keep (THREAD_STATE) stay
 * external too, so a second copy of an entry sees the thread's one flag. The bundle folder is not among the folders a plugin may
 * import from (runtime/permissions/sandbox-extras.ts), as dist/workers/ is not.
 *
 * `import.meta.url` keeps its meaning: in each bundled module it is rewritten to the URL
 * of that module's own compiled file (dist/workers/…), so paths computed from it (the
 * SDK's aliases, the runtime's folders, createRequire) are what they were unbundled;
 * `new URL('./x.js', import.meta.url)` naming another entry points at that entry's
 * bundle. Source maps chain through tsc's maps to the TypeScript sources.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const workers = join(root, 'dist', 'workers');
const sdk = join(root, 'dist', 'sdk');
const outdir = join(workers, 'bundle');

/** Thread kind → its compiled entry under dist/workers/. */
export const ENTRIES = {
  'bootstrap': 'bootstrap.js', // plugin worker thread
  'task-worker': 'task-worker.js', // task pool thread
  'process-child': 'process-child.js', // process-isolated plugin (child process)
  'plugin-host-process': 'plugin-host-process.js', // plugin-host process (workers in a child)
  'nested-worker': 'nested-worker.js', // a plugin's own Worker, with the gates
  'off-thread-hooks': 'loader/off-thread-hooks.js', // Node 20's module hooks thread
};

/** Entries whose thread never runs plugin code: nothing needs to stay shared. */
const PRIVATE_THREADS = new Set(['plugin-host-process', 'off-thread-hooks']);
/** The modules the loader maps provided specifiers to (sdk/kernel/provided-specifiers.ts). */
const PROVIDED = ['../sdk/index.js', 'shims/pup/plugin.js', 'shims/pup/api-client.js', 'shims/pup/api-definitions.js'].map((file) => join(workers, file));

/**
 * Thread-wide state that every copy of the worker code must share (a second copy of an
 * entry, imported under another URL, must still see it): kept external like the SDK.
 */
const THREAD_STATE = ['gates/installed.js'].map((file) => join(workers, file));

const entryByFile = new Map(Object.entries(ENTRIES).map(([name, file]) => [join(workers, file), name]));
const posix = (path) => path.split(sep).join('/');

/** From the bundle folder to `file`, as a relative URL path. */
function fromBundle(file) {
  const rel = posix(relative(outdir, file));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The compiled files plugin code can reach through the provided modules. */
async function sharedFiles() {
  const { metafile } = await build({
    entryPoints: PROVIDED, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm',
    packages: 'external', outdir: join(outdir, 'shared'), logLevel: 'warning',
  });
  return new Set([...Object.keys(metafile.inputs).map((file) => resolve(root, file)), ...THREAD_STATE]);
}

function keepUrls(shared) {
  return {
    name: 'paddock-import-meta-url',
    setup(pluginBuild) {
      // What plugin code shares with the worker loads as its own module (see above).
      pluginBuild.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (shared.has(target)) return { path: fromBundle(target), external: true };
        return undefined;
      });
      pluginBuild.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(join(root, 'dist') + sep)) return undefined;
        let code = readFileSync(args.path, 'utf8');
        if (!code.includes('import.meta.url')) return { contents: code, loader: 'js', resolveDir: dirname(args.path) };
        // new URL('<relative>', import.meta.url): an entry's bundle, else the same file as before.
        code = code.replace(/new URL\((['"])([^'"]+)\1, import\.meta\.url\)/g, (_match, _quote, target) => {
          const file = resolve(dirname(args.path), target);
          const entry = entryByFile.get(file);
          const path = entry ? `./${entry}.js` : fromBundle(file) + (target.endsWith('/') ? '/' : '');
          return `new URL(${JSON.stringify(path)}, OWN_BUNDLE_URL)`;
        });
        // Any other use: this module's own compiled file.
        code = code.replace(/import\.meta\.url/g, `new URL(${JSON.stringify(fromBundle(args.path))}, import.meta.url).href`);
        code = code.replaceAll('OWN_BUNDLE_URL', 'import.meta.url');
        return { contents: code, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

export async function bundleWorkers() {
  for (const file of Object.values(ENTRIES)) {
    if (!existsSync(join(workers, file))) throw new Error(`bundle-workers: ${file} is missing from dist/workers: run tsc first`);
  }
  rmSync(outdir, { recursive: true, force: true });
  const shared = await sharedFiles();
  const common = {
    outdir,
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  };
  const entries = (keep) => Object.fromEntries(Object.entries(ENTRIES).filter(([name]) => PRIVATE_THREADS.has(name) !== keep).map(([name, file]) => [name, join(workers, file)]));
  const results = await Promise.all([
    build({ ...common, entryPoints: entries(true), plugins: [keepUrls(shared)] }),
    build({ ...common, entryPoints: entries(false), plugins: [keepUrls(new Set())] }),
  ]);
  const result = { metafile: { inputs: {}, outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)) } };
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const metafile = await bundleWorkers();
  const lines = Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => `${posix(relative(root, file))}: ${Object.keys(output.inputs).length} modules, ${(output.bytes / 1024).toFixed(0)} KiB`);
  process.stdout.write(`bundle-workers: ${lines.join('; ')}\n`);
}
