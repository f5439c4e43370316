// Lists as people read them. On a 390 px phone no page of the three apps scrolls sideways,
// every list keeps its column names when the header row is gone, and exact times read in the
// person's language on a 24-hour clock; the admin's list tells two clients of one name apart.
import { test, expect, type Page } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

const PHONE = { width: 390, height: 844 };

/// The page is no wider than the screen, and every cell of its lists names its column.
async function fitsThePhone(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.locator('.loading')).toHaveCount(0);
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
  }));
  expect(widths.page, `${path} scrolls sideways`).toBeLessThanOrEqual(widths.screen);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('tbody td')]
      .filter((td) => (td as HTMLElement).offsetParent !== null)
      .filter((td) => !getComputedStyle(td, '::before').content.includes(':'))
      .map((td) => td.textContent));
  expect(unlabelled, `${path}: cells without their column's name`).toEqual([]);
}

test('every page fits a phone and every list keeps its labels', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Emina Hadžić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Kenan Softić', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'A long subject that has to wrap on a small screen',
    description: 'Details', category_id: null, priority: 'high', earlier_ticket_id: null, idempotency_key: 'phone-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: id, step: 'assign', text: null,
    operator_id: operatorId } })).status).toBe(200);

  for (const page of [client, operator]) {
    await page.setViewportSize(PHONE);
  }
  const admin = await adminCtx.newPage();
  await admin.setViewportSize(PHONE);
  for (const path of ['/', `/tickets/${id}`, '/new', '/account']) {
    await fitsThePhone(client, path);
  }
  for (const path of ['/operator/', `/operator/tickets/${id}`, '/operator/work', '/operator/account']) {
    await fitsThePhone(operator, path);
  }
  for (const path of ['/admin/', '/admin/accounts', '/admin/tickets', `/admin/tickets/${id}`, '/admin/floor', '/admin/settings',
    '/admin/account']) {
    await fitsThePhone(admin, path);
  }

  // A new account's one-time password stays inside its card.
  await admin.goto('/admin/accounts');
  await admin.getByLabel('Full name').fill('Maximiliana Konstantinović-Hadžiabdić');
  await admin.getByLabel('Role').selectOption({ label: 'Client' });
  await admin.getByRole('button', { name: 'Create account' }).click();
  await expect(admin.locator('.credentials')).toBeVisible();
  const widths = await admin.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]);
  await accessible(admin, 'new credentials on a phone');

  // Exact times in the reader's language, on a 24-hour clock: 6 Dec 2026, 07:43 · 6. 12. 2026. 07:43
  await client.goto(`/tickets/${id}`);
  const time = client.locator('.facts time');
  await time.hover();
  await expect(time).toHaveAttribute('title', /^\d{1,2} [A-Z][a-z]{2} \d{4},? \d{2}:\d{2}/);
  await client.getByLabel('Language').selectOption('bs');
  await client.mouse.move(0, 0);
  await time.hover();
  await expect(time).toHaveAttribute('title', /^\d{1,2}\. ?\d{1,2}\. ?\d{4}\.? \d{2}:\d{2}/);
});

test("the admin's list tells two clients of one name apart, with each ticket's operator and category", async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const twins = [];
  for (const key of ['twin-1', 'twin-2']) {
    const { page, username } = await person(browser, adminCtx, 'Amar Begović', 'client');
    const created = await call(page.context(), 'tickets/create', { input: { subject: `Printer ${key}`,
      description: 'Details', category_id: null, priority: 'normal', earlier_ticket_id: null, idempotency_key: key } });
    expect(created.status).toBe(200);
    twins.push(username);
  }
  expect(twins[0]).not.toBe(twins[1]);
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/tickets');
  for (const [i, username] of twins.entries()) {
    await expect(admin.getByRole('row', { name: new RegExp(`Printer twin-${i + 1}`) }))
      .toContainText(`Amar Begović (${username})`);
    await expect(admin.locator('#filter-client option', { hasText: `Amar Begović (${username})` })).toHaveCount(1);
  }
  await expect(admin.getByRole('columnheader', { name: 'Operator' })).toBeVisible();
  await expect(admin.getByRole('columnheader', { name: 'Category' })).toBeVisible();
  await accessible(admin, 'all tickets with clients of one name');
});
