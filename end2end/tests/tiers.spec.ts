// Support tiers through the real apps: the admin puts an operator in the second line on the
// floor page; a first-line operator escalates a ticket from its page, saying why; it leaves
// their queue and waits at tier 2 for the second line.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

test('a first-line operator escalates a ticket to the second line', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Lejla Softić', 'client');
  const { page: first } = await person(browser, adminCtx, 'Edin Hasić', 'operator');
  const { page: second } = await person(browser, adminCtx, 'Mirza Ibrić', 'operator');
  const secondId = (await call(second.context(), 'session/me', {})).body.id;
  const firstId = (await call(first.context(), 'session/me', {})).body.id;

  // The admin sets the second line on the floor page.
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/floor');
  await admin.getByRole('button', { name: 'Plan · Mirza Ibrić' }).click();
  await admin.getByLabel('Support tier').fill('2');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect.poll(async () => (await call(adminCtx, 'assignment/floor', {})).body.operators
    .find((o: { plan: { operator_id: number } }) => o.plan.operator_id === secondId).plan.tier).toBe(2);

  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Database is slow',
    description: 'Reports time out.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'tier-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  expect((await call(adminCtx, 'tickets/move',
    { input: { ticket_id: id, step: 'assign', text: null, operator_id: firstId } })).status).toBe(200);

  await first.goto(`/operator/tickets/${id}`);
  const escalate = first.locator('form.move', { has: first.getByRole('button', { name: 'Escalate to the next tier' }) });
  await accessible(first, 'ticket with escalation');
  await escalate.getByLabel('Why escalate?').fill('Needs a database administrator.');
  await escalate.getByRole('button', { name: 'Escalate to the next tier' }).click();
  await expect(first.locator('.facts .badge[class*="status-"]')).toHaveText('open');
  await expect(first.locator('.tier')).toContainText('2');
  await expect(first.getByRole('button', { name: 'Escalate to the next tier' })).toHaveCount(0);
  // It waits at tier 2 (this server assigns by hand: the admin gives it to the second line);
  // the history tells the second line who escalated it and why.
  const waiting = await call(adminCtx, 'tickets/view', { ticket_id: id });
  expect([waiting.body.ticket.status, waiting.body.tier]).toEqual(['open', 2]);
  expect((await call(adminCtx, 'tickets/move',
    { input: { ticket_id: id, step: 'assign', text: null, operator_id: secondId } })).status).toBe(200);
  await second.goto(`/operator/tickets/${id}`);
  await expect(second.locator('.tier')).toContainText('2');
  await second.locator('details summary', { hasText: 'History' }).click();
  await expect(second.locator('ol.history')).toContainText('Needs a database administrator.');
  // The client sees it waiting and moving on, not why.
  await client.goto(`/tickets/${id}`);
  await expect(client.locator('.thread')).toBeVisible();
  await expect(client.locator('body')).not.toContainText('database administrator');
});
