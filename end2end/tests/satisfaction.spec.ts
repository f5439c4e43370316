// Client satisfaction through the real apps: once a ticket is closed its client is asked
// "How did we do?", answers with one tap and a comment, and may change their mind; the
// operator's own page counts the rating and shows the comment.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

test('a client rates a closed ticket and the operator sees it', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Selma Hadžić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Tarik Begović', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'VPN drops hourly',
    description: 'Every hour on the hour.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'rate-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  const move = async (ctx: typeof adminCtx, step: string, text: string | null, operator_id: number | null) =>
    expect((await call(ctx, 'tickets/move', { input: { ticket_id: id, step, text, operator_id } })).status).toBe(200);
  await move(adminCtx, 'assign', null, operatorId);
  await move(operator.context(), 'start', null, null);

  // Not asked while the ticket is open.
  await client.goto(`/tickets/${id}`);
  await expect(client.getByRole('heading', { name: /VPN drops hourly/ })).toBeVisible();
  await expect(client.getByRole('heading', { name: 'How did we do?' })).toHaveCount(0);

  // Closed by the operator: the client's open page asks, as it happens.
  await move(operator.context(), 'close', 'Renewed the VPN lease.', null);
  const rating = client.locator('section.rating');
  await expect(rating.getByRole('heading', { name: 'How did we do?' })).toBeVisible();
  await accessible(client, 'rating a closed ticket');
  await rating.getByRole('button', { name: 'Good' }).click();
  await expect(rating.getByRole('button', { name: 'Good' })).toHaveAttribute('aria-pressed', 'true');
  await expect(rating.getByRole('status')).toContainText('You can change your rating until');
  await rating.getByLabel('Anything to add? (optional)').fill('Fixed within the hour, thank you.');
  await rating.getByRole('button', { name: 'Send comment' }).click();
  await expect(client.locator('.step', { hasText: 'rated the help: good — Fixed within the hour' })).toBeVisible();

  // The operator's own page counts it, with the comment.
  await operator.goto('/operator/work');
  const mine = operator.locator('section.satisfaction');
  await expect(mine.locator('.counts')).toHaveText('👍 Good: 1 · 👎 Bad: 0');
  await expect(mine.locator('q')).toHaveText('Fixed within the hour, thank you.');
  await accessible(operator, 'operator satisfaction');

  // A change of mind replaces it.
  await rating.getByRole('button', { name: 'Bad' }).click();
  await expect(rating.getByRole('button', { name: 'Bad' })).toHaveAttribute('aria-pressed', 'true');
  await expect(rating.getByRole('button', { name: 'Good' })).toHaveAttribute('aria-pressed', 'false');
  await operator.reload();
  await expect(mine.locator('.counts')).toHaveText('👍 Good: 0 · 👎 Bad: 1');
});
