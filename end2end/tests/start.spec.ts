// An app's start as someone on a slow line meets it: the page itself carries the company, the
// person, the portal's privacy notice and, where the app opens on the ticket list, its first page,
// so no app asks for them before its first screen; a lazy page comes as one file — the admin's
// ticket list used to need about eighty, six at a time —, asked for by the page itself where
// that lazy page draws it (a ticket, the admin's list); and calls, the prefetched pages and
// everything else wait until the first screen is there.
import { test, expect, type Page } from '@playwright/test';
import { adminContext, call, person } from './helpers';

/// The paths a page asks for from now on.
function asked(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (r) => paths.push(new URL(r.url()).pathname));
  return paths;
}

/// What an app would otherwise ask for before its first screen.
const CARRIED = ['/api/session/me', '/api/settings/public_info', '/api/privacy/notice'];

/// Holds back every ticket list the page asks for, longer than a test waits: a list on screen
/// came with the page. (Asking again later is right — the admin's list reloads as other tests'
/// tickets arrive, its live socket catching up from the moment the page was made.)
async function listsHeldBack(page: Page) {
  await page.route('**/api/tickets/list', async (route) => {
    await new Promise((r) => setTimeout(r, 20_000));
    await route.continue().catch(() => {});
  });
}

test('each app starts from what its page carries, and a lazy page comes in one file', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Lejla Početak', 'client');
  const made = await call(client.context(), 'tickets/create', { input: { subject: 'Boiler pressure low',
    description: 'It reads 0.5 bar.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'start-1' } });
  expect(made.status).toBe(200);

  // The portal: its list, and the person named in the header, without asking who they are.
  let paths = asked(client);
  await listsHeldBack(client);
  await client.goto('/');
  await expect(client.locator('table.tickets tbody tr', { hasText: 'Boiler pressure low' })).toBeVisible();
  await expect(client.locator('.who')).toHaveText('Lejla Početak');
  expect(paths.filter((p) => CARRIED.includes(p))).toEqual([]);
  await client.unroute('**/api/tickets/list');

  // A ticket opened by its address: its page in one file, fetched once — the prefetch after
  // the page's load finds it already there.
  paths = asked(client);
  await client.goto(`/tickets/${made.body.ticket.id}`);
  await expect(client.getByRole('heading', { level: 1 })).toContainText('Boiler pressure low');
  // The page itself asked for it as it arrived; the app took that copy.
  await expect(client.locator('link[rel="preload"][as="fetch"][href*="/ticket_page_"]')).toHaveCount(1);
  await client.waitForTimeout(3000);
  expect(paths.filter((p) => p.includes('/ticket_page_'))).toHaveLength(1);
  expect(paths.filter((p) => p.endsWith('.wasm') && p.startsWith('/pkg/client/'))).toEqual([]);

  // The admin's ticket list, a lazy page, opened first: one file, and calls not yet.
  const admin = await adminCtx.newPage();
  paths = asked(admin);
  await listsHeldBack(admin);
  await admin.goto('/admin/tickets');
  await expect(admin.locator('table.tickets tbody tr', { hasText: 'Boiler pressure low' })).toBeVisible();
  const bundles = paths.filter((p) => p.startsWith('/pkg/admin/') && !p.endsWith('split.js'));
  expect(bundles.filter((p) => !p.includes('/call_host_'))).toEqual([
    expect.stringMatching(/^\/pkg\/admin\/tickets_page_\d+\.bundle$/)]);
  await expect(admin.locator('link[rel="preload"][as="fetch"][href*="/tickets_page_"]')).toHaveCount(1);
  expect(paths.filter((p) => CARRIED.includes(p))).toEqual([]);
  // Calls come a moment later: the admin can still be rung.
  await expect.poll(() => paths.some((p) => p.includes('/call_host_')), { timeout: 10_000 }).toBe(true);

  // The console: the operator's queue, the same way.
  const { page: operator } = await person(browser, adminCtx, 'Tarik Početak', 'operator');
  paths = asked(operator);
  await listsHeldBack(operator);
  await operator.goto('/operator/');
  await expect(operator.getByRole('heading', { name: 'My queue' })).toBeVisible();
  await expect(operator.getByText('Your queue is empty.', { exact: false })).toBeVisible();
  await expect(operator.locator('.who')).toHaveText('Tarik Početak');
  expect(paths.filter((p) => CARRIED.includes(p))).toEqual([]);
});
