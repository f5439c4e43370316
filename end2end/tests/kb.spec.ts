// The knowledge base through the real apps: the admin adds a section, writes an article with a
// picture and publishes it; an operator saves a new version (a draft), compares it with the published one
// and restores it; the client finds the published text in Help by searching as they type, and
// never the draft. A client typing a new ticket's subject is offered the article, opens and
// rates it, and leaves: one deflection. An operator links the article that solved a ticket,
// which its client then sees. axe on every new page.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person } from './helpers';
import type { Locator } from '@playwright/test';

// A real 1×1 picture.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Whether a picture was fetched and drawn (a refused or broken one has no width). */
async function shown(img: Locator): Promise<boolean> {
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete)).toBe(true);
  return img.evaluate((e: HTMLImageElement) => e.naturalWidth > 0);
}

test('an article is written, published, revised and found by a client', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: operator } = await person(browser, adminCtx, 'Selma Kapić', 'operator');
  const { page: client } = await person(browser, adminCtx, 'Haris Delić', 'client');
  const admin = await adminCtx.newPage();

  // A section, then an article in it, saved as a draft and published.
  await admin.goto('/admin/kb');
  await expect(admin.getByRole('heading', { name: 'Knowledge base', level: 1 })).toBeVisible();
  await admin.getByLabel('Section', { exact: true }).fill('Getting started');
  await admin.getByRole('button', { name: 'Add section' }).click();
  await expect(admin.locator('.kb-sections li', { hasText: 'Getting started' })).toBeVisible();
  await accessible(admin, 'knowledge base list');
  await admin.getByRole('link', { name: 'New article' }).click();
  await admin.getByLabel('Title').fill('Resetting a forgotten passphrase');
  await admin.locator('#article-section').selectOption({ label: 'Getting started' });
  await admin.getByLabel('Tags').fill('Password, sign-in');
  await admin.getByLabel('Text').fill('Open **Settings**, then *Security*.\nChoose Reset and follow the e-mail.\n\n');
  // A picture goes into the text where the caret is.
  await admin.getByLabel('Add a picture or file').setInputFiles({ name: 'reset-screen.png',
    mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
  await expect(admin.getByLabel('Text')).toHaveValue(/e-mail\.\n\n!\[reset-screen\.png\]\(\/api\/attachments\/\d+\)$/);
  await admin.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(admin).toHaveURL(/\/admin\/kb\/\d+$/);
  expect(await shown(admin.locator('section', { hasText: 'As readers will see this version' })
    .getByRole('img', { name: 'reset-screen.png' }))).toBe(true);
  const standing = admin.locator('.kb-standing');
  await expect(standing).toContainText('draft');
  await expect(standing).toContainText('not published');
  await accessible(admin, 'an article in draft');
  await standing.getByRole('button', { name: 'Publish' }).click();
  await expect(standing.locator('.badge')).toHaveText('published');
  await expect(standing).toContainText('readers see version 1');
  const path = new URL(admin.url()).pathname.replace('/admin', '');

  // An operator revises it: a new draft; readers keep version 1 meanwhile.
  await operator.goto('/operator/kb');
  await operator.getByRole('link', { name: 'Resetting a forgotten passphrase' }).click();
  await expect(operator.getByLabel('Text')).toHaveValue(/Choose Reset/);
  await operator.getByLabel('Text').fill('Open **Settings**, then *Security*.\nChoose Reset — UNREVIEWED DRAFT.');
  await operator.getByRole('button', { name: 'Save as a new version' }).click();
  const mine = operator.locator('.kb-standing');
  await expect(mine).toContainText('Version 2');
  await expect(mine.locator('.badge')).toHaveText('draft');
  await expect(mine).toContainText('readers see version 1');
  await expect(mine.getByRole('button', { name: 'Publish' })).toHaveCount(0);
  await operator.locator('summary', { hasText: 'Versions' }).click();
  await operator.getByRole('button', { name: 'Compare with the latest' }).click();
  await expect(operator.locator('ol.diff li.removed', { hasText: 'Choose Reset and follow the e-mail.' })).toBeVisible();
  await expect(operator.locator('ol.diff li.added')).toContainText('UNREVIEWED DRAFT');
  await accessible(operator, 'versions compared');

  // The client finds it as they type, and reads the published text only.
  await client.goto('/help');
  await expect(client.getByRole('heading', { name: 'Help', level: 1 })).toBeVisible();
  await expect(client.locator('.help-section', { hasText: 'Getting started' })
    .getByRole('link', { name: 'Resetting a forgotten passphrase' })).toBeVisible();
  await accessible(client, 'help');
  await client.getByLabel('Search the help').pressSequentially('passphr');
  const hit = client.locator('.help-search').getByRole('link', { name: 'Resetting a forgotten passphrase' });
  await expect(hit).toBeVisible();
  await client.getByLabel('Search the help').fill('nothing like this at all');
  await expect(client.locator('.help-search')).toContainText('Nothing found');
  await client.getByLabel('Search the help').fill('PASSWORD');
  await hit.click();
  await expect(client).toHaveURL(new RegExp(`/help/${path.split('/').pop()}$`));
  await expect(client.locator('.help-article .text strong')).toHaveText('Settings');
  await expect(client.locator('.help-article')).toContainText('follow the e-mail');
  await expect(client.locator('main')).not.toContainText('UNREVIEWED');
  expect(await shown(client.locator('.help-article').getByRole('img', { name: 'reset-screen.png' }))).toBe(true);
  await accessible(client, 'a help article');

  // The operator restores version 1 as version 3; the history names who did what.
  await operator.getByRole('button', { name: 'Restore as a new version' }).click();
  await expect(mine).toContainText('Version 3');
  await expect(operator.getByLabel('Text')).toHaveValue(/follow the e-mail/);
  await operator.locator('summary', { hasText: 'History' }).click();
  await expect(operator.locator('ol.history li').last()).toContainText('Selma Kapić · restored an older version · Version 3 ← 1');

  // Writing a ticket: the article is suggested, opened in place, rated; the client leaves
  // without sending, and the admin's figures count one ticket not needed.
  const usage = async () => (await call(adminCtx, 'kb/analytics',
    { query: { period: 'today', bucket: 'day' } })).body;
  const before = await usage();
  await client.goto('/new');
  await client.getByLabel('Subject').pressSequentially('Forgotten passphrase');
  const suggested = client.locator('.suggestions').getByRole('button', { name: 'Resetting a forgotten passphrase' });
  await expect(suggested).toBeVisible();
  await accessible(client, 'suggestions beside a new ticket');
  await suggested.click();
  await expect(client.locator('.suggested .text')).toContainText('follow the e-mail');
  await client.locator('.suggested').getByRole('button', { name: 'Yes' }).click();
  await expect(client.locator('.suggested').getByRole('button', { name: 'Yes' })).toHaveAttribute('aria-pressed', 'true');
  await client.locator('.suggested').getByLabel('Thank you. Anything to add? (optional)').fill('Worked at once.');
  await client.locator('.suggested').getByRole('button', { name: 'Send' }).click();
  await expect(client.locator('.suggested')).toContainText('Thank you for the comment.');
  await client.getByRole('link', { name: 'My tickets' }).click();
  const after = await usage();
  expect(after.deflections).toBe(before.deflections + 1);
  expect(after.helpful).toBe(before.helpful + 1);
  await admin.goto('/admin/kb');
  await expect(admin.locator('.kb-usage')).toContainText('Tickets not needed');
  await accessible(admin, 'knowledge base use');

  // The operator links the article that solved a ticket; its client sees it there.
  const created = await call(client.context(), 'tickets/create', { input: { subject: 'Locked out',
    description: 'I cannot sign in.', category_id: null, priority: 'normal', earlier_ticket_id: null,
    idempotency_key: 'kb-solved-1' } });
  const ticket = created.body.ticket.id;
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;
  expect((await call(adminCtx, 'tickets/move',
    { input: { ticket_id: ticket, step: 'assign', text: null, operator_id: operatorId } })).status).toBe(200);
  await operator.goto(`/operator/tickets/${ticket}`);
  await operator.locator('#kb-open').click();
  await operator.getByLabel('Find an article').fill('passphrase');
  const found = operator.locator('.kb-found li', { hasText: 'Resetting a forgotten passphrase' });
  await found.getByRole('button', { name: 'Insert a link' }).click();
  await expect(operator.locator('#reply')).toHaveValue(/\[Resetting a forgotten passphrase\]\(\/help\/\d+\)/);
  await found.getByRole('button', { name: 'Solved by this' }).click();
  await expect(operator.locator('.kb-linked')).toContainText('solved it');
  await accessible(operator, 'the knowledge base beside a reply');
  await operator.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(operator.locator('ol.thread a', { hasText: 'Resetting a forgotten passphrase' })).toBeVisible();
  await client.goto(`/tickets/${ticket}`);
  const about = client.locator('section', { hasText: 'Articles about this ticket' });
  await about.getByRole('link', { name: 'Resetting a forgotten passphrase' }).click();
  await expect(client.locator('.help-article h1')).toHaveText('Resetting a forgotten passphrase');

  // The admin lets the operator publish: their draft then has a Publish button of its own.
  await admin.goto('/admin/kb');
  const publishers = admin.locator('.kb-publishers');
  await publishers.getByLabel('Selma Kapić').check();
  await expect(publishers.getByLabel('Selma Kapić')).toBeChecked();
  await accessible(admin, 'who may publish');
  await operator.goto('/operator/kb/new');
  await operator.getByLabel('Title').fill('Printing from home');
  await operator.getByLabel('Text').fill('Connect to the VPN first.');
  await operator.getByRole('button', { name: 'Save as a new version' }).click();
  await operator.locator('.kb-standing').getByRole('button', { name: 'Publish' }).click();
  await expect(operator.locator('.kb-standing .badge')).toHaveText('published');
});
