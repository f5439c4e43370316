// Sessions a person can see and end: a client signed in on two browsers sees both on the
// account page (this one marked, the other with its browser and address), ends the other, and
// that browser is signed out at its next step; then "End all other sessions". axe on the page.
import { test, expect } from '@playwright/test';
import { accessible, adminContext, call, person, PERSON_PASSWORD } from './helpers';

test('a person sees where they are signed in and ends the other sessions', async ({ browser }) => {
  const adminCtx = await adminContext(browser);
  const { page: laptop, username } = await person(browser, adminCtx, 'Lejla Hodžić', 'client');
  const signIn = async () => {
    const context = await browser.newContext();
    expect((await call(context, 'session/sign_in',
      { input: { username, password: PERSON_PASSWORD, app: 'client' } })).status).toBe(200);
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'My tickets' })).toBeVisible();
    return page;
  };
  const phone = await signIn();

  await laptop.goto('/account');
  const card = laptop.locator('section.sessions');
  await expect(card.getByRole('heading', { name: 'Where you are signed in' })).toBeVisible();
  await expect(card.locator('tbody tr')).toHaveCount(2);
  const mine = card.locator('tbody tr', { hasText: 'This browser' });
  await expect(mine).toContainText('Client portal');
  await expect(mine).toContainText(/Chrom(e|ium) \d+ · Linux/);
  await expect(mine).toContainText('127.0.0.1');
  await accessible(laptop, 'the account page with two sessions');

  // The other one ended: that browser is signed out at its next step.
  await card.locator('tbody tr', { hasNotText: 'This browser' }).getByRole('button', { name: 'End' }).click();
  await expect(card.locator('tbody tr')).toHaveCount(1);
  await phone.reload();
  await expect(phone.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // All the others at once.
  const tablet = await signIn();
  const again = await signIn();
  await laptop.reload();
  await expect(card.locator('tbody tr')).toHaveCount(3);
  await card.getByRole('button', { name: 'End all other sessions' }).click();
  await expect(card.locator('tbody tr')).toHaveCount(1);
  await expect(card.getByRole('button', { name: 'End all other sessions' })).toBeDisabled();
  for (const page of [tablet, again]) {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }
  await laptop.reload();
  await expect(laptop.getByRole('heading', { name: 'Account' })).toBeVisible();
});
