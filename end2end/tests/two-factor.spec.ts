// Two-factor sign-in, on a server of its own that requires it of admins (the product's default):
// the new admin, past the one-time password, must set up an authenticator app first — the test
// computes the codes from the key the page shows, as the app would —, reads the recovery codes,
// signs out and back in with a code; the account page tells where it stands; the settings choose
// the roles that must have one; an operator's lost phone is reset from the accounts page; the audit
// log shows all of it, filtered, and downloads as CSV. axe on every new page.
import { test, expect, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PORT } from '../playwright.config';
import { startSalter, type Started } from '../server';
import { accessible, ADMIN_PASSWORD, call, PERSON_PASSWORD } from './helpers';

/// RFC 4648 base32, as authenticator apps read the key.
function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/// The six-digit code of a 30-second step (RFC 6238 with HMAC-SHA1).
function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return ((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 30_000);

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

let server: Started;
test.beforeAll(async () => {
  server = await startSalter(PORT + 5, ['--manual-assignment'], { twoFactor: 'admin' });
});
test.afterAll(async () => {
  await server.stop();
});

test('an admin sets up two-factor sign-in and signs in with a code', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.base });
  const admin = await context.newPage();
  admin.on('dialog', (dialog) => dialog.accept());
  await admin.goto('/admin/');
  await signIn(admin, 'admin', server.otp);
  await admin.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
  await admin.getByLabel('Repeat the new password').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'Change password' }).click();

  // Nothing but the set-up until it is done.
  await expect(admin.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await expect(admin.getByText('Your role signs in with two factors.')).toBeVisible();
  await expect(admin.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  await expect(admin.getByRole('img', { name: 'QR code for the authenticator app' })).toBeVisible();
  await accessible(admin, 'the forced two-factor set-up');
  const secret = (await admin.locator('code.secret').textContent() ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  const step = stepNow();
  const wrong = totp(secret, step + 5);
  await admin.getByLabel('Code from the app').fill(wrong);
  await admin.getByRole('button', { name: 'Turn on' }).click();
  await expect(admin.getByRole('alert')).toContainText('Code from the app');
  await admin.getByLabel('Code from the app').fill(totp(secret, step));
  await admin.getByRole('button', { name: 'Turn on' }).click();
  await expect(admin.getByRole('heading', { name: 'Recovery codes' })).toBeVisible();
  const codes = admin.locator('.recovery-codes li');
  await expect(codes).toHaveCount(10);
  await accessible(admin, 'the recovery codes');
  await admin.getByRole('button', { name: 'Done' }).click();
  await expect(admin.getByRole('link', { name: 'Accounts' })).toBeVisible();

  // Signing in again asks for a code after the password; the one used to set up is spent.
  await admin.getByRole('button', { name: 'Sign out' }).click();
  await signIn(admin, 'admin', ADMIN_PASSWORD);
  await expect(admin.getByRole('alert')).toHaveText('Enter the code from your authenticator app.');
  await accessible(admin, 'sign-in asking for a code');
  await admin.getByLabel('Code from the app').fill(totp(secret, step));
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await expect(admin.getByRole('alert')).toContainText('Code from the app');
  await admin.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await admin.getByLabel('Code from the app').fill(totp(secret, step + 1));
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await expect(admin.getByRole('link', { name: 'Accounts' })).toBeVisible();

  // The account page says where it stands; an admin cannot turn it off.
  await admin.getByRole('link', { name: 'Account', exact: true }).click();
  await expect(admin.getByText('Two-factor sign-in is on.')).toBeVisible();
  await expect(admin.getByText('Recovery codes left:')).toContainText('10');
  await expect(admin.getByText('cannot be turned off')).toBeVisible();
  await expect(admin.getByRole('button', { name: 'Turn off' })).toHaveCount(0);
  await accessible(admin, 'the account page with two-factor sign-in on');

  // The settings choose the roles: operators too, kept across a reload.
  await admin.getByRole('link', { name: 'Settings', exact: true }).click();
  const operators = admin.getByRole('checkbox', { name: 'Operator' });
  await expect(admin.getByRole('checkbox', { name: 'Administrator' })).toBeChecked();
  await expect(operators).not.toBeChecked();
  await operators.check();
  await expect(admin.getByRole('status').filter({ hasText: 'Saved' }).first()).toBeVisible();
  await admin.reload();
  await expect(admin.getByRole('checkbox', { name: 'Operator' })).toBeChecked();
  await accessible(admin, 'the settings with two-factor roles');

  // An operator set one up, then lost the phone: the admin resets it.
  const created = await call(context, 'accounts/create',
    { input: { full_name: 'Mirza Delić', email: null, role: 'operator' } });
  const operator = await browser.newContext({ baseURL: server.base });
  const username = created.body.account.username;
  await call(operator, 'session/sign_in',
    { input: { username, password: created.body.one_time_password, app: 'operator' } });
  await call(operator, 'session/change_password',
    { input: { current_password: null, new_password: PERSON_PASSWORD } });
  const setup = await call(operator, 'two_factor/begin', {});
  expect((await call(operator, 'two_factor/confirm',
    { code: totp(setup.body.secret, stepNow()) })).status).toBe(200);
  await admin.getByRole('link', { name: 'Accounts' }).click();
  const row = admin.locator('tr', { hasText: 'Mirza Delić' });
  await expect(row.getByRole('cell', { name: 'On', exact: true })).toBeVisible();
  await row.getByRole('button', { name: 'Reset two-factor' }).click();
  await expect(row.getByRole('cell', { name: 'Off', exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Reset two-factor' })).toHaveCount(0);
  // Signing in with the password alone, the operator must set up a new one (operators are
  // required now).
  const again = await browser.newContext({ baseURL: server.base });
  const page = await again.newPage();
  await page.goto('/operator/');
  await signIn(page, username, PERSON_PASSWORD);
  await expect(page.getByText('Your role signs in with two factors.')).toBeVisible();

  // The audit log has it all: the reset by the admin, the failed code, filtered and downloaded.
  await admin.getByRole('link', { name: 'Audit log' }).click();
  const reset = admin.locator('table.audit tbody tr', { hasText: 'Two-factor sign-in reset' });
  await expect(reset).toContainText(username);
  await expect(reset).toContainText('admin');
  await expect(admin.locator('table.audit tbody tr', { hasText: 'Two-factor sign-in turned on' }))
    .toHaveCount(2);
  await accessible(admin, 'the audit log');
  await admin.getByLabel('Act').selectOption({ label: 'Sign-in failed' });
  await admin.getByRole('button', { name: 'Search' }).click();
  const failed = admin.locator('table.audit tbody tr');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('invalid');
  const download = admin.waitForEvent('download');
  await admin.getByRole('button', { name: 'Download CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.split(/\r?\n/)[0]).toContain('When');
  expect(csv).toContain('Sign-in failed');
});
