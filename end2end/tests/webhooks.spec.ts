// Webhooks through the admin console, against a real HTTP receiver the test runs: an address on
// this machine is refused until the admin allows it; the secret is shown once; a ticket opened
// by a client is posted, signed as the page says (checked here with Node's own HMAC); the
// deliveries show each attempt with the receiver's answer, one is sent again, the webhook is
// paused and deleted. axe on the page.
import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { PORT } from '../playwright.config';
import { accessible, adminContext, call, person } from './helpers';

const RECEIVER_PORT = PORT + 20;

interface Got { headers: IncomingHttpHeaders; body: string }

test('an admin adds a webhook, sees its deliveries and sends one again', async ({ browser }) => {
  const got: Got[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, '127.0.0.1', resolve));
  try {
    const adminCtx = await adminContext(browser);
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/');
    await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(admin.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await expect(admin.getByText('No webhooks yet.')).toBeVisible();

    const form = admin.locator('section', { has: admin.getByRole('heading', { name: 'Add webhook' }) });
    await form.getByLabel('Receiver URL').fill(`http://127.0.0.1:${RECEIVER_PORT}/hooks`);
    await form.getByLabel('message', { exact: true }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    // This machine is refused, with the way out named; nothing is made.
    await expect(form.getByRole('alert')).toContainText('Receiver URL');
    await expect(form.getByRole('alert')).toContainText('private network');
    await expect(admin.getByText('No webhooks yet.')).toBeVisible();
    await form.getByLabel('Allow an address on this machine or a private network').check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secretBox = form.getByLabel('Copy the secret now to verify signatures; it will not be shown again:');
    await expect(secretBox).toHaveValue(/^whsec_/);
    const secret = await secretBox.inputValue();
    const row = admin.locator('table.webhooks tbody tr');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('ticket opened, status changed, message');
    await expect(row).toContainText('Active');
    await accessible(admin, 'the webhooks page');

    // A client opens a ticket: it is posted, signed with the secret over "<t>.<body>".
    const { page: client } = await person(browser, adminCtx, 'Hana Webhook', 'client');
    const created = await call(client.context(), 'tickets/create', { input: { subject: 'Hooked printer',
      description: 'It jams.', category_id: null, priority: 'normal', earlier_ticket_id: null,
      idempotency_key: 'hook-1' } });
    expect(created.status).toBe(200);
    await expect.poll(() => got.length).toBe(1);
    expect(got[0].headers['salter-event']).toBe('ticket.created');
    const [t, v1] = String(got[0].headers['salter-signature']).replace('t=', '').split(',v1=');
    expect(createHmac('sha256', secret).update(`${t}.${got[0].body}`).digest('hex')).toBe(v1);
    const sent = JSON.parse(got[0].body);
    expect(sent.ticket.subject).toBe('Hooked printer');
    expect(sent.ticket.reference).toBe(created.body.ticket.reference);

    // Its deliveries: the attempt with the receiver's answer; sent again, the same event.
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = admin.locator('section.deliveries');
    const delivery = deliveries.locator('tbody tr', { hasText: created.body.ticket.reference });
    await expect(delivery).toContainText('ticket.created');
    await expect(delivery).toContainText('Delivered');
    await expect(delivery).toContainText('204');
    await accessible(admin, 'a webhook\'s deliveries');
    await delivery.getByRole('button', { name: 'Send again' }).click();
    await expect(deliveries.getByRole('status')).toContainText('Queued to be sent again.');
    await expect.poll(() => got.length).toBe(2);
    expect(JSON.parse(got[1].body).id).toBe(sent.id);

    // Paused, then deleted.
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(row).toContainText('Paused');
    await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible();
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect(admin.getByText('No webhooks yet.')).toBeVisible();
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});
