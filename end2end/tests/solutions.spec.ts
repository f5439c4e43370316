// Closing with the client's agreement through the real apps: the operator sends a proposed
// solution; the client sees it at the top, says it is not solved in the one box (back to the
// operator), then confirms the next one (closed, and asked how it went). The admin sets how
// many days a proposal waits; a bad number is refused with the reason.
import { test, expect, type Page } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

const status = (page: Page) => page.locator('.facts .badge[class*="status-"]');

test('a proposed solution is rejected, then confirmed', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Lejla Mujić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Haris Delić', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Scanner saves blank pages',
    description: 'Every scan is white.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'solution-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  expect((await call(adminCtx, 'tickets/move',
    { input: { ticket_id: id, step: 'assign', text: null, operator_id: operatorId } })).status).toBe(200);

  await operator.goto(`/operator/tickets/${id}`);
  await operator.getByRole('button', { name: 'Start work' }).click();
  await expect(status(operator)).toHaveText('in progress');
  await operator.getByLabel('Message', { exact: true }).fill('Cleaned the scanner glass and updated the driver.');
  await operator.getByRole('button', { name: 'Send as the proposed solution' }).click();
  await expect(status(operator)).toHaveText('returned to client');
  await expect(operator.locator('.facts')).toContainText('Proposed solution, waiting for the client until');
  await expect(operator.locator('ol.thread li.step').last()).toContainText('proposed a solution');

  // The client: the proposal at the top, when it would close by itself, and two ways on.
  await client.goto(`/tickets/${id}`);
  const banner = client.locator('.returned');
  await expect(banner).toContainText('A solution is proposed. Does it solve your problem?');
  await expect(banner).toContainText('Cleaned the scanner glass');
  await expect(banner).toContainText('Without your answer the ticket closes by itself on');
  await expect(client.getByRole('button', { name: 'Yes, this solves it' })).toBeVisible();
  await expect(client.getByRole('button', { name: 'My problem is solved' })).toHaveCount(0);
  await accessible(client, 'a proposed solution');
  await client.getByLabel('If it is not solved, tell us what still does not work').fill('Still blank on the duplex side.');
  await client.getByRole('button', { name: 'Not solved: send' }).click();
  await expect(status(client)).toHaveText('in progress');
  await expect(client.locator('ol.thread li.step').last()).toContainText('said it is not solved');

  // Back with the operator, live; the next proposal is confirmed with one tap.
  await expect(operator.locator('.message').last()).toContainText('Still blank on the duplex side.');
  await expect(status(operator)).toHaveText('in progress');
  await operator.getByLabel('Message', { exact: true }).fill('Replaced the duplex sensor.');
  await operator.getByRole('button', { name: 'Send as the proposed solution' }).click();
  await expect(client.getByRole('button', { name: 'Yes, this solves it' })).toBeVisible();
  await client.getByRole('button', { name: 'Yes, this solves it' }).click();
  await expect(status(client)).toHaveText('closed');
  await expect(client.locator('ol.thread li.step').last()).toContainText('confirmed the solution');
  await expect(client.locator('section.rating').getByRole('heading', { name: 'How did we do?' })).toBeVisible();
  await expect(status(operator)).toHaveText('closed');
});

test('the admin sets how long a proposed solution waits', async ({ browser }) => {
  const admin = await (await adminContext(browser)).newPage();
  await admin.goto('/admin/settings');
  const days = admin.getByLabel('Days a proposed solution waits for the client');
  await expect(days).toHaveValue(/^\d+$/);
  const form = admin.locator('form', { has: days });
  const card = admin.locator('section', { has: days });
  await days.fill('0');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('alert')).toContainText('a whole number from 1 to 90');
  await days.fill('5');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByText('Saved.')).toBeVisible();
  await admin.reload();
  await expect(admin.getByLabel('Days a proposed solution waits for the client')).toHaveValue('5');
  await accessible(admin, 'settings');
  // Back to the default for the other tests.
  await days.fill('7');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByText('Saved.')).toBeVisible();
});
