/**
 * The layers run one way (docs/explanation/architecture.md), checked over the TypeScript sources:
 *
 *   sdk/      imports nothing from workers/, runtime/ or examples/ (the kernel is at the bottom)
 *   workers/  imports sdk/ only (and node builtins, packages)
 *   runtime/  imports sdk/; reaches workers/ only through `new URL('…', import.meta.url)`
 *             entry URLs, never an import
 *   examples/ is a leaf: nothing in sdk/, workers/ or runtime/ names it
 *   no import circles anywhere, type-only imports included
 *
 * Every import form counts: static imports and re-exports (type-only too), `import()` with
 * a string literal, and `import('…').Type` in type positions.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LAYERS = ['sdk', 'workers', 'runtime', 'examples'] as const;
type Layer = (typeof LAYERS)[number];

interface Reference {
  /** `file:line` of the importing statement, relative to the repository. */
  at: string;
  from: string;
  /** Repository-relative path of the target (the .ts source when there is one). */
  to: string;
  kind: 'import' | 'url';
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.(m|c)?(t|j)s$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The source a compiled `.js` specifier stands for (tsc keeps the relative layout). */
function sourceOf(path: string): string {
  for (const [js, src] of [['.js', '.ts'], ['.mjs', '.mts'], ['.cjs', '.cts']] as const) {
    if (path.endsWith(js) && existsSync(path.slice(0, -js.length) + src)) return path.slice(0, -js.length) + src;
  }
  return path;
}

function referencesOf(file: string): Reference[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const from = relative(root, file).split(sep).join('/');
  const out: Reference[] = [];
  const add = (node: ts.Node, specifier: string, kind: Reference['kind']) => {
    if (!specifier.startsWith('.')) return; // node builtins and packages
    const target = sourceOf(resolve(dirname(file), specifier));
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    out.push({ at: `${from}:${line}`, from, to: relative(root, target).split(sep).join('/') || '.', kind });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, 'import');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
      && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text, 'import');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(node, arg.text, 'import');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, 'import');
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [arg, base] = node.arguments ?? [];
      if (arg && base && ts.isStringLiteralLike(arg) && base.getText(source) === 'import.meta.url') add(node, arg.text, 'url');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function layerOf(path: string): Layer | undefined {
  const top = path.split('/')[0];
  return (LAYERS as readonly string[]).includes(top!) ? top as Layer : undefined;
}

const references = LAYERS.flatMap((layer) => sourceFiles(join(root, layer))).flatMap(referencesOf);
const show = (list: Reference[]) => list.map((r) => `  ${r.at} → ${r.to}${r.kind === 'url' ? ' (URL)' : ''}`).join('\n');

function broken(rule: (from: Layer, to: Layer | undefined, ref: Reference) => boolean): Reference[] {
  return references.filter((ref) => {
    const from = layerOf(ref.from);
    return from !== undefined && rule(from, layerOf(ref.to), ref);
  });
}

test('the scan sees the imports it checks (a scan that finds nothing would pass every rule)', () => {
  const kinds = new Set(references.map((r) => `${layerOf(r.from)}→${layerOf(r.to)}:${r.kind}`));
  for (const expected of ['runtime→sdk:import', 'workers→sdk:import', 'runtime→workers:url', 'sdk→sdk:import']) {
    assert.ok(kinds.has(expected), `no ${expected} reference found: the scan is broken`);
  }
});

test('sdk/ names nothing in workers/, runtime/ or examples/', () => {
  const bad = broken((from, to) => from === 'sdk' && to !== undefined && to !== 'sdk');
  assert.equal(bad.length, 0, `sdk/ is the bottom layer, but:\n${show(bad)}`);
});

test('workers/ imports only sdk/ (and names no host or example file)', () => {
  const bad = broken((from, to) => from === 'workers' && to !== undefined && to !== 'workers' && to !== 'sdk');
  assert.equal(bad.length, 0, `workers/ runs plugin-side and may import only sdk/, but:\n${show(bad)}`);
});

test('runtime/ imports sdk/ and reaches workers/ only through entry URLs', () => {
  const bad = broken((from, to, ref) => from === 'runtime'
    && ((ref.kind === 'import' && to !== undefined && to !== 'runtime' && to !== 'sdk') || to === 'examples'));
  assert.equal(bad.length, 0, `runtime/ may import only sdk/ (workers/ by new URL(…, import.meta.url)), but:\n${show(bad)}`);
});

test('examples/ is a leaf: nothing in the product names it', () => {
  const bad = broken((from, to) => from !== 'examples' && to === 'examples');
  assert.equal(bad.length, 0, `examples/ must not be imported by the product, but:\n${show(bad)}`);
});

test('no import circles (type-only imports count)', () => {
  const edges = new Map<string, Reference[]>();
  for (const ref of references) {
    if (ref.kind !== 'import') continue;
    if (!edges.has(ref.from)) edges.set(ref.from, []);
    edges.get(ref.from)!.push(ref);
  }
  // Depth-first search; a back edge closes a circle, reported once by its files.
  const state = new Map<string, 'open' | 'done'>();
  const path: Reference[] = [];
  const circles = new Map<string, Reference[]>();
  const visit = (file: string): void => {
    state.set(file, 'open');
    for (const ref of edges.get(file) ?? []) {
      const seen = state.get(ref.to);
      if (seen === 'open') {
        const start = path.findIndex((r) => r.from === ref.to);
        const circle = [...path.slice(start === -1 ? path.length : start), ref];
        circles.set(circle.map((r) => r.from).sort().join(' '), circle);
      } else if (seen === undefined) {
        path.push(ref);
        visit(ref.to);
        path.pop();
      }
    }
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  const text = [...circles.values()].map((circle) => show(circle)).join('\n  ---\n');
  assert.equal(circles.size, 0, `import circles:\n${text}`);
});
