// E-mail through the real apps and real mail servers: the admin sets where e-mail goes out
// from and sends a test e-mail; a client gives their address and turns one notice off on their
// account page, and the mail that follows honours it. Then mail in (Dovecot): the client answers
// our e-mail and the answer appears in the open ticket by itself; a stranger's mail waits for
// the admin, who accepts it as a ticket with a new client account.
import { test, expect } from '@playwright/test';
import { PORT } from '../playwright.config';
import { accessible, adminContext, call, person } from './helpers';
import { MailServer } from '../smtp';
import { ImapServer } from '../imap';

const SMTP_PORT = PORT + 10;
const SMTP_PORT_2 = PORT + 11;
const IMAP_PORT = PORT + 12;

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
    // (Two messages within a moment may be stored in either order.)
    await expect.poll(() => toClient().sort()).toEqual([
      `${reference} Closed: Mail test ticket`,
      `${reference} We received your request: Mail test ticket`,
    ]);
  } finally {
    await smtp.stop();
  }
});

test('a client answers by e-mail, and the admin accepts a stranger\'s mail', async ({ browser }) => {
  const smtp = await MailServer.start(SMTP_PORT_2);
  const imap = await ImapServer.start(IMAP_PORT);
  const adminCtx = await adminContext(browser);
  try {
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/settings');
    const card = admin.locator('section', { has: admin.getByRole('heading', { name: 'E-mail', exact: true }) });
    await expect(card.getByLabel('SMTP server')).not.toHaveValue('');
    await card.getByLabel('SMTP server').fill(smtp.url);
    await card.getByLabel('Sender address').fill('help@support.example');
    await card.getByLabel('Support mailbox (IMAP)').fill(imap.url);
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await expect(card.getByLabel('SMTP server')).toHaveValue(smtp.url);
    // The mailbox's password is never shown again.
    await expect(card.getByLabel('Support mailbox (IMAP)')).toHaveValue(/\*\*\*\*\*\*\*\*@127\.0\.0\.1/);

    // A ticket returned to its client for more information, by e-mail.
    const { page: client } = await person(browser, adminCtx, 'Jasna Hodžić', 'client');
    expect((await call(client.context(), 'mail/set_choices',
      { input: { email: 'jasna@client.example', off: [] } })).status).toBe(200);
    const created = await call(client.context(), 'tickets/create', { input: { subject: 'Scanner is slow',
      description: 'It takes a minute per page.', category_id: null, priority: 'normal', earlier_ticket_id: null,
      idempotency_key: 'mail-in-1' } });
    expect(created.status).toBe(200);
    const id = created.body.ticket.id;
    // Mail goes out to the server just set.
    await expect.poll(() => smtp.messages().filter((m) => m.to.includes('jasna@client.example')).length).toBe(1);
    const { page: operator } = await person(browser, adminCtx, 'Amer Begić', 'operator');
    const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
    const move = async (ctx: typeof adminCtx, step: string, text: string | null, operator_id: number | null) =>
      expect((await call(ctx, 'tickets/move', { input: { ticket_id: id, step, text, operator_id } })).status).toBe(200);
    await move(adminCtx, 'assign', null, operatorId);
    await move(operator.context(), 'start', null, null);
    await move(operator.context(), 'return_to_client', 'Which scanner model is it?', null);
    const asked = async () => smtp.messages().find((m) => m.to.includes('jasna@client.example')
      && m.subject.includes('We need more information'));
    await expect.poll(async () => (await asked()) !== undefined).toBe(true);
    const question = (await asked())!;

    // The client has the ticket open; their e-mailed answer appears in it by itself.
    await client.goto(`/tickets/${id}`);
    await expect(client.locator('.thread')).toContainText('Which scanner model is it?');
    imap.deliver([
      'From: Jasna Hodžić <jasna@client.example>', 'To: help@support.example',
      `Subject: Re: ${question.subject}`, 'Message-ID: <jasna-answer@client.example>',
      `In-Reply-To: ${question.messageId}`, `References: ${question.messageId}`,
      'Content-Type: text/plain; charset=utf-8', '',
      'It is the S-300, on the second floor.', '', 'On Monday, Support wrote:', '> Which scanner model is it?',
    ]);
    await expect(client.locator('.thread')).toContainText('It is the S-300, on the second floor.', { timeout: 20_000 });
    await expect(client.locator('.thread')).not.toContainText('On Monday, Support wrote');
    await expect(client.getByText('In progress').first()).toBeVisible();

    // A stranger writes: the mail waits for the admin, who accepts it with a name.
    imap.deliver([
      'From: Nermin Kapetanović <nermin@new.example>', 'To: help@support.example',
      'Subject: Invoice question', 'Message-ID: <nermin-1@new.example>',
      'Content-Type: text/plain; charset=utf-8', '', 'Why was I charged twice?',
    ]);
    const held = admin.locator('section', { has: admin.getByRole('heading', { name: 'Held mail' }) });
    await expect(async () => {
      await held.getByRole('button', { name: 'Check the mailbox now' }).click();
      await expect(held.getByRole('listitem', { name: /nermin@new\.example/ })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    const item = held.getByRole('listitem', { name: /nermin@new\.example/ });
    await expect(item).toContainText('Unknown sender');
    await expect(item).toContainText('Why was I charged twice?');
    await accessible(admin, 'held mail');
    await expect(item.getByLabel('Full name')).toHaveValue('Nermin Kapetanović');
    await item.getByRole('button', { name: 'Accept' }).click();
    await expect(held.getByRole('status').filter({ hasText: 'Ticket opened' })).toBeVisible();
    await expect(held.locator('.credentials .username')).toHaveText('nermin.kapetanovic');
    await expect(held.locator('#no-held-mail')).toBeVisible();
  } finally {
    // The shared server stops fetching from the mailbox that goes away.
    await call(adminCtx, 'mail/set_settings', { input: { smtp_url: smtp.url, imap_url: '',
      from: 'help@support.example', reply_to: '' } });
    await imap.stop();
    await smtp.stop();
  }
});
