// Canned responses through the real apps: the admin writes a shared one (a bad shortcut is
// refused with its reason); an operator types `/` and its shortcut in a ticket's message box,
// chooses it with the keyboard and finds its placeholders filled for the ticket; keeps one of
// their own on their page, and inserts it from the list the `c` key opens. axe on each page.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

test('staff insert canned responses with their placeholders filled', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: operator } = await person(browser, adminCtx, 'Tarik Kurtović', 'operator');
  const { page: client } = await person(browser, adminCtx, 'Amra Begić', 'client');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Cannot sign in',
    description: 'It says my password is wrong.', category_id: null, priority: 'normal',
    earlier_ticket_id: null, idempotency_key: 'canned-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  const reference = created.body.ticket.reference;
  expect((await call(adminCtx, 'tickets/move',
    { input: { ticket_id: id, step: 'assign', text: null, operator_id: operatorId } })).status).toBe(200);

  // The admin writes a shared one; a shortcut with a space is refused and nothing is added.
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/canned');
  await expect(admin.getByRole('heading', { name: 'Canned responses', level: 1 })).toBeVisible();
  await admin.getByLabel('Shortcut').fill('pass word');
  await admin.getByLabel('Text').fill('Hello {client_name}, {operator_name} here about {ticket_ref}.');
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.locator('form.canned-form [role=alert]')).toHaveText('Shortcut: not valid.');
  await admin.getByLabel('Shortcut').fill('pwreset');
  await expect(admin.getByLabel('Shared with all staff')).toBeChecked();
  await admin.getByRole('button', { name: 'Save' }).click();
  const row = admin.getByRole('row', { name: /\/pwreset/ });
  await expect(row).toContainText('Shared with all staff');
  await expect(admin.getByRole('row', { name: /pass word/ })).toHaveCount(0);
  await expect(admin.getByLabel('Shortcut')).toHaveValue('');
  await accessible(admin, 'admin canned responses');

  // The operator types `/pw` in the message box: the offer comes, Enter inserts it filled.
  await operator.goto(`/operator/tickets/${id}`);
  const box = operator.locator('#reply');
  await box.click();
  await box.pressSequentially('Hi. /pw');
  const offers = operator.getByRole('listbox', { name: 'Canned responses' });
  await expect(offers.getByRole('option')).toHaveCount(1);
  await expect(offers.getByRole('option').first()).toContainText('/pwreset');
  await expect(offers.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await accessible(operator, 'ticket with canned offers');
  await box.press('Enter');
  await expect(box).toHaveValue(`Hi. Hello Amra Begić, Tarik Kurtović here about ${reference}.`);
  await expect(offers).toHaveCount(0);
  // Escape closes the offers and leaves the text as typed.
  await box.pressSequentially(' /nothing-like-it');
  await expect(offers).toHaveCount(0);
  await box.fill('/pw');
  await expect(offers.getByRole('option')).toHaveCount(1);
  await box.press('Escape');
  await expect(offers).toHaveCount(0);
  await expect(box).toHaveValue('/pw');
  await box.fill(`Hello Amra Begić, Tarik Kurtović here about ${reference}.`);
  await operator.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(operator.locator('ol.thread')).toContainText(`Tarik Kurtović here about ${reference}.`);

  // Their own, on their page, where the shared one shows its use and cannot be changed.
  await operator.getByRole('link', { name: 'Canned responses' }).click();
  const shared = operator.getByRole('row', { name: /\/pwreset/ });
  await expect(shared).toContainText('1');
  await expect(shared.getByRole('button', { name: /Edit/ })).toHaveCount(0);
  await expect(operator.getByLabel('Shared with all staff')).toHaveCount(0);
  await operator.getByLabel('Shortcut').fill('thanks');
  await operator.getByLabel('Text').fill('Thank you, {client_name}!');
  await operator.getByRole('button', { name: 'Save' }).click();
  await expect(operator.getByRole('row', { name: /\/thanks/ })).toContainText('Only mine');
  await accessible(operator, 'operator canned responses');

  // The list under the box, opened with `c`, searched, and a click inserts at the caret.
  await operator.goto(`/operator/tickets/${id}`);
  await expect(operator.locator('#reply')).toBeVisible();
  await operator.locator('body').press('c');
  await expect(operator.getByLabel('Find a canned response')).toBeFocused();
  await operator.getByLabel('Find a canned response').fill('than');
  await operator.locator('.canned-list').getByRole('button', { name: '/thanks' }).click();
  await expect(operator.locator('#reply')).toHaveValue('Thank you, Amra Begić!');
  await expect(operator.locator('.canned-list')).toHaveCount(0);
  await accessible(operator, 'ticket after inserting from the list');

  // The client never sees any of it.
  await client.goto(`/tickets/${id}`);
  await expect(client.locator('#reply')).toBeVisible();
  await expect(client.locator('#canned-open')).toHaveCount(0);
  expect((await call(client.context(), 'canned/list', {})).status).toBe(403);
});
