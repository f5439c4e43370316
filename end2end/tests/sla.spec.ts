// Service levels through the real apps: the admin sets a policy on the settings page (a wrong
// one is refused with its field named); an operator then sees each of their tickets' time left
// in the queue — sortable — and on the ticket, sees it turn overdue as the time passes, and is
// alerted when the watcher notes the miss.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

test('an operator sees the time left and the ticket turning overdue', async ({ browser }) => {
  test.setTimeout(240_000);
  const adminCtx = await adminContext(browser);
  try {
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/settings');
    const card = admin.locator('form', { has: admin.getByRole('heading', { name: 'Service levels' }) });
    await expect(card.getByText('No policy yet')).toBeVisible();
    await card.getByRole('button', { name: 'Add a policy' }).click();
    const row = card.locator('tbody tr').first();
    await row.getByLabel('Priority').selectOption('critical');
    await row.getByLabel('First response (minutes)').fill('999999');
    await row.getByLabel('Resolution (minutes)').fill('600');
    await row.getByLabel('In working hours').uncheck();
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByRole('alert')).toContainText('Policies');
    await row.getByLabel('First response (minutes)').fill('1');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await accessible(admin, 'service levels');

    // A critical ticket for a new operator: a minute to answer it.
    const { page: client } = await person(browser, adminCtx, 'Selma Hadžić', 'client');
    const created = await call(client.context(), 'tickets/create', { input: { subject: 'Payments are down',
      description: 'Nobody can pay.', category_id: null, priority: 'critical', earlier_ticket_id: null,
      idempotency_key: 'sla-1' } });
    expect(created.status).toBe(200);
    const id = created.body.ticket.id;
    const { page: operator } = await person(browser, adminCtx, 'Haris Mehić', 'operator');
    const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
    expect((await call(adminCtx, 'tickets/move',
      { input: { ticket_id: id, step: 'assign', text: null, operator_id: operatorId } })).status).toBe(200);

    await operator.goto('/operator/');
    const queueRow = operator.locator('table.tickets tbody tr', { hasText: 'Payments are down' });
    await expect(queueRow.locator('.badge.sla')).toContainText(/left/);
    await operator.getByRole('button', { name: 'Time left' }).click();
    await expect(operator.getByRole('button', { name: 'Time left' })).toHaveAttribute('aria-pressed', 'true');
    await accessible(operator, 'queue with time left');
    await operator.goto(`/operator/tickets/${id}`);
    const clocks = operator.locator('section', { has: operator.getByRole('heading', { name: 'Service levels' }) });
    await expect(clocks).toContainText('First response');
    await expect(clocks).toContainText('Resolution');
    // The minute passes: the first response is overdue (the badge moves with the app's clock).
    await expect(clocks.locator('.sla-overdue')).toContainText('overdue by', { timeout: 120_000 });
    // The watcher notes the miss: the operator's console says so, until dismissed.
    const alert = operator.getByRole('alert').filter({ hasText: 'Tickets of yours past a service-level target' });
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(operator.locator('.duty .sla-overdue')).toContainText('Overdue: 1');
    await accessible(operator, 'overdue alert');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await expect(alert).toHaveCount(0);
    // The statistics show the miss: this week's critical tickets met no first response.
    await admin.goto('/admin/stats');
    const met = admin.locator('section', { has: admin.getByRole('heading', { name: 'Service levels met, by policy' }) });
    await expect(met.locator('tbody tr', { hasText: 'critical' })).toContainText('0 %');
    await expect(admin.getByRole('heading', { name: 'Service levels met, by operator' })).toBeVisible();
    await accessible(admin, 'service levels in the statistics');
    // The client sees no clocks.
    await client.goto(`/tickets/${id}`);
    await expect(client.locator('.thread')).toBeVisible();
    await expect(client.getByRole('heading', { name: 'Service levels' })).toHaveCount(0);
  } finally {
    // The shared server goes on without policies.
    await call(adminCtx, 'sla/set_levels', { input: { policies: [], hours: [], holidays: [], warn_percent: 75 } });
  }
});
