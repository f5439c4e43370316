// Fair assignment through the real apps, on a server of its own with automatic assignment on:
// two operators on duty share three new tickets 2 and 1; one takes a break, and the work goes to
// the other; the admin's floor shows the loads and the spread, and each operator's work history.
import { test, expect, type Page } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';
import { PORT } from '../playwright.config';
import { startSalter, type Started } from '../server';

let server: Started;
test.beforeAll(async () => {
  server = await startSalter(PORT + 1, ['--time-zone', 'Asia/Tokyo'], { licensed: true });
});
test.afterAll(async () => {
  await server.stop();
});

/// The floor's rows: "name | state | load".
async function floorRows(admin: Page): Promise<string[]> {
  await admin.reload();
  const rows = admin.locator('table.floor tbody tr');
  await expect(rows.first()).toBeVisible();
  return rows.evaluateAll((trs) => trs.map((tr) =>
    Array.from(tr.querySelectorAll('td')).slice(0, 3).map((td) => td.textContent?.trim()).join(' | ')));
}

test('operators on duty share the work, a break sends it to the other', async ({ browser }) => {
  const baseURL = server.base;
  const adminCtx = await adminContext(browser, { baseURL, otp: server.otp });
  const { page: client } = await person(browser, adminCtx, 'Lejla Hasić', 'client', baseURL);
  const { page: first } = await person(browser, adminCtx, 'Amar Kurtović', 'operator', baseURL);
  const { page: second } = await person(browser, adminCtx, 'Selma Dedić', 'operator', baseURL);
  for (const op of [first, second]) {
    await expect(op.locator('.duty-state')).toHaveText('on duty');
  }
  for (const [i, subject] of ['VPN drops', 'No e-mail', 'Slow disk'].entries()) {
    const created = await call(client.context(), 'tickets/create', { input: { subject, description: subject,
      category_id: null, priority: 'normal', earlier_ticket_id: null, idempotency_key: `fair-${i}` } });
    expect(created.status).toBe(200);
  }

  expect((await call(adminCtx, 'categories/save',
    { input: { id: null, name: 'Servers', active: true, restricted: false } })).status).toBe(200);
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/');
  await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Operators' }).click();
  await expect.poll(() => floorRows(admin)).toEqual([
    'Amar Kurtović | on duty | 2 / 10',
    'Selma Dedić | on duty | 1 / 10',
  ]);
  await expect(admin.locator('.spread strong')).toHaveText('1');
  await expect(admin.locator('.spread')).toContainText('Time zone: Asia/Tokyo');
  await accessible(admin, 'floor');

  // The first takes a break: their unstarted tickets and every new one go to the second.
  await first.getByRole('button', { name: 'Take a break' }).click();
  await expect(first.locator('.duty-state')).toHaveText('on a break');
  await accessible(first, 'operator queue with the duty bar');
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Printer jam',
    description: 'Tray 2', category_id: null, priority: 'high', earlier_ticket_id: null, idempotency_key: 'fair-4' } });
  expect(created.status).toBe(200);
  await expect.poll(() => floorRows(admin)).toEqual([
    'Amar Kurtović | on a break | 0 / 10',
    'Selma Dedić | on duty | 4 / 10',
  ]);
  await second.reload();
  await expect(second.getByRole('row')).toHaveCount(5);
  await expect(second.getByRole('cell', { name: 'Printer jam' })).toBeVisible();

  // The admin gives the first a smaller capacity and a day off, through the plan form.
  await admin.getByRole('button', { name: 'Plan · Amar Kurtović' }).click();
  await admin.getByLabel('Capacity (active tickets)').fill('5');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await admin.getByLabel(`${day} from`).fill('08:00');
    await admin.getByLabel(`${day} until`).fill('16:00');
  }
  // Days off as a list of dates: two added, one removed again.
  for (const day of ['2031-12-24', '2031-12-31']) {
    await admin.getByLabel('Day off to add').fill(day);
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
  }
  await admin.getByRole('button', { name: 'Remove 31 Dec 2031' }).click();
  await admin.getByLabel('Servers').check();
  await accessible(admin, 'plan form');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.locator('table.floor tbody tr').first()).toContainText('0 / 5');
  await admin.getByRole('button', { name: 'Plan · Amar Kurtović' }).click();
  await expect(admin.locator('.days-off li')).toHaveText(['24 Dec 2031 ×']);
  // Hours on a 24-hour clock, whatever the browser's language.
  await expect(admin.getByLabel('Monday from')).toHaveValue('08:00');
  await expect(admin.getByLabel('Monday until')).toHaveValue('16:00');
  await expect(admin.getByLabel('Servers')).toBeChecked();
  // The operator sees today's shift beside the break switch.
  await first.reload();
  await expect(first.locator('.duty')).toContainText('Today: 08:00–16:00');

  // The history says to whom, and why.
  await second.getByRole('row').filter({ hasText: 'Printer jam' }).getByRole('link').click();
  await expect(second.locator('ol.history li').filter({ hasText: 'assigned the ticket' }))
    .toHaveText(/System assigned the ticket to Selma Dedić — automatic: lowest load \d+\/10 · on duty: 1$/);
  // Exact times (on hover) are in the installation's time zone, whatever the browser's.
  await second.locator('details summary').filter({ hasText: 'History' }).click();
  await second.locator('ol.history time').first().hover();
  await expect(second.locator('ol.history time').first()).toHaveAttribute('title', /GMT\+9/);

  // Her own work history says why each ticket came to her.
  await second.getByRole('link', { name: 'My work' }).click();
  await expect(second.locator('ol.work li').first()).toContainText(created.body.ticket.reference);
  await expect(second.locator('ol.work li').first()).toContainText(/assigned the ticket to Selma Dedić — automatic: lowest load \d+\/10 · on duty: 1/);
  await accessible(second, 'my work');

  // The admin reads the same history from the floor, and follows it to the ticket.
  await admin.getByRole('button', { name: 'Work history · Selma Dedić' }).click();
  await expect(admin.getByRole('heading', { name: 'Work history · Selma Dedić' })).toBeVisible();
  const latest = admin.locator('ol.work li').first();
  await expect(latest).toContainText(/assigned the ticket to Selma Dedić — automatic: lowest load \d+\/10 · on duty: 1/);
  await accessible(admin, 'an operator\'s work history');
  await latest.getByRole('link', { name: created.body.ticket.reference }).click();
  await expect(admin.getByRole('heading', { name: /Printer jam/ })).toBeVisible();

  // In Bosnian the system's reasons read in Bosnian, not as stored.
  await admin.getByLabel('Language').selectOption('bs');
  await expect(admin.locator('ol.history li').filter({ hasText: 'dodjela tiketa' }))
    .toHaveText(/Sistem · dodjela tiketa: Selma Dedić — automatski: najmanje opterećenje \d+\/10 · na dužnosti: 1$/);
});
