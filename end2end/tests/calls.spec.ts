// Calls through the real apps, in Chromium with fake camera and microphone: an operator calls a
// client from the ticket, the client's portal rings, the client answers, and both browsers
// receive the other's media (the bytes received, from WebRTC's getStats, grow on both sides);
// the operator hangs up and the ticket shows the call with its length. A declined call is
// logged as missed. Where the admin allows it, a client calls their operator. The admin sets the STUN/TURN servers calls use (a bad line is refused).
import { test, expect, type Page } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required'],
  },
});

/// The bytes of the other side's media this page has received so far.
async function received(page: Page): Promise<number> {
  return Number(await page.locator('section.call-screen:not(.ended) .call-stats').getAttribute('data-received'));
}

test('an operator calls a client: both receive the other, and the ticket keeps the call', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Amra Kurtović', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Haris Pašić', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'My camera shows nothing',
    description: 'The picture stays black.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'call-1' } });
  expect(created.status).toBe(200);
  const id = created.body.ticket.id;
  expect((await call(adminCtx, 'tickets/move',
    { input: { ticket_id: id, step: 'assign', text: null, operator_id: operatorId } })).status).toBe(200);

  await operator.goto(`/operator/tickets/${id}`);
  await expect(operator.locator('.call-start')).toContainText('Nothing of the call is recorded');
  await operator.getByRole('button', { name: 'Video call' }).click();
  const calling = operator.locator('section.call-screen:not(.ended)');
  await expect(calling.getByRole('heading')).toHaveText('Calling Amra Kurtović');

  // The client's portal rings wherever they are; the screen says why the browser will ask.
  const ringing = client.locator('section.call-screen:not(.ended)');
  await expect(ringing.getByRole('heading')).toHaveText('Call from Haris Pašić');
  await expect(ringing).toContainText('the browser asks to use the microphone');
  await expect(client.locator('[aria-live="assertive"]')).toHaveText('Call from Haris Pašić');
  await accessible(client, 'a call ringing');
  await ringing.getByRole('button', { name: 'Answer' }).click();
  await expect(ringing.getByRole('heading')).toHaveText('In a call with Haris Pašić');
  await expect(calling.getByRole('heading')).toHaveText('In a call with Amra Kurtović');

  // Media flows both ways: what each side has received keeps growing.
  for (const page of [client, operator]) {
    await expect.poll(() => received(page), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await received(page);
    await expect.poll(() => received(page), { timeout: 20_000 }).toBeGreaterThan(before);
  }
  await accessible(operator, 'a call under way');
  await calling.getByRole('button', { name: 'Mute' }).click();
  await expect(ringing).toContainText('Their microphone is off.');

  await calling.getByRole('button', { name: 'Hang up' }).click();
  await expect(operator.locator('section.call-screen.ended')).toContainText('Call ended');
  await expect(client.locator('section.call-screen.ended')).toContainText('Call ended');
  await client.goto(`/tickets/${id}`);
  await expect(client.locator('.thread')).toContainText('Haris Pašić started a video call');
  await expect(client.locator('.thread')).toContainText('Haris Pašić ended the call');

  // A call declined is logged as missed.
  await operator.locator('section.call-screen.ended').getByRole('button', { name: 'Dismiss' }).click();
  await operator.getByRole('button', { name: 'Voice call' }).click();
  await expect(ringing.getByRole('heading')).toHaveText('Call from Haris Pašić');
  await ringing.getByRole('button', { name: 'Decline' }).click();
  await expect(operator.locator('section.call-screen.ended')).toContainText('Call ended');
  await expect(operator.locator('.thread')).toContainText('Amra Kurtović ended the call unanswered (missed)');

  // Where the admin allows it, the client calls their operator; the console rings.
  await expect(client.getByRole('button', { name: 'Voice call' })).toHaveCount(0);
  const allow = (may: boolean) => call(adminCtx, 'call/set_settings',
    { input: { ice_servers: '', clients_may_call: may } });
  expect((await allow(true)).status).toBe(200);
  await client.reload();
  await client.getByRole('button', { name: 'Voice call' }).click();
  const rung = operator.locator('section.call-screen:not(.ended)');
  await expect(rung.getByRole('heading')).toHaveText('Call from Amra Kurtović');
  await rung.getByRole('button', { name: 'Decline' }).click();
  await expect(client.locator('section.call-screen.ended')).toContainText('Call ended');
  expect((await allow(false)).status).toBe(200);
});

test('the admin sets how calls reach the other side', async ({ browser }) => {
  const context = await adminContext(browser);
  const admin = await context.newPage();
  await admin.goto('/admin/settings');
  const card = admin.locator('form', { has: admin.getByRole('heading', { name: 'Calls' }) });
  await expect(card).toContainText('nothing of them is recorded');
  const servers = card.getByLabel('STUN and TURN servers');
  const mayCall = card.getByLabel('Clients may ask for a call');

  // TURN without its username and credential: refused, nothing kept.
  await servers.fill('turn:turn.example.org:3478');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('alert')).toHaveText('STUN and TURN servers: not valid.');
  await admin.reload();
  await expect(servers).toHaveValue('');

  const lines = 'stun:stun.example.org:3478\nturn:turn.example.org:3478 desk s3cret';
  await servers.fill(lines);
  await mayCall.check();
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('status')).toHaveText('Saved.');
  await accessible(admin, 'the settings with calls');
  await admin.reload();
  await expect(servers).toHaveValue(lines);
  await expect(mayCall).toBeChecked();

  // Back as it was, for the other tests on this server.
  await servers.fill('');
  await mayCall.uncheck();
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('status')).toHaveText('Saved.');
  await context.close();
});
