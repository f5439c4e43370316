// The admin console opens on the overview: the waiting queue and the ticket waiting longest,
// who is on duty, today's figures and the week's satisfaction, each leading to its page; it
// follows new tickets live.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

test('the overview shows what needs attention and follows it live', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Nermin Osmanović', 'client');
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/');
  await expect(admin.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const card = (name: string) => admin.locator('section.card', { has: admin.getByRole('heading', { name, exact: true }) });
  const waiting = card('Waiting for an operator');
  const today = card('Today');
  const number = async (where: typeof waiting) => Number(await where.locator('.big strong').textContent());
  const created = async () => Number(await today.locator('.glance', { hasText: 'Created' }).locator('strong').textContent());
  await expect(waiting.locator('.big strong')).toHaveText(/^\d+$/);
  const [before, createdBefore] = [await number(waiting), await created()];
  await expect(card('On duty now')).toBeVisible();
  await expect(card('Satisfaction, last 7 days')).toBeVisible();
  await accessible(admin, 'overview');

  // A new ticket: one more waiting and created today, without a reload.
  const made = await call(client.context(), 'tickets/create', { input: { subject: 'Overview probe',
    description: 'Counted on the home page.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'overview-1' } });
  expect(made.status).toBe(200);
  await expect(waiting.locator('.big strong')).toHaveText(String(before + 1));
  await expect(today.locator('.glance', { hasText: 'Created' }).locator('strong')).toHaveText(String(createdBefore + 1));
  if (before === 0) {
    await expect(waiting).toContainText('Overview probe');
  }

  // Each part leads to its detail.
  await waiting.getByRole('link', { name: 'See the queue' }).click();
  await expect(admin.getByRole('heading', { name: 'All tickets' })).toBeVisible();
  await admin.goBack();
  await card('On duty now').getByRole('link', { name: 'See who works' }).click();
  await expect(admin).toHaveURL(/\/admin\/floor$/);
  await admin.goBack();
  await today.getByRole('link', { name: 'See the figures' }).click();
  await expect(admin.getByRole('heading', { name: 'Statistics', level: 1 })).toBeVisible();
});
