// E-mail through the real apps and a real SMTP server: the admin sets where e-mail goes out
// from and sends a test e-mail; a client gives their address and turns one notice off on their
// account page, and the mail that follows honours it.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';
import { MailServer } from '../smtp';

const SMTP_PORT = 39181;

test('the admin sets up e-mail and a client chooses what they get', async ({ browser }) => {
  const smtp = await MailServer.start(SMTP_PORT);
  try {
    const adminCtx = await adminContext(browser);
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/settings');
    const card = admin.locator('section', { has: admin.getByRole('heading', { name: 'E-mail', exact: true }) });
    // A wrong server is refused with its field named.
    await card.getByLabel('SMTP server').fill('http://mail.example');
    await card.getByLabel('Sender address').fill('help@support.example');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByRole('alert')).toContainText('SMTP server');
    await card.getByLabel('SMTP server').fill(smtp.url);
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await accessible(admin, 'e-mail settings');

    await card.getByLabel('Send a test e-mail to').fill('boss@support.example');
    await card.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => smtp.messages().filter((m) => m.to.includes('<boss@support.example>')).length).toBe(1);
    expect(smtp.messages()[0].subject).toContain('Test e-mail');

    // The client: an address, and no e-mail for answers.
    const { page: client } = await person(browser, adminCtx, 'Mirza Delić', 'client');
    await client.goto('/account');
    const choices = client.locator('form', { has: client.getByRole('heading', { name: 'E-mail notifications' }) });
    await choices.getByLabel('E-mail', { exact: true }).fill('mirza@client.example');
    await choices.getByLabel('Support answered').uncheck();
    await choices.getByRole('button', { name: 'Save' }).click();
    await expect(choices.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await accessible(client, 'e-mail choices');
    await client.reload();
    await expect(choices.getByLabel('E-mail', { exact: true })).toHaveValue('mirza@client.example');
    await expect(choices.getByLabel('Support answered')).not.toBeChecked();
    await expect(choices.getByLabel('My ticket was closed')).toBeChecked();

    // A new ticket: its reference comes by e-mail. An answer does not; a close does.
    const created = await call(client.context(), 'tickets/create', { input: { subject: 'Mail test ticket',
      description: 'Checking the e-mail.', category_id: null, priority: 'normal', earlier_ticket_id: null,
      idempotency_key: 'mail-1' } });
    expect(created.status).toBe(200);
    const id = created.body.ticket.id;
    const reference = `[T-${String(id).padStart(6, '0')}]`;
    const toClient = () => smtp.messages().filter((m) => m.to.includes('mirza@client.example')).map((m) => m.subject);
    await expect.poll(toClient).toEqual([`${reference} We received your request: Mail test ticket`]);
    const { page: operator } = await person(browser, adminCtx, 'Lana Jurić', 'operator');
    const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
    const move = async (ctx: typeof adminCtx, step: string, text: string | null, operator_id: number | null) =>
      expect((await call(ctx, 'tickets/move', { input: { ticket_id: id, step, text, operator_id } })).status).toBe(200);
    await move(adminCtx, 'assign', null, operatorId);
    await move(operator.context(), 'start', null, null);
    expect((await call(operator.context(), 'tickets/post',
      { input: { ticket_id: id, body: 'Looking into it.', internal: false } })).status).toBe(200);
    await move(operator.context(), 'close', 'Done.', null);
    await expect.poll(toClient).toEqual([
      `${reference} We received your request: Mail test ticket`,
      `${reference} Closed: Mail test ticket`,
    ]);
  } finally {
    await smtp.stop();
  }
});
