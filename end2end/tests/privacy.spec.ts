// A client's data: the client downloads it all as a zip from the account page; the admin cannot
// erase a client with a ticket still open (said on screen), and once it is closed erases them for
// good — the username typed again before the button does it — and the row shows no name. axe on
// the account page and on the erase panel. The admin's retention period: a dry run, then saved.
// The privacy notice (on a server of its own, since it stands before every client's portal):
// the admin writes it, the sign-in page links it, a client accepts it once, the admin sees when.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { PORT } from '../playwright.config';
import { startSalter } from '../server';
import { accessible, adminContext, call, person } from './helpers';

test('a client downloads their data and an admin erases them', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client, username } = await person(browser, adminCtx, 'Privacy Probe Person', 'client');
  const created = await call(client.context(), 'tickets/create', {
    input: {
      subject: 'Probe printer on floor 7', description: 'It prints blank pages', category_id: null,
      priority: 'normal', earlier_ticket_id: null, idempotency_key: 'privacy-probe-1',
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);

  await client.goto('/account');
  const card = client.locator('section', { has: client.getByRole('heading', { name: 'Privacy' }) });
  await expect(card).toBeVisible();
  await accessible(client, 'the client account page with its privacy card');
  const [download] = await Promise.all([
    client.waitForEvent('download'),
    card.getByRole('link', { name: 'Download my data' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${username}-data.zip`);
  const zip = readFileSync(await download.path());
  expect(zip.subarray(0, 2).toString()).toBe('PK');
  // Stored, not compressed: the JSON is readable in the bytes.
  const text = zip.toString('utf8');
  expect(text).toContain('tickets.jsonl');
  expect(text).toContain('Probe printer on floor 7');
  expect(text).toContain(`"username":"${username}"`);

  // The admin: not while a ticket is open.
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/accounts');
  const row = admin.locator('tr', { hasText: username });
  await row.getByRole('button', { name: 'Erase' }).click();
  const panel = admin.locator('form.erase');
  await expect(panel.getByRole('heading', { name: 'Erase this client for good' })).toBeVisible();
  await accessible(admin, 'the erase panel');
  const erase = panel.getByRole('button', { name: 'Erase for good' });
  await expect(erase).toBeDisabled();
  await panel.getByLabel('Type their username to confirm').fill('someone else');
  await expect(erase).toBeDisabled();
  await panel.getByLabel('Type their username to confirm').fill(username);
  await erase.click();
  await expect(panel.getByRole('alert')).toContainText('not closed yet');

  // Closed, then erased.
  const closed = await call(client.context(), 'tickets/move', {
    input: { ticket_id: created.body.ticket.id, step: 'close', text: null, operator_id: null },
  });
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  await erase.click();
  await expect(panel).toHaveCount(0);
  await expect(admin.locator('tr', { hasText: username })).toHaveCount(0);
  await expect(admin.locator('tr', { hasText: '[erased]' }).first()).toBeVisible();

  // The client's browser is signed out.
  await client.reload();
  await expect(client.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('the admin checks what a retention period would erase, then sets it', async ({ browser }) => {
  const admin = await (await adminContext(browser)).newPage();
  await admin.goto('/admin/settings');
  const card = admin.locator('section', { has: admin.getByRole('heading', { name: 'How long closed tickets are kept' }) });
  await expect(card.locator('.retention-due')).toHaveText('Closed tickets are kept for ever.');
  await card.getByLabel('Days after closing').fill('3');
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.getByRole('alert')).toContainText('from 7 to 3650');
  await card.getByLabel('Days after closing').fill('30');
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.locator('.retention-due')).toContainText('Kept 30 days after closing: 0 closed tickets');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByText('Saved')).toBeVisible();
  await accessible(admin, 'the settings page with the retention card');
  await admin.reload();
  await expect(card.getByLabel('Days after closing')).toHaveValue('30');
  await card.getByLabel('Days after closing').fill('');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.locator('.retention-due')).toHaveText('Closed tickets are kept for ever.');
});

test('a client reads the privacy notice at sign-in and accepts it once', async ({ browser }) => {
  const server = await startSalter(PORT + 6, ['--manual-assignment']);
  try {
    const adminCtx = await adminContext(browser, { baseURL: server.base, otp: server.otp });
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/settings');
    const card = admin.locator('form', { has: admin.getByRole('heading', { name: 'Privacy notice' }) });
    await card.getByLabel('Privacy notice').fill('We keep **your tickets** for a year.');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByText('Saved')).toBeVisible();
    await accessible(admin, 'the settings page with the privacy notice');

    // Linked from the sign-in page, for anyone.
    const visitor = await (await browser.newContext({ baseURL: server.base })).newPage();
    await visitor.goto('/');
    await visitor.getByText('Privacy notice').click();
    await expect(visitor.locator('.notice-text strong')).toHaveText('your tickets');

    // A client accepts it before the portal opens, once.
    const { page: client, username } = await person(browser, adminCtx, 'Notice Reader', 'client', server.base);
    await expect(client.getByRole('heading', { name: 'Privacy notice' })).toBeVisible();
    await expect(client.getByRole('link', { name: 'My tickets' })).toHaveCount(0);
    await accessible(client, 'the privacy notice to accept');
    await client.getByRole('button', { name: 'I accept' }).click();
    await expect(client.getByRole('link', { name: 'My tickets' })).toBeVisible();
    await client.reload();
    await expect(client.getByRole('link', { name: 'My tickets' })).toBeVisible();
    await client.goto('/account');
    await expect(client.locator('.notice-accepted')).toContainText('You accepted the privacy notice on');

    await admin.goto('/admin/accounts');
    const row = admin.locator('tr', { hasText: username });
    await expect(row.locator('td[data-label="Privacy notice"]')).not.toHaveText('not yet');
    await expect(row.locator('td[data-label="Privacy notice"]')).not.toHaveText('');
  } finally {
    await server.stop();
  }
});
