#!/usr/bin/env node
// Writes test/escape/reachable.json, the reviewed list of the reachability audit
// (audit.test.ts). Run after `npm run build`, once per Node line at the same time:
//
//   node test/escape/write-reachable.mjs --node /path/to/node22 --node /path/to/node24 … [--reclassify]
//
// Every line walks the functions a default-permission plugin reaches; entries already
// in the list keep their class (they were reviewed), new ones get the class the rules
// in reachable-rules.mjs give them ("unreviewed" when none matches: review it, then
// add a rule or edit the entry). An entry found on only some of the lines walked is
// written with those lines ("harmless @24,26"); the audit allows an entry to be absent,
// never a function to be present without an entry.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { classify } from './reachable-rules.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = new URL('../../dist/test/escape/audit-walk.js', import.meta.url);
const LINES = [20, 22, 24, 26];

if (process.argv[2] === '--walk') {
  const { walkReachable } = await import(dist.href);
  process.stdout.write(JSON.stringify(await walkReachable()));
  process.exit(0);
}

// --reclassify: apply the rules to every entry again (after a rule changed).
const nodes = [process.execPath];
let reclassify = false;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--node') nodes.push(process.argv[++i]);
  else if (process.argv[i] === '--reclassify') reclassify = true;
}

const found = new Map(); // line → Set of paths
for (const node of nodes) {
  // The flags the test runner gives (test/run.mjs): --expose-gc adds globalThis.gc.
  const out = execFileSync(node, ['--expose-gc', fileURLToPath(import.meta.url), '--walk'], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const result = JSON.parse(out.toString('utf8'));
  const line = Number(result.node.split('.')[0]);
  if (result.truncated) throw new Error(`Node ${result.node}: the walk was cut short; raise its bounds`);
  found.set(line, new Set(result.functions));
  console.error(`Node ${result.node}: ${result.functions.length} functions, ${result.objects} objects in ${result.ms} ms`);
}

const file = `${here}reachable.json`;
const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { functions: {} };
const walked = [...found.keys()].sort((a, b) => a - b);
const allWalked = LINES.every((line) => found.has(line));
const paths = new Set(Object.keys(old.functions));
for (const set of found.values()) for (const path of set) paths.add(path);

const functions = {};
const counts = {};
for (const path of [...paths].sort()) {
  const previous = old.functions[path];
  const at = previous?.indexOf(' @') ?? -1;
  const cls = previous === undefined || reclassify ? classify(path) : at === -1 ? previous : previous.slice(0, at);
  const oldLines = previous === undefined ? [] : at === -1 ? (previous === undefined ? [] : LINES) : previous.slice(at + 2).split(',').map(Number);
  const lines = new Set(oldLines.filter((line) => !found.has(line)));
  for (const line of walked) if (found.get(line).has(path)) lines.add(line);
  if (lines.size === 0) continue; // on no line any more
  const sorted = [...lines].sort((a, b) => a - b);
  const everywhere = LINES.every((line) => lines.has(line)) || (!allWalked && previous !== undefined && at === -1);
  functions[path] = everywhere ? cls : `${cls} @${sorted.join(',')}`;
  counts[cls] = (counts[cls] ?? 0) + 1;
}

const list = {
  about: 'Every function a default-permission plugin can reach, reviewed: harmless, gated:<gate> (reachable-rules.mjs names the gate module) or open:<finding>. Written by write-reachable.mjs, checked by audit.test.ts.',
  lines: LINES,
  functions,
};
writeFileSync(file, `${JSON.stringify(list, null, 1)}\n`);
console.error(`wrote ${Object.keys(functions).length} entries to ${file}: ${JSON.stringify(counts)}`);
if (counts.unreviewed) {
  for (const [path, entry] of Object.entries(functions)) if (entry.startsWith('unreviewed')) console.error(`  unreviewed: ${path}`);
  process.exitCode = 1;
}
