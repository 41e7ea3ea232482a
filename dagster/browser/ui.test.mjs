// Browser end to end: `make dev`'s script starts the simulator and `dagster dev` on a free port
// with scratch data; Debian's headless chromium, driven by playwright-core, finds the
// specification's assets in the asset graph, launches one partition of extract_binance_ohlcv
// and waits for the run to succeed. Screenshots are kept in $CRYPTOPIPE_ARTIFACTS (default
// build/dagster-ui).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = process.env.CRYPTOPIPE_ARTIFACTS ?? join(root, 'build', 'dagster-ui');
const specAssets = [
  'extract_binance_ohlcv', 'extract_bybit_tickers', 'extract_gateio_orderbook',
  'transform_ohlcv', 'transform_tickers', 'transform_orderbook',
  'load_ohlcv_to_postgres', 'load_tickers_to_postgres',
];

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function yesterdayUtc() {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

test('the Dagster UI shows the assets and materializes a partition', { timeout: 600_000 }, async (t) => {
  mkdirSync(artifacts, { recursive: true });
  const data = mkdtempSync(join(tmpdir(), 'cryptopipe-ui-'));
  // A fresh Dagster home greets with a newsletter dialog at a moment of its choosing, which
  // would cover whatever the test is about to click: the instance is told to skip it.
  mkdirSync(join(data, 'dagster_home'));
  writeFileSync(join(data, 'dagster_home', 'dagster.yaml'), 'telemetry:\n  enabled: false\nnux:\n  enabled: false\n');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = spawn(join(root, 'scripts', 'dev.sh'), {
    env: { ...process.env, DAGSTER_PORT: String(port), CRYPTOPIPE_DEV_DATA: data },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let devLog = '';
  dev.stdout.on('data', (chunk) => { devLog += chunk; });
  dev.stderr.on('data', (chunk) => { devLog += chunk; });
  const profile = mkdtempSync(join(tmpdir(), 'cryptopipe-chromium-'));
  let browser;
  t.after(async () => {
    if (browser) await browser.close();
    try { process.kill(-dev.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise((r) => (dev.exitCode !== null ? r() : dev.on('exit', r)));
    rmSync(profile, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  await waitFor('dagster dev to serve the UI', 180_000, async () => {
    if (dev.exitCode !== null) throw new Error(`dev.sh exited early:\n${devLog}`);
    const response = await fetch(`${base}/server_info`);
    return response.ok;
  }).catch((error) => { throw new Error(`${error.message}\n${devLog}`); });

  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  page.setDefaultTimeout(60_000);

  // The asset graph: bronze -> silver -> gold; each group, opened in the graph's sidebar, lists
  // the specification's assets.
  await page.goto(`${base}/asset-groups`);
  const firstAsset = { bronze: 'extract_binance_ohlcv', silver: 'transform_ohlcv', gold: 'load_ohlcv_to_postgres' };
  const visible = (text) => page.getByText(text, { exact: true }).filter({ visible: true });
  for (const group of ['bronze', 'silver', 'gold']) await visible(group).first().waitFor();
  for (const group of ['bronze', 'silver', 'gold']) {
    // The sidebar comes first; its caret sits left of the group's icon and name. The sidebar
    // may still be laying out when the first click lands, so an unanswered click is tried again.
    await waitFor(`the ${group} group to open`, 60_000, async () => {
      if ((await visible(firstAsset[group]).count()) === 0) {
        const box = await visible(group).first().boundingBox();
        await page.mouse.click(box.x - 40, box.y + box.height / 2);
      }
      await visible(firstAsset[group]).first().waitFor({ timeout: 5_000 });
      return true;
    });
  }
  for (const asset of specAssets) await visible(asset).first().waitFor();
  // For the picture, the graph's bronze group opened too (the graph renders only the nodes in
  // view, so the sidebar is what the assertions read).
  await visible('bronze').last().click();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(artifacts, 'asset-graph.png') });

  // One partition of extract_binance_ohlcv, launched from its page: the latest (yesterday).
  const day = yesterdayUtc();
  await page.goto(`${base}/assets/extract_binance_ohlcv`);
  await page.locator('button', { hasText: /^Materialize/ }).first().click();
  const dialog = page.getByRole('dialog').filter({ hasText: 'Launch runs to materialize extract_binance_ohlcv' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Latest', exact: true }).click();
  await dialog.getByText('1 partition', { exact: true }).waitFor();
  await page.screenshot({ path: join(artifacts, 'launch-partition.png') });
  await dialog.locator('button', { hasText: /^Launch/ }).click();
  await dialog.waitFor({ state: 'hidden' });  // the launch request has been answered

  // The run: queued by the backfill daemon, executed by cryptopipe through Pipes.
  await page.goto(`${base}/runs`);
  const status = await waitFor('the run to finish', 300_000, async () => {
    await page.reload();
    const text = await page.locator('body').innerText();
    return text.match(/\b(Success|Failure|Canceled)\b/)?.[1];
  });
  await page.screenshot({ path: join(artifacts, 'runs.png') });
  assert.equal(status, 'Success', `the run ended in ${status}; see ${artifacts}/runs.png`);
  await page.locator('a[href*="/runs/"]', { hasText: /^[0-9a-f]{8}$/ }).first().click();
  // The run's event log: the engine's milestones (Pipes log messages) and the
  // materialization with the engine's metadata.
  await page.getByText('materialized asset=extract_binance_ohlcv').filter({ visible: true }).first().waitFor();
  await page.getByText('dagster/row_count').filter({ visible: true }).first().waitFor();
  await page.screenshot({ path: join(artifacts, 'run-succeeded.png') });

  // And the day is in the lake.
  const bronze = readdirSync(join(data, 'lake', 'bronze', 'binance', 'ohlcv'), { recursive: true });
  assert.ok(bronze.some((path) => path.endsWith(`dt=${day}`)), `no bronze folder for ${day}`);
});
