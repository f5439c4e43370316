// Moving in: the admin runs `salter import csv` on the server's machine; a client of the old
// help desk signs in to the portal with the one-time password handed out, finds their ticket
// with its old reference and its history, and the admin sees the same in the console.
import { test, expect } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessible, adminContext } from './helpers';
import { PORT } from '../playwright.config';
import { startSalter } from '../server';

test('tickets imported from the help desk used before keep their reference', async ({ browser }) => {
  const server = await startSalter(PORT + 7, ['--manual-assignment']);
  try {
    const accounts = join(server.dir, 'accounts.csv');
    const tickets = join(server.dir, 'tickets.csv');
    writeFileSync(accounts, 'ref,full_name,email,role,username\n'
      + '7,Lejla Begić,lejla@example.com,client,\n8,Tarik Hadžić,,operator,tarik\n');
    writeFileSync(tickets,
      'ref,client,subject,description,category,priority,status,operator,created_at,closed_at\n'
      + 'OLD-4711,7,Invoice for March missing,"Please send it again",Billing,high,closed,8,'
      + '2025-03-01T09:00:00Z,2025-03-02T10:00:00Z\n');
    const passwords = join(server.dir, 'handed.csv');
    const printed = server.command(['import', 'csv', '--accounts', accounts, '--tickets', tickets,
      '--passwords', passwords]);
    expect(printed).toContain('imported 1 tickets');
    const lejla = readFileSync(passwords, 'utf8').split('\n')
      .find((line) => line.startsWith('lejla.begic,'));
    expect(lejla).toBeTruthy();
    const otp = lejla!.split(',')[3];

    // The client signs in with the password handed out and chooses their own.
    const client = await (await browser.newContext({ baseURL: server.base })).newPage();
    await client.goto('/');
    await client.getByLabel('Username').fill('lejla.begic');
    await client.getByLabel('Password', { exact: true }).fill(otp);
    await client.getByRole('button', { name: 'Sign in' }).click();
    await expect(client.getByRole('heading', { name: 'Change password' })).toBeVisible();
    await client.getByLabel('New password', { exact: true }).fill('my new portal phrase');
    await client.getByLabel('Repeat the new password').fill('my new portal phrase');
    await client.getByRole('button', { name: 'Change password' }).click();
    await client.getByRole('link', { name: /^T-/ }).first().click();
    await expect(client.getByRole('heading', { name: /Invoice for March missing/ })).toBeVisible();
    await expect(client.locator('.facts')).toContainText('Reference before importOLD-4711');
    await client.getByText('History', { exact: true }).click();
    await expect(client.locator('ol.history li').filter({ hasText: 'brought the ticket over' }))
      .toContainText('open → closed');
    await accessible(client, 'an imported ticket in the portal');

    // The admin sees it too, with the operator it had.
    const adminCtx = await adminContext(browser, { baseURL: server.base, otp: server.otp });
    const admin = await adminCtx.newPage();
    await admin.goto('/admin/tickets');
    await admin.getByRole('link', { name: /^T-/ }).first().click();
    await expect(admin.locator('.facts')).toContainText('Reference before importOLD-4711');
    await expect(admin.locator('.facts')).toContainText('Tarik Hadžić');
    await accessible(admin, 'an imported ticket in the console');
  } finally {
    await server.stop();
  }
});
