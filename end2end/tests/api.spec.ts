// The REST API as a person and an admin meet it: a client makes a token on their account page
// (the secret shown once), a program opens a ticket with it through a client made from the
// OpenAPI document — which the portal then lists —, the client revokes it and the program is
// refused; the admin sees every token and makes one acting as that client. The reference page
// lists the operations. axe on the account page with its tokens card and on the reference page.
import { test, expect, type Page } from '@playwright/test';
import { PORT } from '../playwright.config';
import { accessible, adminContext, person } from './helpers';

const BASE = `http://127.0.0.1:${PORT}`;

/// A client of the API made from its OpenAPI document: each operation called by its
/// `operationId`, its method and path read from the document, `{id}` filled in.
async function apiClient(token: string) {
  const doc = await (await fetch(`${BASE}/api/v1/openapi.json`)).json();
  const server = doc.servers[0].url;
  const operations = new Map<string, { method: string; path: string }>();
  for (const [path, item] of Object.entries<Record<string, { operationId: string }>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) operations.set(op.operationId, { method, path });
  }
  return async (operationId: string, params: Record<string, string> = {}, body?: unknown,
    headers: Record<string, string> = {}) => {
    const op = operations.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in the document`);
    const path = op.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]));
    const res = await fetch(`${BASE}${server}${path}`, {
      method: op.method.toUpperCase(),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
}

/// Makes a token on the account page's card; its secret, as shown.
async function makeToken(page: Page, name: string, scopes: string[]) {
  const card = page.locator('section.tokens');
  await card.getByLabel('Token name').fill(name);
  for (const scope of ['read tickets', 'write tickets']) {
    const box = card.getByLabel(scope);
    if (scopes.includes(scope)) await box.check(); else await box.uncheck();
  }
  await card.getByLabel('Expires after (days)').fill('30');
  await card.getByRole('button', { name: 'Create token' }).click();
  const secret = card.getByLabel('Copy this token now; it will not be shown again:');
  await expect(secret).toHaveValue(/^slt_/);
  return secret.inputValue();
}

test('a client makes a token, a program opens a ticket with it, the client revokes it', async ({ browser }) => {
  const admin = await adminContext(browser);
  const { page: client, username } = await person(browser, admin, 'Api Probe Person', 'client');
  await client.goto('/account');
  const card = client.locator('section.tokens');
  await expect(card.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await expect(card).toContainText('No tokens yet.');
  // A client may hold only the tickets scopes.
  await expect(card.getByLabel('read accounts')).toHaveCount(0);
  const secret = await makeToken(client, 'Shop integration', ['read tickets', 'write tickets']);
  await accessible(client, 'the account page with a token just made');
  const row = card.locator('tbody tr', { hasText: 'Shop integration' });
  await expect(row).toContainText('read tickets, write tickets');
  await expect(row).toContainText('never used');

  const api = await apiClient(secret);
  const me = await api('me');
  expect(me.status).toBe(200);
  expect(me.body.username).toBe(username);
  const opened = await api('create_ticket', {},
    { subject: 'Order 1234 never arrived', description: 'Opened by the shop' },
    { 'idempotency-key': 'shop-order-1234' });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const again = await api('create_ticket', {},
    { subject: 'Order 1234 never arrived', description: 'Opened by the shop' },
    { 'idempotency-key': 'shop-order-1234' });
  expect(again.body.ticket.id).toBe(opened.body.ticket.id);
  const read = await api('read_ticket', { id: String(opened.body.ticket.id) });
  expect(read.body.ticket.reference).toBe(opened.body.ticket.reference);

  // The portal shows what the program opened, once.
  await client.goto('/');
  const listed = client.getByRole('row').filter({ hasText: 'Order 1234 never arrived' });
  await expect(listed).toHaveCount(1);
  await expect(listed.getByRole('link', { name: opened.body.ticket.reference })).toBeVisible();

  // Its use is on the card; revoked, the program is refused.
  await client.goto('/account');
  await expect(row).not.toContainText('never used');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  expect((await api('list_tickets')).status).toBe(401);

  // The admin sees it, and makes one acting as the client for an integration.
  const adminPage = await admin.newPage();
  await adminPage.goto('/admin/account');
  const all = adminPage.locator('section.tokens');
  await expect(all.locator('tbody tr', { hasText: 'Shop integration' })).toContainText(username);
  await all.getByLabel('Acts as').selectOption({ label: `Api Probe Person (${username})` });
  await expect(all.getByLabel('read accounts')).toHaveCount(0);
  const theirs = await makeToken(adminPage, 'Monitoring', ['read tickets']);
  const monitoring = await apiClient(theirs);
  const theirTickets = await monitoring('list_tickets');
  expect(theirTickets.status).toBe(200);
  expect(theirTickets.body.items.map((t: { subject: string }) => t.subject)).toEqual(['Order 1234 never arrived']);
  expect((await monitoring('create_ticket', {}, { subject: 'x', description: 'y' },
    { 'idempotency-key': 'm-1' })).status).toBe(403);
});

test('the reference page lists every operation', async ({ page }) => {
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { name: 'Šalter REST API' })).toBeVisible();
  for (const path of ['/api/v1/tickets', '/api/v1/tickets/{id}/moves', '/api/v1/accounts']) {
    await expect(page.getByRole('cell', { name: path, exact: true }).first()).toBeVisible();
  }
  await accessible(page, 'the API reference page');
});
