/**
 * The reachability audit: a plugin with default permissions walks everything its
 * thread can reach (plugins/audit-walk.mjs), and every function it finds must be on
 * the reviewed list (reachable.json) for this Node line, as harmless or with the gate
 * that covers it. A Node release that opens a new route fails here, naming it, until
 * someone reviews it (write-reachable.mjs adds it; reachable-rules.mjs classifies).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import { repoRoot } from '../helpers.js';
import { parseEntry, REACHABLE_FILE, unreviewed, walkReachable, type ReachableList, type WalkResult } from './audit-walk.js';

const LINE = Number(process.versions.node.split('.')[0]);

describe(`reachability audit (Node ${LINE})`, () => {
  let walk: WalkResult;
  let list: ReachableList;
  let gates: Record<string, string>;

  before(async () => {
    list = JSON.parse(readFileSync(REACHABLE_FILE, 'utf8')) as ReachableList;
    ({ GATES: gates } = await import(pathToFileURL(join(repoRoot, 'test', 'escape', 'reachable-rules.mjs')).href) as { GATES: Record<string, string> });
    walk = await walkReachable();
  });

  test('the walk ran inside the sandbox and finished within its bounds', () => {
    assert.equal(walk.truncated, false, 'the walk hit its depth or object bound: raise it in plugins/audit-walk.mjs');
    // The gates were on: the inspector is refused to a default plugin.
    assert.equal(walk.refusedModules['node:inspector'], 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.deepEqual(walk.refusedProbes, []);
    // It reached what it must reach, so the list cannot pass by walking nothing.
    for (const path of ['node:fs.readFileSync', 'node:child_process.spawn', 'node:net.Socket.prototype.connect', 'node:os.hostname', 'globalThis.Array.prototype.map']) {
      assert.ok(walk.functions.includes(path), `the walk should reach ${path}`);
    }
    // …including handles behind symbol-keyed properties.
    assert.ok(walk.functions.some((path) => path.startsWith('probe:dgram.createSocket().') && path.includes('[Symbol(')), 'the walk should reach the UDP socket\'s handle');
  });

  test('every reachable function is reviewed for this Node line', () => {
    const missing = unreviewed(walk.functions, list, LINE);
    assert.deepEqual(missing, [], `${missing.length} function(s) a plugin can reach are not reviewed for Node ${LINE}: `
      + 'run test/escape/write-reachable.mjs, review what it adds (harmless, or the gate that covers it) and commit reachable.json');
  });

  test('every entry names a known class and an existing gate', () => {
    for (const [path, entry] of Object.entries(list.functions)) {
      const { cls, lines } = parseEntry(entry);
      if (lines) for (const line of lines) assert.ok(list.lines.includes(line), `${path}: Node line ${line} is not one the list covers`);
      if (cls === 'harmless' || cls.startsWith('open:')) continue;
      assert.match(cls, /^gated:[a-z-]+$/, `${path}: "${cls}" is not harmless, gated:<gate> or open:<finding>`);
      const module = gates[cls.slice(6)];
      assert.ok(module, `${path}: no gate named ${cls.slice(6)} (see GATES in reachable-rules.mjs)`);
      assert.ok(existsSync(join(repoRoot, module)), `${path}: ${module} does not exist`);
    }
  });
});
