// The operator console for a whole shift: the keys (j/k through the queue, Enter to open, r to
// reply, n for an internal note, ? for the list of keys — none of them while typing), a ticket
// opened beside the queue on a wide screen and alone on a phone, the duty bar always in view,
// placeholder lines while the queue loads, relative times that move on by themselves; a new
// ticket chimes and notifies an operator looking elsewhere, as they chose.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';

const QUEUE_LINKS = 'table.tickets tbody tr td:first-child a';

test('an operator works the queue from the keyboard', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Dženana Mujić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Haris Omerović', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  for (const [i, subject] of ['Scanner offline', 'Badge reader', 'Projector'].entries()) {
    const created = await call(client.context(), 'tickets/create', { input: { subject, description: subject,
      category_id: null, priority: 'normal', earlier_ticket_id: null, idempotency_key: `keys-${i}` } });
    expect(created.status).toBe(200);
    expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: created.body.ticket.id, step: 'assign',
      text: null, operator_id: operatorId } })).status).toBe(200);
  }

  // While the queue is on its way, placeholder lines stand where it will be. (The console's
  // page carries its queue; a page sent without its start data — the database away when it was
  // made — has the console ask for everything itself.)
  await operator.route('**/operator/', async (route) => {
    const response = await route.fetch();
    const page = (await response.text()).replace(/<script type="application\/json" id="boot">.*?<\/script>/s, '');
    expect(page).not.toContain('id="boot"');
    await route.fulfill({ response, body: page });
  });
  await operator.route('**/api/tickets/list', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  // The ticket view is a lazy page, one file that the console fetches by itself once started
  // (after its first screen), before any ticket is opened.
  const ticketChunk = operator.waitForResponse(/\/pkg\/operator\/ticket_page_\d+\.bundle$/);
  await operator.reload();
  await expect(operator.locator('.loading[aria-busy="true"]')).toBeVisible();
  await expect(operator.locator('.loading')).toContainText('Loading');
  const links = operator.locator(QUEUE_LINKS);
  await expect(links).toHaveCount(3);
  await expect(operator.locator('.loading')).toHaveCount(0);
  expect((await ticketChunk).ok()).toBe(true);
  await operator.unroute('**/api/tickets/list');
  await operator.unroute('**/operator/');
  await operator.keyboard.press('j');
  await expect(links.nth(0)).toBeFocused();
  await operator.keyboard.press('j');
  await expect(links.nth(1)).toBeFocused();
  await operator.keyboard.press('j');
  await operator.keyboard.press('j');
  await expect(links.nth(2)).toBeFocused();
  await operator.keyboard.press('k');
  await expect(links.nth(1)).toBeFocused();
  const reference = (await links.nth(1).textContent()) ?? '';
  await operator.keyboard.press('Enter');

  // The ticket opens beside the queue, with the duty bar above both.
  await expect(operator).toHaveURL(/\/operator\/tickets\/\d+$/);
  await expect(operator.getByRole('heading', { level: 1 }).filter({ hasText: reference })).toBeVisible();
  await expect(operator.locator('.queue-pane table.tickets')).toBeVisible();
  await expect(operator.locator('.duty-state')).toBeVisible();

  // The operator's own step shows everywhere on the screen at once: the queue row beside the
  // ticket follows the ticket.
  const row = operator.locator('.queue-pane tbody tr', { hasText: reference });
  await expect(row).toContainText('assigned to operator');
  await expect(operator.locator('.duty')).toContainText('Load: 3 / 10');
  await operator.getByRole('button', { name: 'Start work' }).click();
  await expect(operator.locator('.ticket-pane .facts')).toContainText('in progress');
  await expect(row).toContainText('in progress');

  // Files come into the composer by dropping them on its file field (each with a bar while it
  // goes up) or by pasting them into the message.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => { release = r; });
  await operator.route('**/api/attachments?**', async (route) => { await held; await route.continue(); });
  const files = (name: string, contents = `contents of ${name}`) => operator.evaluateHandle(([name, contents]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([contents], name, { type: 'text/plain' }));
    return dt;
  }, [name, contents]);
  await operator.locator('.reply .field.drop').dispatchEvent('drop', { dataTransfer: await files('dropped.log') });
  await expect(operator.locator('.reply li.uploading')).toContainText('dropped.log');
  await expect(operator.locator('.reply li.uploading progress')).toBeVisible();
  release();
  await expect(operator.locator('.reply li.uploading')).toHaveCount(0);
  await expect(operator.locator('.reply ul.files')).toContainText('dropped.log');
  await operator.unroute('**/api/attachments?**');
  // On a slow line the bar fills as the file is sent: 1 MB at 256 KB/s.
  const cdp = await operator.context().newCDPSession(operator);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await operator.locator('.reply .field.drop').dispatchEvent('drop', { dataTransfer: await files('large.log', 'x'.repeat(1 << 20)) });
  const sent = operator.locator('.reply li.uploading progress');
  await expect.poll(async () => Number(await sent.getAttribute('value') ?? 0), { timeout: 10_000 })
    .toBeGreaterThan(0);
  expect(Number(await sent.getAttribute('value'))).toBeLessThan(100);
  // In once its bar is gone (the bar carries the name too).
  await expect(operator.locator('.reply ul.files li:not(.uploading)', { hasText: 'large.log' }))
    .toBeVisible({ timeout: 20_000 });
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  // A refused file says why, and leaves no bar behind.
  await operator.locator('.reply .field.drop').dispatchEvent('drop', { dataTransfer: await files('page.html', '<html><body>hi</body></html>') });
  await expect(operator.locator('.reply').getByRole('alert')).toContainText('This kind of file is not accepted');
  await expect(operator.locator('.reply li.uploading')).toHaveCount(0);
  const pasted = await files('pasted.txt');
  await operator.locator('#reply').evaluate((box, dt) =>
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt as DataTransfer, bubbles: true, cancelable: true })), pasted);
  await expect(operator.locator('.reply ul.files')).toContainText('pasted.txt');
  // The preview shows the message as it will read; writing on hides it until asked again.
  await operator.locator('#reply').fill('**Checked** the <b>cable</b>');
  await operator.getByRole('button', { name: 'Preview' }).click();
  await expect(operator.locator('.reply .preview strong')).toHaveText('Checked');
  await expect(operator.locator('.reply .preview')).toContainText('the <b>cable</b>');
  await accessible(operator, 'composer with a preview and files');
  await operator.locator('#reply').fill('');
  await expect(operator.locator('.reply .preview')).toHaveCount(0);
  await operator.keyboard.press('Escape');

  // r: a reply to the client; n: an internal note — and a key typed into the box stays there.
  // Escape leaves the box, so the keys work again.
  await operator.keyboard.press('r');
  await expect(operator.locator('#reply')).toBeFocused();
  await expect(operator.locator('#reply-internal')).not.toBeChecked();
  await operator.keyboard.press('Escape');
  await expect(operator.locator('#reply')).not.toBeFocused();
  await operator.keyboard.press('n');
  await expect(operator.locator('#reply')).toBeFocused();
  await expect(operator.locator('#reply-internal')).toBeChecked();
  await expect(operator.locator('form.reply')).toHaveClass(/note/);
  await operator.keyboard.type('jk?r');
  await expect(operator.locator('#reply')).toHaveValue('jk?r');
  await expect(operator.getByRole('dialog')).toHaveCount(0);
  await expect(operator.locator('#reply-internal')).toBeChecked();
  await operator.keyboard.press('Escape');
  await operator.keyboard.press('r');
  await expect(operator.locator('#reply-internal')).not.toBeChecked();
  await expect(operator.locator('#reply')).toHaveValue('jk?r');

  // ? lists the keys; Escape closes the list.
  await operator.keyboard.press('Escape');
  await operator.keyboard.press('?');
  const keys = operator.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(keys).toContainText('next ticket in the queue');
  await expect(keys).toContainText('write an internal note');
  await accessible(operator, 'the ticket beside the queue, with the keys listed');
  await operator.keyboard.press('Escape');
  await expect(keys).toHaveCount(0);
  await operator.getByRole('button', { name: /Keyboard shortcuts/ }).click();
  await expect(keys).toBeVisible();

  // On a phone the ticket has the screen to itself.
  await operator.setViewportSize({ width: 375, height: 800 });
  await expect(operator.locator('.queue-pane')).toBeHidden();
  await expect(operator.getByRole('heading', { level: 1 }).filter({ hasText: reference })).toBeVisible();
  await accessible(operator, 'the ticket on a phone');

  // Closing it lowers the load in the duty bar.
  await operator.setViewportSize({ width: 1280, height: 800 });
  if (await keys.count()) {
    await operator.keyboard.press('Escape');
  }
  await expect(keys).toHaveCount(0);
  await operator.locator('#reply').fill('Restarted the scanner service.');
  await operator.getByRole('button', { name: 'Send and close the ticket' }).click();
  await expect(operator.locator('.ticket-pane .facts')).toContainText('closed');
  await expect(operator.locator('.duty')).toContainText('Load: 2 / 10');
  // The resolution went out with both files.
  const resolution = operator.locator('ol.thread li.message').last();
  await expect(resolution).toContainText('Restarted the scanner service.');
  await expect(resolution.getByRole('link', { name: 'dropped.log' })).toBeVisible();
  await expect(resolution.getByRole('link', { name: 'pasted.txt' })).toBeVisible();

  // Times move on while a page stays open: "just now" becomes "5 min ago" without a reload.
  await operator.setViewportSize({ width: 1280, height: 800 });
  await operator.clock.install();
  await operator.goto('/operator/');
  const updated = operator.locator('table.tickets tbody tr').first().locator('time');
  await expect(updated).toHaveText('just now');
  await operator.clock.fastForward('05:00');
  await expect(updated).toHaveText('5 min ago');
});

// Records the browser's notifications and the console's tones, and lets the test send the tab
// to the background (`__hidden`), as an operator looking at another window would.
const ALERT_SPY = () => {
  const w = window as any;
  w.__notes = [];
  w.__tones = 0;
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      w.__notes.push(`${title} | ${options?.body}`);
      super(title, options);
    }
  }
  w.Notification = Recorded;
  Object.defineProperty(Document.prototype, 'hidden', { get: () => w.__hidden === true, configurable: true });
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: any[]) {
    w.__tones += 1;
    return (start as any).apply(this, args);
  };
};

test('a new ticket chimes and notifies an operator who is looking elsewhere, as they chose', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Mirza Hodžić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Amra Begić', 'operator');
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  // The browser has not been asked yet: the console offers to ask it.
  const ask = operator.getByRole('button', { name: 'Notify me on this computer' });
  await expect(ask).toBeVisible();
  await operator.context().grantPermissions(['notifications']);
  await operator.addInitScript(ALERT_SPY);
  await operator.reload();
  await expect(operator.locator('.duty')).toBeVisible();
  await expect(ask).toHaveCount(0);
  // The tone is the operator's choice, kept in this browser.
  const sound = operator.getByLabel('Sound for new tickets');
  await expect(sound).not.toBeChecked();
  await sound.check();
  await operator.reload();
  await expect(sound).toBeChecked();
  await operator.evaluate(() => { (window as any).__hidden = true; });

  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Printer jam',
    description: 'Tray 2', category_id: null, priority: 'normal', earlier_ticket_id: null, idempotency_key: 'chime-1' } });
  expect(created.status).toBe(200);
  expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: created.body.ticket.id, step: 'assign',
    text: null, operator_id: operatorId } })).status).toBe(200);
  await expect(operator.getByRole('alert')).toContainText('New in your queue: 1');
  await expect.poll(() => operator.evaluate(() => (window as any).__notes))
    .toEqual([expect.stringContaining('New in your queue: 1')]);
  expect(await operator.evaluate(() => (window as any).__tones)).toBeGreaterThan(0);
});
