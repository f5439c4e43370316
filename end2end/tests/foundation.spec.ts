// The foundation, as its users meet it: the bootstrap admin's first sign-in with the printed
// one-time password, the forced change, the company name, two new accounts, and those users'
// own first sign-ins in their own apps. axe-core checks every page on the way.
import { test, expect, type Page, type Browser } from '@playwright/test';
import { PORT } from '../playwright.config';
import { startSalter, type Started } from '../server';
import { accessible } from './helpers';

const COMPANY = 'Elektro Mostar';

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function replacePassword(page: Page, password: string) {
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the new password').fill(password);
  await page.getByRole('button', { name: 'Change password' }).click();
}

async function createAccount(page: Page, fullName: string, role: string) {
  await page.getByLabel('Full name').fill(fullName);
  await page.getByLabel('Role').selectOption({ label: role });
  await page.getByRole('button', { name: 'Create account' }).click();
  const panel = page.locator('.credentials');
  await expect(panel).toContainText(fullName);
  await expect(panel).toContainText('will not be shown again');
  const username = (await panel.locator('code.username').textContent())!.trim();
  const otp = (await panel.locator('code.one-time-password').textContent())!.trim();
  expect(otp.length).toBeGreaterThanOrEqual(16);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(panel).toHaveCount(0);
  return { username, otp };
}

/// A person's first visit to their app: sign in with the one-time password, replace it.
async function firstVisit(browser: Browser, baseURL: string, path: string, username: string,
  otp: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('.company')).toHaveText(COMPANY);
  await signIn(page, username, otp);
  await replacePassword(page, 'someone has a secret phrase');
  return page;
}

test.describe('a new installation', () => {
  // A server of its own, as a company that has just installed Šalter has: whichever test runs
  // first on the shared one, this one meets the bootstrap admin's one-time password unused.
  let server: Started;
  test.beforeAll(async () => {
    server = await startSalter(PORT + 4, []);
  });
  test.afterAll(async () => {
    await server.stop();
  });

  test('an admin sets up Šalter and two people sign in to their own apps', async ({ browser }) => {
    const otp = server.otp;
    const baseURL = server.base;
    const adminContext = await browser.newContext({ baseURL });
    const admin = await adminContext.newPage();

    await admin.goto('/admin/');
    await expect(admin.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(admin.locator('.company')).toHaveText('Support');
    await accessible(admin, 'admin sign-in');

    await signIn(admin, 'admin', 'not the password');
    await expect(admin.getByRole('alert')).toHaveText('Wrong username or password.');
    await signIn(admin, 'admin', otp);

    // The one-time password allows nothing but replacing it.
    await expect(admin.getByRole('heading', { name: 'Change password' })).toBeVisible();
    await expect(admin.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
    await accessible(admin, 'forced password change');
    await admin.getByLabel('New password', { exact: true }).fill('too short');
    await admin.getByLabel('Repeat the new password').fill('too short');
    await admin.getByRole('button', { name: 'Change password' }).click();
    await expect(admin.getByRole('alert')).toHaveText('New password: at least 12 characters.');
    await replacePassword(admin, 'a calm and long passphrase');

    // The console opens on the overview. Company name.
    await expect(admin.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await admin.getByRole('link', { name: 'Settings' }).click();
    await expect(admin).toHaveURL(/\/admin\/settings$/);
    await admin.getByLabel('Company or service name').fill(COMPANY);
    const named = admin.locator('form', { has: admin.getByLabel('Company or service name') });
    await named.getByRole('button', { name: 'Save' }).click();
    await expect(named.getByText('Saved.')).toBeVisible();
    await expect(admin.locator('.company')).toHaveText(COMPANY);
    await expect(admin).toHaveTitle(`${COMPANY} · Admin console`);
    await accessible(admin, 'settings');

    // A deep link survives a reload, and the session with it; back and forward work.
    await admin.reload();
    await expect(admin.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(admin.getByLabel('Company or service name')).toHaveValue(COMPANY);
    await expect(admin.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
    await admin.goBack();
    await expect(admin.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await admin.goForward();
    await expect(admin.getByRole('heading', { name: 'Settings' })).toBeVisible();

    // Two accounts, usernames from the full names.
    await admin.getByRole('link', { name: 'Accounts' }).click();
    const operator = await createAccount(admin, 'Đorđe Šarić', 'Operator');
    expect(operator.username).toBe('djordje.saric');
    const client = await createAccount(admin, 'Ana Kovač', 'Client');
    expect(client.username).toBe('ana.kovac');
    await expect(admin.getByRole('row', { name: /Ana Kovač/ })).toContainText('Awaiting first sign-in');
    await accessible(admin, 'accounts');

    // The client at the client portal.
    const clientPage = await firstVisit(browser, baseURL, '/', client.username, client.otp);
    await expect(clientPage.getByRole('heading', { name: 'My tickets' })).toBeVisible();
    await expect(clientPage.getByText('You have no tickets yet.')).toBeVisible();
    await expect(clientPage.locator('.company')).toHaveText(COMPANY);
    await expect(clientPage).toHaveTitle(`${COMPANY} · Client portal`);
    await accessible(clientPage, 'client home');

    // The operator at the operator console.
    const operatorPage = await firstVisit(browser, baseURL, '/operator/', operator.username, operator.otp);
    await expect(operatorPage.getByRole('heading', { name: 'My queue' })).toBeVisible();
    await expect(operatorPage.locator('.who')).toHaveText('Đorđe Šarić');
    await expect(operatorPage.locator('.app-name')).toHaveText('Operator console');
    await accessible(operatorPage, 'operator home');

    // A client session is refused by the admin console.
    await clientPage.goto('/admin/');
    await expect(clientPage.getByRole('heading', { name: 'This app is not for your account' })).toBeVisible();
    await expect(clientPage.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
    await accessible(clientPage, 'wrong app');

    // The admin sees both people have signed in.
    await admin.reload();
    await expect(admin.getByRole('row', { name: /Ana Kovač/ })).toContainText('Active');
  });
});

test('the apps speak Bosnian, chosen by the browser or by the user', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'bs-BA' });
  const page = await context.newPage();
  await page.goto('/operator/');
  await expect(page.getByRole('heading', { name: 'Prijava' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'bs');
  await page.getByLabel('Jezik').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await accessible(page, 'sign-in after a language change');
});
