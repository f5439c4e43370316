// Live chat through the real apps, on a server of its own with automatic assignment: the portal
// offers "Chat with us" while an operator is on duty; the client's first words start a chat,
// which fair assignment hands to the operator; both write and read each other as it happens —
// the client sees the operator typing, the operator sees their message delivered and read —;
// the client ends the chat and the transcript stays on the ticket, in both apps. Without anyone
// on duty the portal says so and offers a ticket instead.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, person } from './helpers';
import { PORT } from '../playwright.config';
import { startSalter, type Started } from '../server';

let server: Started;
test.beforeAll(async () => {
  server = await startSalter(PORT + 8, []);
});
test.afterAll(async () => {
  await server.stop();
});

test('a client and an operator chat live, and the chat stays on the ticket', async ({ browser }) => {
  const baseURL = server.base;
  const adminCtx = await adminContext(browser, { baseURL, otp: server.otp });
  const { page: client } = await person(browser, adminCtx, 'Jasmina Begić', 'client', baseURL);

  // Nobody on duty yet: the portal offers a ticket, not a chat.
  await client.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Chat with us' }).click();
  await expect(client.getByRole('status')).toContainText('Nobody is on duty to chat right now');
  await expect(client.getByRole('main').getByRole('link', { name: 'New ticket' })).toBeVisible();
  await accessible(client, 'chat without anyone on duty');

  const { page: operator } = await person(browser, adminCtx, 'Tarik Mehmedović', 'operator', baseURL);
  await expect(operator.locator('.duty-state')).toHaveText('on duty');
  await client.goto('/');
  await client.locator('.cta').getByRole('link', { name: 'Chat with us' }).click();
  await client.getByLabel('How can we help?').fill('My VPN will not connect');
  await client.getByRole('button', { name: 'Start the chat' }).click();
  const panel = client.locator('section.chat');
  await expect(panel.getByRole('heading', { name: 'Live chat' })).toBeVisible();
  await expect(client.locator('h1')).toContainText('My VPN will not connect');
  await accessible(client, 'a chat, the client\'s side');

  // Fair assignment gives it to the operator, who is told and opens it.
  const row = operator.locator('tbody tr', { hasText: 'My VPN will not connect' });
  await expect(row).toContainText('assigned to operator');
  await row.getByRole('link').click();
  const pane = operator.locator('.ticket-pane');
  await expect(pane.locator('section.chat')).toContainText('Live chat');

  // The operator writes: the client sees them typing, then the message.
  await pane.locator('#reply').pressSequentially('Which VPN client do you use?');
  await expect(panel.locator('.typing')).toContainText('Tarik Mehmedović is typing…');
  await pane.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(client.locator('.thread')).toContainText('Which VPN client do you use?');
  // The client's open tab has it: delivered, then read.
  const sent = pane.locator('.thread .message', { hasText: 'Which VPN client do you use?' });
  await expect(sent.locator('.mark')).toHaveText('read');

  // The client answers; the operator's open chat shows it as it comes.
  await client.locator('#reply').fill('The built-in one, on Windows 11.');
  await client.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(pane.locator('.thread')).toContainText('The built-in one, on Windows 11.');
  const answered = client.locator('.thread .message', { hasText: 'The built-in one' });
  await expect(answered.locator('.mark')).toHaveText('read');
  await accessible(operator, 'a chat, the operator\'s side');

  // The client ends the chat: the transcript stays, the ticket goes on.
  await panel.getByRole('button', { name: 'End the chat' }).click();
  await expect(panel).toContainText('This chat has ended');
  await expect(pane.locator('section.chat')).toContainText('This chat has ended');
  await expect(pane.locator('.thread')).toContainText('Which VPN client do you use?');
  await expect(pane.locator('.thread')).toContainText('Jasmina Begić ended the live chat');
  await expect(pane.locator('.facts')).toContainText('assigned to operator');
});
