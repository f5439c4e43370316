// Live updates through the real apps, several people at once and nobody reloading: a ticket
// the admin assigns appears in the operator's queue with an alert and a count in the title, and
// on the admin's floor as load, and in the client's list as it is made;
// the operator returning it with a question changes the client's open ticket as it happens,
// and what the client is writing meanwhile stays in the box; a break shows on the admin's
// floor. Staff see who else is on a ticket and who is writing; a reply begun before someone
// else changed the ticket is refused with what changed, and goes once sent again. When the
// server restarts, the apps
// say they are offline, come back by themselves and show what happened meanwhile.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';
import { PORT } from '../playwright.config';
import { startSalter } from '../server';

test('every app shows what the others do, as they do it', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Nermina Živković', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Haris Đulić', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  await expect(client.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(operator.locator('.duty')).toBeVisible();
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/floor');
  const floorRow = admin.locator('table.floor tbody tr', { hasText: 'Haris Đulić' });
  await expect(floorRow).toContainText('0 / 10');

  // The client's list shows the new ticket; the operator's queue once the admin assigns it.
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Scanner offline',
    description: 'Since this morning', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'live-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  await expect(client.locator('tbody tr', { hasText: 'Scanner offline' })).toBeVisible();
  expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: id, step: 'assign', text: null,
    operator_id: operatorId } })).status).toBe(200);
  const row = operator.locator('tbody tr', { hasText: 'Scanner offline' });
  await expect(row).toContainText('assigned to operator');
  await expect(operator.locator('.duty')).toContainText('Load: 1 / 10');
  await expect(floorRow).toContainText('1 / 10');
  // The operator is told: an alert, and the count of tickets to start in the tab's title.
  await expect(operator.getByRole('alert')).toContainText('New in your queue: 1');
  await expect(operator).toHaveTitle(/^\(1\) /);
  await operator.getByRole('button', { name: 'Dismiss' }).click();
  await expect(operator.locator('.alert-new')).toHaveCount(0);

  // The client opens it and starts writing; the operator starts work and asks a question.
  await client.locator('tbody tr', { hasText: 'Scanner offline' }).getByRole('link').click();
  await expect(client.locator('.facts')).toContainText('assigned to operator');
  await client.locator('#reply').fill('Half-written answer');
  await row.getByRole('link').click();
  // Who else is on the ticket: the operator sees the client there, and writing while they
  // type (until a pause of a few seconds); an admin who opens it sees both, and the operator
  // sees the admin until the admin's tab closes.
  const here = operator.locator('.ticket-pane .here');
  await expect(here).toContainText('Also here: Nermina Živković');
  await client.locator('#reply').pressSequentially(' more');
  await expect(here).toContainText('Nermina Živković writing…');
  await expect(here).not.toContainText('writing…', { timeout: 10_000 });
  await expect(row.locator('.presence')).toContainText('Nermina Živković');
  const adminOnTicket = await adminCtx.newPage();
  await adminOnTicket.goto(`/admin/tickets/${id}`);
  await expect(adminOnTicket.locator('.here')).toContainText('Haris Đulić');
  await expect(adminOnTicket.locator('.here')).toContainText('Nermina Živković');
  await expect(here).toContainText('Administrator');
  await operator.locator('#reply').fill('Looking into it');
  await expect(adminOnTicket.locator('.here')).toContainText('Haris Đulić writing…');
  await operator.locator('#reply').fill('');
  await adminOnTicket.close();
  await expect(here).not.toContainText('Administrator');
  await client.locator('#reply').fill('Half-written answer');
  await operator.getByRole('button', { name: 'Start work' }).click();
  await expect(client.locator('.facts')).toContainText('in progress');
  await operator.locator('#reply').fill('Is its light green or red?');
  await operator.getByRole('button', { name: 'Send and ask the client' }).click();
  await expect(client.locator('.facts')).toContainText('returned to client');
  await expect(client.locator('.returned')).toContainText('Is its light green or red?');
  await expect(client.locator('#reply')).toHaveValue('Half-written answer');
  await expect(client.locator('.connection')).toBeHidden();
  await accessible(client, 'a ticket changed live');

  // The client answers while the operator is writing a follow-up: the operator's open ticket
  // and queue row move on by themselves, and the text being written stays.
  await operator.locator('#reply').fill('Then restart it.');
  await client.locator('#reply').fill('Red.');
  await client.getByRole('button', { name: 'Send the answer' }).click();
  await expect(operator.locator('.ticket-pane .facts')).toContainText('in progress');
  await expect(operator.locator('.ticket-pane .thread')).toContainText('Red.');
  await expect(row).toContainText('in progress');
  // The follow-up was begun before the answer came: sending it is refused with what changed,
  // nothing is sent, the text stays; sent again, having looked, it goes.
  await expect(operator.locator('#reply')).toHaveValue('Then restart it.');
  await operator.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(operator.locator('.ticket-pane .changed')).toContainText('Nermina Živković');
  await expect(operator.locator('.ticket-pane')).toContainText('Someone else changed this ticket');
  await expect(operator.locator('.ticket-pane .thread')).not.toContainText('Then restart it.');
  await expect(operator.locator('#reply')).toHaveValue('Then restart it.');
  await operator.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(operator.locator('.ticket-pane .thread')).toContainText('Then restart it.');
  await expect(operator.locator('.ticket-pane .changed')).toHaveCount(0);
  await expect(client.locator('.thread')).toContainText('Then restart it.');
  // A priority picked before the client writes again stays picked while the ticket reloads;
  // saving it is refused once with what changed, then goes.
  await operator.locator('#edit-priority').selectOption('low');
  expect((await call(client.context(), 'tickets/post', { input: { ticket_id: id, body: 'Still red.',
    internal: false } })).status).toBe(200);
  await expect(operator.locator('.ticket-pane .thread')).toContainText('Still red.');
  await expect(operator.locator('#edit-priority')).toHaveValue('low');
  await operator.getByRole('button', { name: 'Save' }).click();
  await expect(operator.locator('.ticket-pane form.fields')).toContainText('Someone else changed this ticket');
  await expect(operator.locator('.ticket-pane .facts')).not.toContainText('low');
  await operator.getByRole('button', { name: 'Save' }).click();
  await expect(operator.locator('.ticket-pane .facts')).toContainText('low');
  await expect(operator.locator('.ticket-pane form.fields')).not.toContainText('Someone else changed');
  await expect(operator).not.toHaveTitle(/^\(/);

  // The operator takes a break: the admin's floor says so.
  await operator.getByRole('button', { name: 'Take a break' }).click();
  await expect(floorRow).toContainText('on a break');
});

test('after a restart the apps come back by themselves and catch up', async ({ browser }) => {
  const server = await startSalter(PORT + 2, ['--manual-assignment'], { licensed: true });
  try {
    const baseURL = server.base;
    const adminCtx = await adminContext(browser, { baseURL, otp: server.otp });
    const { page: client } = await person(browser, adminCtx, 'Emir Kovačević', 'client', baseURL);
    const { page: operator } = await person(browser, adminCtx, 'Lana Šehić', 'operator', baseURL);
    const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
    const created = await call(client.context(), 'tickets/create', { input: { subject: 'Badge reader',
      description: 'Door 3', category_id: null, priority: 'normal', earlier_ticket_id: null,
      idempotency_key: 'restart-1' } });
    const id = created.body.ticket.id;
    expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: id, step: 'assign', text: null,
      operator_id: operatorId } })).status).toBe(200);
    await client.goto(`/tickets/${id}`);
    await expect(client.locator('.facts')).toContainText('assigned to operator');

    await server.restart();
    // The operator starts work and writes as soon as the server is back, before the client's
    // app has reconnected: it hears of both when it does.
    expect((await call(operator.context(), 'tickets/move', { input: { ticket_id: id, step: 'start',
      text: null, operator_id: null } })).status).toBe(200);
    expect((await call(operator.context(), 'tickets/post', { input: { ticket_id: id,
      body: 'On my way to door 3.', internal: false } })).status).toBe(200);
    await expect(client.locator('.facts')).toContainText('in progress');
    await expect(client.locator('.thread')).toContainText('On my way to door 3.');
    await expect(client.locator('.connection')).toBeHidden();
  } finally {
    await server.stop();
  }
});
