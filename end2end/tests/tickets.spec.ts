// A ticket's whole life through the three apps: opened by the client (with a category, light
// Markdown and an attachment), assigned by the admin, worked by the operator, returned for
// information, answered, closed, reopened, closed again — with the timeline showing exactly those
// steps, and an admin's forced change the operator sees.
import { test, expect, type Page } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

const status = (page: Page) => page.locator('.facts .badge[class*="status-"]');

test('a ticket goes from client to operator and back until it is solved', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Mirela Hodžić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Tarik Begić', 'operator');
  const admin = await adminCtx.newPage();

  // The admin adds the category the client will choose.
  await admin.goto('/admin/settings');
  await admin.getByLabel('New category').fill('Printrs');
  await admin.locator('form', { has: admin.getByLabel('New category') }).getByRole('button', { name: 'Add' }).click();
  // Edited in place, saved with its own button. Only operators who hold it will get its
  // tickets (with automatic assignment).
  const printers = admin.locator('form.category');
  await admin.getByLabel('Rename Printrs').fill('Printers');
  await expect(printers.getByLabel('active')).toBeChecked();
  await printers.getByLabel('only operators who hold it').check();
  await admin.getByRole('button', { name: 'Save · Printrs' }).click();
  await expect(admin.getByRole('button', { name: 'Save · Printers' })).toBeVisible();
  await admin.reload();
  await expect(admin.getByLabel('Rename Printers')).toHaveValue('Printers');
  await expect(admin.locator('form.category').getByLabel('only operators who hold it')).toBeChecked();
  await accessible(admin, 'settings with categories');

  // The client opens a ticket, in Markdown, with a log file. (Their earlier tickets load late,
  // and the creation is held, to show that the button follows its own call only.)
  let releaseList!: () => void;
  let releaseCreate!: () => void;
  const listHeld = new Promise<void>((r) => { releaseList = r; });
  const createHeld = new Promise<void>((r) => { releaseCreate = r; });
  await client.route('**/api/tickets/list', async (route) => { await listHeld; await route.continue(); });
  await client.route('**/api/tickets/create', async (route) => { await createHeld; await route.continue(); });
  await client.getByRole('link', { name: 'New ticket' }).first().click();
  await client.getByLabel('Subject').fill('Printer on fire');
  await client.getByLabel('Description').fill('Smoke comes out of the **LX-300**.');
  await client.getByLabel('Category').selectOption({ label: 'Printers' });
  await client.getByLabel('Priority').selectOption({ label: 'high' });
  await client.getByLabel('Attachments').setInputFiles({
    name: 'smoke.log', mimeType: 'text/plain', buffer: Buffer.from('10:02 fuser temperature 412 C\n'),
  });
  await expect(client.locator('.files li')).toContainText('smoke.log');
  await accessible(client, 'new ticket');
  const open = client.getByRole('button', { name: 'Open the ticket' });
  await open.click();
  await expect(open).toBeDisabled();
  const listed = client.waitForResponse('**/api/tickets/list');
  releaseList();
  await listed;
  await expect(open).toBeDisabled();
  releaseCreate();
  await client.unrouteAll({ behavior: 'wait' });
  const heading = client.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('Printer on fire');
  const reference = (await heading.locator('code').textContent())!.trim();
  expect(reference).toMatch(/^T-\d{6}$/);
  await expect(status(client)).toHaveText('open');
  await expect(client.getByText('No messages yet: write the first one below.')).toBeVisible();
  await expect(client.locator('.facts')).toContainText('Printers');
  await expect(client.locator('.text strong')).toHaveText('LX-300');
  const ticketUrl = client.url();

  // The admin finds it with the filters and assigns it.
  await admin.getByRole('link', { name: 'Tickets' }).click();
  await expect(admin.getByRole('heading', { name: 'All tickets' })).toBeVisible();
  await admin.getByLabel('Priority').selectOption({ label: 'low' });
  await expect(admin.getByRole('link', { name: reference })).toHaveCount(0);
  await admin.getByLabel('Priority').selectOption({ label: 'high' });
  await admin.getByLabel('Category').selectOption({ label: 'Printers' });
  await accessible(admin, 'admin ticket list with filters');
  await admin.getByRole('link', { name: reference }).click();
  // The ticket's page (a lazy chunk) is there before its form is used: the list's filters
  // have an "Operator" too.
  await expect(admin.getByRole('heading', { level: 1 })).toContainText('Printer on fire');
  await admin.getByLabel('Operator', { exact: true }).selectOption({ label: 'Tarik Begić' });
  await admin.getByRole('button', { name: 'Assign' }).click();
  await expect(status(admin)).toHaveText('assigned to operator');
  // The conversation tells it in one line that names who has the ticket now (the status
  // change that comes with it is folded in); the full history is one click away.
  await expect(admin.locator('ol.thread li.step')).toHaveText([/assigned the ticket to Tarik Begić — by hand$/]);
  await admin.getByText('History', { exact: true }).click();
  await expect(admin.locator('ol.history li').filter({ hasText: 'changed the status' })).toBeVisible();

  // The operator finds it in the queue, downloads the log, raises the priority, starts, and
  // asks for information.
  await operator.reload();
  await operator.getByRole('link', { name: reference }).click();
  const download = operator.waitForEvent('download');
  await operator.getByRole('link', { name: 'smoke.log' }).click();
  expect((await download).suggestedFilename()).toBe('smoke.log');
  await operator.getByLabel('Priority').selectOption({ label: 'critical' });
  await operator.getByRole('button', { name: 'Save' }).click();
  await expect(operator.locator('.facts')).toContainText('critical');
  await expect(operator.locator('ol.history li').last()).toHaveText(/changed the priority: high → critical$/);
  await operator.getByRole('button', { name: 'Start work' }).click();
  await expect(status(operator)).toHaveText('in progress');
  await operator.getByLabel('Message', { exact: true }).fill('Is it still plugged in?');
  await operator.getByLabel('Internal note').check();
  await operator.getByRole('button', { name: 'Add internal note' }).click();
  await expect(operator.locator('.message.note')).toContainText('Is it still plugged in?');
  // One composer: the question goes out with the move that returns the ticket.
  await expect(operator.getByRole('textbox')).toHaveCount(1);
  await operator.getByLabel('Message', { exact: true }).fill('Which model is it exactly?');
  await operator.getByRole('button', { name: 'Send and ask the client' }).click();
  await expect(status(operator)).toHaveText('returned to client');
  await accessible(operator, 'operator ticket view');

  // The client sees the question at the top and answers.
  await client.goto(ticketUrl);
  await expect(client.locator('.returned')).toContainText('Which model is it exactly?');
  await expect(client.getByText('Is it still plugged in?')).toHaveCount(0);
  // One box to write in: the answer (no second "message" box that would leave it returned).
  await expect(client.getByRole('textbox')).toHaveCount(1);
  await client.getByLabel('Your answer').fill('An LX-300, serial 42.');
  await client.getByRole('button', { name: 'Send the answer' }).click();
  await expect(status(client)).toHaveText('in progress');

  // The operator closes it; the client reopens it; the operator closes it again.
  await operator.reload();
  await operator.getByLabel('Message', { exact: true }).fill('Replaced the fuser.');
  await operator.getByRole('button', { name: 'Send and close the ticket' }).click();
  await expect(status(operator)).toHaveText('closed');
  await client.reload();
  await client.getByLabel('Why reopen?').fill('It smokes again.');
  await client.getByRole('button', { name: 'Reopen' }).click();
  await expect(status(client)).toHaveText('assigned to operator');
  await operator.reload();
  await operator.getByRole('button', { name: 'Start work' }).click();
  await operator.getByLabel('Message', { exact: true }).fill('A new printer is on its way.');
  await operator.getByRole('button', { name: 'Send and close the ticket' }).click();
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
  await expect(client.locator('ol.history li').filter({ hasText: 'attached a file' })).toHaveText(/smoke\.log$/);
  await accessible(client, 'client ticket view');

  // A follow-up ticket refers to this one, and links back to it.
  await client.getByRole('link', { name: 'New ticket' }).first().click();
  await client.getByLabel('Subject').fill('Printer again');
  await client.getByLabel('Description').fill('Same printer as before.');
  await client.getByLabel('Earlier ticket').selectOption({ label: `${reference} · Printer on fire` });
  await client.getByRole('button', { name: 'Open the ticket' }).click();
  await expect(client.locator('.facts')).toContainText(reference);
  await client.locator('.facts').getByRole('link', { name: reference }).click();
  await expect(heading).toContainText('Printer on fire');

  // The admin's tools start from the ticket as it is: its operator, its status. The admin
  // forces a status with a reason; the operator sees it.
  await admin.reload();
  await expect(admin.locator('#operator option:checked')).toHaveText('Tarik Begić');
  await expect(admin.locator('#force-status option:checked')).toHaveText('closed');
  await admin.getByLabel('Status', { exact: true }).selectOption({ label: 'in progress' });
  await admin.getByLabel('Reason').fill('Training: follow up on the delivery');
  await admin.getByRole('button', { name: 'Force' }).click();
  await expect(status(admin)).toHaveText('in progress');
  await accessible(admin, 'admin ticket view');
  await operator.reload();
  await expect(operator.locator('ol.history li').last())
    .toHaveText(/forced the status: closed → in progress — Training: follow up on the delivery$/);

  // The client sees that the status was forced, not the admin's reason (it may be an internal
  // remark) — until the admin chooses to show clients such reasons.
  await client.reload();
  await expect(client.locator('ol.history li').last()).toHaveText(/forced the status: closed → in progress$/);
  await admin.getByRole('link', { name: 'Settings' }).click();
  const showReasons = admin.getByLabel('Show clients the reason when an admin forces a status');
  await expect(showReasons).toBeEnabled();
  await expect(showReasons).not.toBeChecked();
  await showReasons.check();
  await expect(showReasons).toBeChecked();
  await expect(showReasons).toBeEnabled();
  await client.reload();
  await expect(client.locator('ol.history li').last())
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

test('a subject that shows nothing is refused with a clear message, and nothing is opened', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Lejla Mehić', 'client');
  await client.getByRole('link', { name: 'New ticket' }).first().click();
  // Zero-width spaces and a right-to-left override: the browser's `required` lets them through.
  await client.getByLabel('Subject').fill('\u200B\u200B\u202E');
  await client.getByLabel('Description').fill('The printer is out of toner.');
  await client.getByRole('button', { name: 'Open the ticket' }).click();
  await expect(client.getByRole('alert')).toHaveText('Subject: required.');
  await expect(client.getByRole('heading', { level: 1 })).toHaveText('New ticket');
  const mine = await call(client.context(), 'tickets/list', { query: { status: null, after: null } });
  expect(mine.body.tickets).toEqual([]);
});
