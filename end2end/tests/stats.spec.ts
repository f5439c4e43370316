// Statistics in the admin console: the last 7 days by day draw their charts (kept as
// screenshots), the figures narrow to one operator, a chart tells the value under the pointer,
// each table downloads as the CSV of what it shows, and a client's rating moves the
// satisfaction figure.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { accessible, adminContext, call, person } from './helpers';

/// A table's header and rows as its cells read (the bars under numbers are pictures).
async function tableText(page: Page, selector: string): Promise<string[][]> {
  return page.locator(selector).evaluate((table) =>
    Array.from(table.querySelectorAll('tr')).map((tr) =>
      Array.from(tr.querySelectorAll('th, td')).map((c) =>
        (c.querySelector('.value')?.textContent ?? c.textContent ?? '').trim())));
}

/// A CSV file as rows of cells (no cell here holds a comma or a quote).
function csvRows(text: string): string[][] {
  return text.trim().split('\r\n').map((line) => line.split(','));
}

test('an admin reads the statistics as charts and tables and downloads them', async ({ browser }, testInfo) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Lejla Statistić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Mirza Brojić', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const ids: number[] = [];
  for (const [i, subject] of ['Monitor flickers', 'Mouse lost', 'Keyboard sticky'].entries()) {
    const created = await call(client.context(), 'tickets/create', { input: { subject, description: subject,
      category_id: null, priority: 'normal', earlier_ticket_id: null, idempotency_key: `stats-${i}` } });
    expect(created.status).toBe(200);
    ids.push(created.body.ticket.id);
    expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: created.body.ticket.id, step: 'assign',
      text: null, operator_id: operatorId } })).status).toBe(200);
  }
  for (const id of ids.slice(0, 2)) {
    for (const [step, text] of [['start', null], ['close', 'Done.']]) {
      expect((await call(operator.context(), 'tickets/move', { input: { ticket_id: id, step, text,
        operator_id: null } })).status).toBe(200);
    }
  }

  const admin = await adminCtx.newPage();
  await admin.goto('/admin/');
  await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Statistics' }).click();
  await expect(admin.getByRole('heading', { name: 'Statistics', level: 1 })).toBeVisible();
  await expect(admin.getByLabel('Period', { exact: true })).toHaveValue('last7_days');
  // Both charts are drawn, each described for screen readers.
  const charts = admin.locator('figure.chart svg[role="img"]');
  await expect(charts).toHaveCount(2);
  await expect(admin.locator('figure.chart polyline')).toHaveCount(3);
  await expect(charts.first().locator('desc')).toContainText('Line chart');
  await admin.screenshot({ path: testInfo.outputPath('statistics-7-days.png'), fullPage: true });

  // One operator: exact figures.
  await admin.getByLabel('Operator', { exact: true }).selectOption({ label: 'Mirza Brojić' });
  const glance = admin.locator('.at-a-glance');
  await expect(glance.locator('.glance', { hasText: 'Created' })).toContainText('3');
  await expect(glance.locator('.glance', { hasText: 'Resolved' })).toContainText('2');
  await expect(glance.locator('.glance', { hasText: 'Satisfied' })).toContainText('—');
  const mine = admin.locator('table.by-operator tbody tr', { hasText: 'Mirza Brojić' });
  await expect(mine.locator('td').nth(1)).toHaveText('3');
  await expect(mine.locator('td').nth(2)).toHaveText('2');
  await admin.screenshot({ path: testInfo.outputPath('statistics-one-operator.png'), fullPage: true });
  await accessible(admin, 'statistics');

  // The value under the pointer.
  const flow = charts.first();
  await flow.scrollIntoViewIfNeeded();
  const box = (await flow.boundingBox())!;
  await flow.hover({ position: { x: box.width - 8, y: box.height / 2 } });
  await expect(admin.locator('.readout').first()).toContainText('Created 3');

  // Each table downloads as what it shows.
  for (const table of ['by-operator', 'created-closed']) {
    const section = admin.locator('section.figures', { has: admin.locator(`table.${table}`) });
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      section.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${table}.csv`);
    const file = readFileSync((await download.path())!, 'utf8');
    expect(csvRows(file)).toEqual(await tableText(admin, `table.${table}`));
  }

  // A client rates a closed ticket: the satisfaction figure moves.
  expect((await call(client.context(), 'satisfaction/rate', { input: { ticket_id: ids[0], good: true,
    comment: 'Quick fix' } })).status).toBe(200);
  await admin.getByLabel('Step', { exact: true }).selectOption({ label: 'By week' });
  await expect(glance.locator('.glance', { hasText: 'Satisfied' })).toContainText('100 % (1 / 1)');
  await expect(admin.locator('section.satisfaction q')).toHaveText('Quick fix');

  // Chosen dates: today alone, by the hour.
  await admin.getByLabel('Period', { exact: true }).selectOption({ label: 'Chosen dates' });
  const today = new Date().toLocaleDateString('sv-SE');
  await admin.getByLabel('From', { exact: true }).fill(today);
  await admin.getByLabel('To (included)', { exact: true }).fill(today);
  await admin.getByLabel('Step', { exact: true }).selectOption({ label: 'By hour' });
  await expect(admin.locator('table.created-closed tbody tr')).toHaveCount(24);
  await expect(glance.locator('.glance', { hasText: 'Created' })).toContainText('3');
});

test('an admin saves a report, reruns it with one click and downloads it', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Emina Izvještajić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Dino Redović', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Report probe',
    description: 'Counted in a saved report.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'report-1' } });
  const id = created.body.ticket.id;
  expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: id, step: 'assign', text: null,
    operator_id: operatorId } })).status).toBe(200);
  for (const [step, text] of [['start', null], ['close', 'Done.']]) {
    expect((await call(operator.context(), 'tickets/move', { input: { ticket_id: id, step, text,
      operator_id: null } })).status).toBe(200);
  }

  const admin = await adminCtx.newPage();
  await admin.goto('/admin/stats');
  await expect(admin.locator('section.saved-reports')).toBeVisible();
  await admin.getByLabel('Operator', { exact: true }).selectOption({ label: 'Dino Redović' });
  const form = admin.locator('details.save-report');
  await form.getByText('Save as a report').click();
  // Nothing named: refused with the reason, nothing saved.
  await form.getByLabel('Report name').fill('   ');
  await form.getByRole('button', { name: 'Save the report' }).click();
  await expect(form.getByRole('alert')).toContainText('Report name');
  await form.getByLabel('Report name').fill('Dino this week');
  await form.getByLabel('Assigned').check();
  await form.getByLabel('Rows').selectOption({ label: 'By operator' });
  await form.getByRole('button', { name: 'Save the report' }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  await accessible(admin, 'saved reports');

  // Another day: the filters on the page are back to none; one click gives the saved question.
  await admin.reload();
  const saved = admin.locator('section.saved-reports');
  await saved.getByRole('button', { name: 'Run · Dino this week' }).click();
  const table = 'table.dino-this-week';
  await expect(admin.locator(table)).toBeVisible();
  expect(await tableText(admin, table)).toEqual([
    ['Operator', 'Created', 'Resolved', 'Assigned'],
    ['Dino Redović', '1', '1', '1'],
    ['All', '1', '1', '—'],
  ]);
  const section = admin.locator('section.figures', { has: admin.locator(table) });
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    section.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('dino-this-week.csv');
  expect(csvRows(readFileSync((await download.path())!, 'utf8'))).toEqual(await tableText(admin, table));

  // Deleted: gone from the list, and its table with it.
  await saved.getByRole('button', { name: 'Delete · Dino this week' }).click();
  await expect(saved.getByRole('button', { name: 'Run · Dino this week' })).toHaveCount(0);
  await expect(admin.locator(table)).toHaveCount(0);
});
