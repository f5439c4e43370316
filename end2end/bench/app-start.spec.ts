// `cargo xtask bench app-start`: how long each app takes from navigation to its first screen
// with data — the client's tickets, the operator's queue, the admin's ticket list — in Chromium
// with an empty cache, on loopback and with Chromium's "Slow 4G" throttling (562.5 ms round trip,
// 1.44 Mbit/s down). Targets (../shared/product/QUALITY.md): p50 ≤ 300 ms on loopback, ≤ 1.5 s
// on Slow 4G. Prints a table and writes target/bench/app-start.json like every benchmark.
import { test, type Browser } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { call } from '../tests/helpers';
import { PORT } from '../playwright.config';
import { OUT, PROFILE, machine, percentile, withDesk, type Record } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };

test('each app shows its first screen with data', async ({ browser }) => {
  const loadBefore = loadavg();
  await withDesk(browser, PORT + 2, async ({ baseURL, admin, client, operator, clientCtx }) => {
    for (let i = 0; i < 60; i++) {
      const made = await call(clientCtx, 'tickets/create', { input: { subject: `Printer ${i}`,
        description: 'Tray 2 jams.', category_id: null, priority: 'normal', earlier_ticket_id: null,
        idempotency_key: `start-${i}` } });
      if (i % 3 === 0) {
        await call(admin, 'tickets/move', { input: { ticket_id: made.body.ticket.id, step: 'assign',
          text: null, operator_id: operator.id, attachments: [] } });
      }
    }
    await clientCtx.close();
    const adminState = await admin.storageState();
    const apps = [
      { name: 'client', path: '/', state: client.state },
      { name: 'operator', path: '/operator/', state: operator.state },
      { name: 'admin', path: '/admin/tickets', state: adminState },
    ];
    const records: Record[] = [];
    console.log(`app        network     p50 ms   p99 ms   (target p50: loopback ≤ 300, Slow 4G ≤ 1500; ${RUNS} runs)`);
    for (const app of apps) {
      for (const [network, target] of [['loopback', 300], ['Slow 4G', 1500]] as const) {
        const times: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          // A new context: an empty cache, as on a first visit.
          const context = await browser.newContext({ baseURL, storageState: app.state });
          const page = await context.newPage();
          if (network === 'Slow 4G') {
            const cdp = await context.newCDPSession(page);
            await cdp.send('Network.enable');
            await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
          }
          // The moment the first row is in the page, by the page's own clock (0 = navigation
          // start): no test-runner overhead in the figure.
          await page.addInitScript(() => {
            new MutationObserver((_, seen) => {
              if (document.querySelector('table.tickets tbody tr')) {
                (window as unknown as { firstRowAt: number }).firstRowAt = performance.now();
                seen.disconnect();
              }
            }).observe(document, { childList: true, subtree: true });
          });
          await page.goto(app.path, { waitUntil: 'commit' });
          const at = await page.waitForFunction(
            () => (window as unknown as { firstRowAt?: number }).firstRowAt, undefined, { timeout: 60_000 });
          times.push(Math.round(Number(await at.jsonValue())));
          await context.close();
        }
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 0.5);
        const p99 = percentile(times, 0.99);
        console.log(`${app.name.padEnd(10)} ${network.padEnd(10)} ${String(p50).padStart(7)}  ${String(p99).padStart(7)}`);
        records.push({ metric: `${app.name} · ${network} · p50`, value: p50, unit: 'ms', target: `≤ ${target} ms`, met: p50 <= target });
        records.push({ metric: `${app.name} · ${network} · p99`, value: p99, unit: 'ms', target: null, met: null });
      }
    }
    const missed = records.filter((r) => r.met === false);
    for (const r of missed) console.log(`MISSED ${r.metric}: ${r.value} ms, target ${r.target}`);
    const chromium = browser.version();
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'app-start.json'), JSON.stringify({
      benchmark: 'app-start',
      settings: { profile: PROFILE, database: 'sqlite', runs: RUNS, tickets: 60, browser: chromium,
        slow_4g: SLOW_4G },
      machine: machine(loadBefore),
      records,
    }, null, 2));
    console.log(`records: ${join(OUT, 'app-start.json')}`);
  });
});
