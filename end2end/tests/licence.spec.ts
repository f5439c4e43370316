// The edition by licence, on a server of its own that starts free: the admin sees the free
// limits, a changed licence is refused with the reason, and a licence file chosen in the
// console unlocks the commercial edition with its seats.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call } from './helpers';
import { PORT } from '../playwright.config';
import { startSalter } from '../server';

test('an admin installs a signed licence from the console', async ({ browser }) => {
  const server = await startSalter(PORT + 3, ['--manual-assignment']);
  try {
    const adminCtx = await adminContext(browser, { baseURL: server.base, otp: server.otp });
    for (const name of ['Operator One', 'Operator Two']) {
      expect((await call(adminCtx, 'accounts/create', { input: { full_name: name, email: null, role: 'operator' } })).status).toBe(200);
    }
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/accounts');
    const edition = admin.locator('section.usage');
    await expect(edition.getByRole('heading', { name: 'Free edition' })).toBeVisible();
    await expect(edition).toContainText('Operator: 2 / 2');

    const licence = server.issueLicence(['--licensee', 'Acme d.o.o.', '--operators', '5', '--expires', '2999-12-31']);
    await edition.locator('summary', { hasText: 'Install a licence' }).click();
    // Pasted with one seat changed: refused, and nothing changes.
    await admin.getByLabel('Licence text (paste it)')
      .fill(licence.replace('operators: 5', 'operators: 50'));
    await admin.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(admin.getByRole('alert')).toHaveText(/changed after it was signed/);
    await expect(edition.getByRole('heading', { name: 'Free edition' })).toBeVisible();

    // Chosen as a file: installed, and the limits are the licence's.
    await admin.getByLabel('…or choose the licence file').setInputFiles({
      name: 'acme.licence', mimeType: 'text/plain', buffer: Buffer.from(licence),
    });
    await expect(admin.locator('#licence-text')).toHaveValue(licence);
    await admin.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(edition.getByRole('heading', { name: 'Commercial edition' })).toBeVisible();
    await expect(edition.locator('.licensee')).toHaveText('Acme d.o.o.');
    await expect(edition).toContainText('Valid through2999-12-31');
    await expect(edition).toContainText('Operator: 2 / 5');
    await accessible(admin, 'accounts with a licence');

    // A third operator can now be made.
    await admin.getByLabel('Full name').fill('Operator Three');
    await admin.getByLabel('Role').selectOption({ label: 'Operator' });
    await admin.getByRole('button', { name: 'Create account' }).click();
    await expect(admin.getByRole('heading', { name: 'Credentials to hand over' })).toBeVisible();
    await expect(edition).toContainText('Operator: 3 / 5');
  } finally {
    await server.stop();
  }
});
