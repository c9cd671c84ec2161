/**
 * The dashboard in a real browser: the example host runs as `npm start` runs it (its
 * config, plus a plugin that crashes on purpose), on a free loopback port; headless
 * Chromium (Debian's package, driven by playwright-core) checks that the page lists
 * every plugin, shows the crash as a restart within seconds, and that a button reloads
 * a plugin; /metrics is scraped and parsed as Prometheus text. It saves the screenshot
 * the README shows (docs/dashboard.png).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseJsonc } from '../../runtime/index.js';
import { fixture, repoRoot } from '../helpers.js';
import { parseExposition } from '../support/prom-text.js';
import { freePort, runNode } from './helpers.js';

const CHROMIUM = process.env['PADDOCK_CHROMIUM'] ?? '/usr/bin/chromium';
const EXAMPLE_DIR = join(repoRoot, 'examples', 'process-host');

async function until<T>(get: () => T | undefined | Promise<T | undefined>, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The example config with absolute paths, in a temp folder, plus a plugin that crashes 3 s after each start. */
function exampleConfigWithCrasher(dir: string): { file: string; ids: string[] } {
  const config = parseJsonc(readFileSync(join(EXAMPLE_DIR, 'paddock.config.jsonc'), 'utf8'), 'example config') as {
    processes: Array<Record<string, unknown>>;
    plugins: Array<{ url: string; id?: string }>;
  };
  for (const p of config.processes) p['cwd'] = EXAMPLE_DIR;
  for (const p of config.plugins) p.url = resolve(EXAMPLE_DIR, p.url);
  config.plugins.push({ url: fixture('probe.mjs'), id: 'crasher', scopes: [], options: { crashAfterMs: 3000 }, limits: { restartBackoffMs: 100, maxRestarts: 50 } } as never);
  const file = join(dir, 'paddock.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const ids = config.plugins.map((p) => p.id ?? p.url.split('/').pop()!.replace(/\.(ts|js|mjs)$/, ''));
  return { file, ids: ids.map((id) => (id === 'plugin' ? 'dashboard' : id)) };
}

test('the dashboard lists every plugin, shows a crash as a restart, reloads a plugin with a button, and serves Prometheus text', {
  skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`,
  timeout: 120_000,
}, async (t) => {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'paddock-dashboard-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { file, ids } = exampleConfigWithCrasher(dir);
  const port = await freePort();
  const host = runNode(join(repoRoot, 'dist', 'examples', 'process-host', 'main.js'), [file, '--dashboard-port', String(port)]);
  t.after(() => host.kill());
  const base = `http://127.0.0.1:${port}`;
  await until(() => host.stdout().includes(`dashboard at ${base}/`), `the host to print the dashboard's address; output:\n${host.stdout()}`, 30_000);

  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${base}/`);

  // Every plugin of the config is listed, with its state.
  for (const id of ids) await page.locator(`#plugins tr[data-plugin="${id}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#plugins tbody tr').count(), ids.length);
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  // The processes of the example host.
  await page.locator('#processes tr[data-process="ticker"]').waitFor({ timeout: 10_000 });

  // The crasher throws 3 s after it starts: within seconds its row shows a restart.
  await page.locator('#plugins tr[data-plugin="crasher"] td[data-restarts]:not([data-restarts="0"])').waitFor({ timeout: 15_000 });

  // The reload button of process-reporter: the host reloads it (its log says so) and it runs again.
  const reporter = 'process-reporter';
  const before = (await (await fetch(`${base}/api/state`)).json() as { metrics: { plugins: Array<{ id: string; since: number }> } }).metrics.plugins.find((p) => p.id === reporter)!.since;
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/plugins/${reporter}/reload`));
  await page.locator(`button[data-action="reload"][data-plugin="${reporter}"]`).click();
  assert.equal((await answered).status(), 200);
  await until(() => host.stdout().includes(`reloading plugin "${reporter}" (requested by plugin "dashboard")`), 'the host log line of the reload', 10_000);
  await until(async () => {
    const state = await (await fetch(`${base}/api/state`)).json() as { metrics: { plugins: Array<{ id: string; state: string; since: number }> } };
    const p = state.metrics.plugins.find((x) => x.id === reporter)!;
    return p.state === 'running' && p.since > before;
  }, `${reporter} running again after its reload`, 15_000);
  await page.locator(`#plugins tr[data-plugin="${reporter}"] td[data-state="running"]`).waitFor({ timeout: 10_000 });

  // /metrics is Prometheus text with the same figures.
  const res = await fetch(`${base}/metrics`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const scrape = parseExposition(await res.text());
  assert.ok(scrape.value('paddock_plugin_restarts_total', { plugin: 'crasher' }) >= 1);
  assert.ok(scrape.value('paddock_plugin_host_calls_total', { plugin: 'dashboard', method: 'pluginMetrics' }) > 0);
  assert.equal(scrape.value('paddock_plugin_state', { plugin: 'dashboard', state: 'running' }), 1);
  for (const id of ids) assert.ok(scrape.samples.some((s) => s.labels['plugin'] === id), `/metrics has no series for ${id}`);

  // Live logs arrived over the WebSocket.
  await until(async () => (await page.locator('#log li').count()) > 5, 'log lines on the page', 10_000);
  // A few more samples so the charts have a line, then the README's screenshot.
  await new Promise((r) => setTimeout(r, 3000));
  const shot = join(repoRoot, 'docs', 'dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(readFileSync(shot).length > 10_000);
  assert.deepEqual(pageErrors, []);

  host.child.kill('SIGINT');
  const { code } = await Promise.race([host.exited, new Promise<never>((_, fail) => setTimeout(() => fail(new Error('the host did not stop within 20 s of SIGINT')), 20_000))]);
  // 0: every plugin started (the crasher's crashes come later).
  assert.equal(code, 0, `exit code; stderr: ${host.stderr()}`);
});
