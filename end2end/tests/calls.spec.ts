// Calls, as far as the apps have them so far: the admin sets the STUN and TURN servers browsers
// use to reach each other and whether clients may ask for a call. A bad line is refused with
// its reason and changes nothing; good ones are kept.
import { test, expect } from '@playwright/test';
import { accessible, adminContext } from './helpers';

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
