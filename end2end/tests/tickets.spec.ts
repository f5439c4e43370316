// A ticket's whole life through the three apps: opened by the client, assigned by the admin,
// worked by the operator, returned for information, answered, closed, reopened, closed again —
// with the timeline showing exactly those steps, and an admin's forced change the operator sees.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { adminContext, person } from './helpers';

async function accessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
}

const status = (page: Page) => page.locator('.facts .badge');

test('a ticket goes from client to operator and back until it is solved', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Mirela Hodžić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Tarik Begić', 'operator');
  const admin = await adminCtx.newPage();

  // The client opens a ticket.
  await client.getByRole('link', { name: 'New ticket' }).first().click();
  await client.getByLabel('Subject').fill('Printer on fire');
  await client.getByLabel('Description').fill('Smoke comes out of the LX-300.');
  await client.getByLabel('Priority').selectOption({ label: 'high' });
  await accessible(client, 'new ticket');
  await client.getByRole('button', { name: 'Open the ticket' }).click();
  const heading = client.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('Printer on fire');
  const reference = (await heading.locator('code').textContent())!.trim();
  expect(reference).toMatch(/^T-\d{6}$/);
  await expect(status(client)).toHaveText('open');
  const ticketUrl = client.url();

  // The admin assigns it.
  await admin.goto('/admin/');
  await admin.getByRole('link', { name: 'Tickets' }).click();
  await expect(admin.getByRole('heading', { name: 'All tickets' })).toBeVisible();
  await admin.getByRole('link', { name: reference }).click();
  await admin.getByLabel('Operator', { exact: true }).selectOption({ label: 'Tarik Begić' });
  await admin.getByRole('button', { name: 'Assign' }).click();
  await expect(status(admin)).toHaveText('assigned to operator');

  // The operator finds it in the queue, starts, and asks for information.
  await operator.reload();
  await operator.getByRole('link', { name: reference }).click();
  await operator.getByRole('button', { name: 'Start work' }).click();
  await expect(status(operator)).toHaveText('in progress');
  await operator.getByLabel('Message').fill('Is it still plugged in?');
  await operator.getByLabel('Internal note').check();
  await operator.getByRole('button', { name: 'Add internal note' }).click();
  await expect(operator.locator('.message.note')).toContainText('Is it still plugged in?');
  await operator.getByLabel('What do you need from the client?').fill('Which model is it exactly?');
  await operator.getByRole('button', { name: 'Return to client' }).click();
  await expect(status(operator)).toHaveText('returned to client');
  await accessible(operator, 'operator ticket view');

  // The client sees the question at the top and answers.
  await client.goto(ticketUrl);
  await expect(client.locator('.returned')).toContainText('Which model is it exactly?');
  await expect(client.getByText('Is it still plugged in?')).toHaveCount(0);
  await client.getByLabel('Your answer').fill('An LX-300, serial 42.');
  await client.getByRole('button', { name: 'Send the answer' }).click();
  await expect(status(client)).toHaveText('in progress');

  // The operator closes it; the client reopens it; the operator closes it again.
  await operator.reload();
  await operator.getByLabel('Resolution').fill('Replaced the fuser.');
  await operator.getByRole('button', { name: 'Close' }).click();
  await expect(status(operator)).toHaveText('closed');
  await client.reload();
  await client.getByLabel('Why reopen?').fill('It smokes again.');
  await client.getByRole('button', { name: 'Reopen' }).click();
  await expect(status(client)).toHaveText('assigned to operator');
  await operator.reload();
  await operator.getByRole('button', { name: 'Start work' }).click();
  await operator.getByLabel('Resolution').fill('A new printer is on its way.');
  await operator.getByRole('button', { name: 'Close' }).click();
  await expect(status(operator)).toHaveText('closed');

  // The timeline the client sees is exactly those steps, and no internal note.
  await client.reload();
  const steps = client.locator('ol.history li').filter({ hasText: /opened the ticket|changed the status/ });
  await expect(steps).toHaveText([
    /Mirela Hodžić opened the ticket: open$/,
    /changed the status: open → assigned to operator$/,
    /Tarik Begić changed the status: assigned to operator → in progress$/,
    /Tarik Begić changed the status: in progress → returned to client$/,
    /Mirela Hodžić changed the status: returned to client → in progress$/,
    /Tarik Begić changed the status: in progress → closed$/,
    /Mirela Hodžić changed the status: closed → assigned to operator — It smokes again\.$/,
    /Tarik Begić changed the status: assigned to operator → in progress$/,
    /Tarik Begić changed the status: in progress → closed$/,
  ]);
  await expect(client.getByText('internal note')).toHaveCount(0);
  await accessible(client, 'client ticket view');

  // The admin forces a status with a reason; the operator sees it.
  await admin.reload();
  await admin.getByLabel('Status', { exact: true }).selectOption({ label: 'in progress' });
  await admin.getByLabel('Reason').fill('Training: follow up on the delivery');
  await admin.getByRole('button', { name: 'Force' }).click();
  await expect(status(admin)).toHaveText('in progress');
  await accessible(admin, 'admin ticket view');
  await operator.reload();
  await expect(operator.locator('ol.history li').last())
    .toHaveText(/forced the status: closed → in progress — Training: follow up on the delivery$/);

  // The operator finds it again by a word from the client's answer.
  await operator.getByRole('link', { name: 'My queue' }).click();
  const words = operator.getByLabel('Words in the subject, description or messages');
  await words.fill('xylophone');
  await operator.getByRole('button', { name: 'Search' }).click();
  await expect(operator.getByRole('link', { name: reference })).toHaveCount(0);
  await words.fill('serial');
  await operator.getByRole('button', { name: 'Search' }).click();
  await expect(operator.getByRole('row')).toHaveCount(2);
  await expect(operator.getByRole('link', { name: reference })).toBeVisible();
  await accessible(operator, 'operator search');
});
