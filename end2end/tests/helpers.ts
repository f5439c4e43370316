// Set-up through the API, for tests whose subject is not account administration (that one is
// driven through the UI in foundation.spec.ts).
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const ADMIN_PASSWORD = 'a calm and long passphrase';
export const PERSON_PASSWORD = 'someone has a secret phrase';

export async function call(context: BrowserContext, endpoint: string, data: unknown) {
  const res = await context.request.post(`/api/${endpoint}`, { data });
  return { status: res.status(), body: await res.json().catch(() => null) };
}

/// The admin, signed in (replacing the bootstrap one-time password if no test has yet) — on the
/// shared server, or on one of a test's own (`baseURL`, `otp`).
export async function adminContext(browser: Browser, own?: { baseURL: string; otp: string }):
  Promise<BrowserContext> {
  const context = await browser.newContext(own ? { baseURL: own.baseURL } : {});
  const first = await call(context, 'session/sign_in',
    { input: { username: 'admin', password: own?.otp ?? process.env.SALTER_ADMIN_OTP, app: 'admin' } });
  if (first.status === 200) {
    expect((await call(context, 'session/change_password',
      { input: { current_password: null, new_password: ADMIN_PASSWORD } })).status).toBe(200);
  } else {
    expect((await call(context, 'session/sign_in',
      { input: { username: 'admin', password: ADMIN_PASSWORD, app: 'admin' } })).status).toBe(200);
  }
  return context;
}

/// A new person of `role`, signed in to their app with their own password, on `page` (on the
/// shared server, or on the admin's own one at `baseURL`).
export async function person(browser: Browser, admin: BrowserContext, fullName: string, role: string,
  baseURL?: string):
  Promise<{ page: Page; username: string }> {
  const created = await call(admin, 'accounts/create', { input: { full_name: fullName, email: null, role } });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const username = created.body.account.username;
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  expect((await call(context, 'session/sign_in',
    { input: { username, password: created.body.one_time_password, app: role } })).status).toBe(200);
  expect((await call(context, 'session/change_password',
    { input: { current_password: null, new_password: PERSON_PASSWORD } })).status).toBe(200);
  const page = await context.newPage();
  await page.goto(role === 'client' ? '/' : `/${role}/`);
  return { page, username };
}

/// axe-core finds no serious or critical violation on the page as it is now.
export async function accessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
}
