// Stored XSS: a corpus of over 200 payloads in every text people can write — subjects,
// descriptions, messages, internal notes, file names, category and person names, the company
// name — shown in all three apps. Nothing of them may become markup: no event-handler attribute,
// no javascript: URL, no script, frame, object, image or SVG from a payload, no dialog, and no
// blocked attempt in the Content Security Policy's report.
import { test, expect, type Page, type BrowserContext } from '@playwright/test';
import { adminContext, call, person } from './helpers';

const templates = [
  '<script>CALL</script>',
  '<img src=x onerror=CALL>',
  '<svg onload=CALL>',
  '<svg><script>CALL</script></svg>',
  '<iframe src="javascript:CALL"></iframe>',
  '<a href="javascript:CALL">link</a>',
  '<body onload=CALL>',
  '<details open ontoggle=CALL>',
  '<input autofocus onfocus=CALL>',
  '<video><source onerror=CALL></video>',
  '<math><mtext><table><mglyph><style><img src=x onerror=CALL>',
  '[link](javascript:CALL)',
  '![pic](javascript:CALL)',
  '<a href="jav&#x09;ascript:CALL">tab</a>',
  '"><img src=x onerror=CALL>',
  "'><svg/onload=CALL>",
  '<object data="javascript:CALL"></object>',
];
const calls = ['xss()', 'alert(1)', 'top.xss()', 'self["xss"]()', 'window.xss?.()', 'eval("xss()")',
  'setTimeout(xss)', '(xss)()', 'Function("xss()")()', 'xss.call()', 'xss.apply()', '[].map(xss)',
  'new Function`xss()`'];
const payloads = templates.flatMap((t) => calls.map((c) => t.replace('CALL', c)));

async function watch(context: BrowserContext) {
  await context.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__xss = 0;
    const hit = () => { w.__xss = (w.__xss as number) + 1; };
    w.xss = hit;
    w.alert = hit;
    w.confirm = hit;
    w.prompt = hit;
    document.addEventListener('securitypolicyviolation', hit);
  });
}

/// Everything on the page that a payload could have made.
async function injected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const tag = el.tagName.toLowerCase();
      for (const a of Array.from(el.attributes)) {
        if (a.name.startsWith('on')) found.push(`${tag} ${a.name}`);
        const noIcon = el.parentElement === document.head && tag === 'link' && el.getAttribute('rel') === 'icon'
          && a.name === 'href' && a.value === 'data:,';
        if (/^\s*(javascript|data):/i.test(a.value) && a.name !== 'download' && !noIcon) found.push(`${tag} ${a.name}=${a.value}`);
      }
      // The statistics' own charts and bars are SVG; any other SVG came from a text.
      const chart = tag === 'svg' && !el.closest('.text')
        && (el.closest('figure.chart') || el.classList.contains('cell-bar') || el.classList.contains('swatch'));
      // The call screen's own pictures (`.call-media`) are video; any other one came from a text.
      const call = tag === 'video' && !el.closest('.text') && el.closest('.call-media');
      if (['iframe', 'object', 'embed', 'svg', 'math', 'img', 'video', 'audio', 'base', 'style'].includes(tag)
        && !chart && !call) {
        found.push(tag);
      }
      // The apps' own <details> (the full history, installing a licence) are a card or a fold;
      // any other one came from a text.
      const own = el.classList.contains('card') || el.classList.contains('fold');
      if (tag === 'details' && (!own || el.closest('.text'))) found.push(tag);
      // The page's own: its scripts, its start data (the head's one data block, `#boot`, which the
      // browser does not run) and, above, the favicon it names as none (`data:,`) — no text
      // reaches the head.
      const startData = el.parentElement === document.head && el.id === 'boot'
        && el.getAttribute('type') === 'application/json' && document.querySelectorAll('#boot').length === 1;
      if (tag === 'script' && !startData && !(el.getAttribute('src') ?? '').includes('/pkg/')) found.push('inline script');
    }
    return found;
  });
}

async function clean(page: Page, what: string) {
  await page.waitForTimeout(300);
  expect(await injected(page), what).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss: number }).__xss), what).toBe(0);
}

test('no payload in any text becomes markup in any app', async ({ browser }) => {
  // Over 200 texts written through every kind of field, then every page read in three apps:
  // about a minute alone, more on a busy machine.
  test.setTimeout(150_000);
  expect(payloads.length).toBeGreaterThanOrEqual(200);
  const adminCtx = await adminContext(browser);
  const { page: client } = await person(browser, adminCtx, 'Ana <img src=x onerror=xss()> Perić', 'client');
  const { page: operator } = await person(browser, adminCtx, 'Edin "><svg onload=xss()> Kos', 'operator');
  for (const ctx of [adminCtx, client.context(), operator.context()]) await watch(ctx);
  const admin = await adminCtx.newPage();
  const operatorId = (await call(operator.context(), 'session/me', {})).body.id;

  const before = (await call(adminCtx, 'settings/public_info', {})).body.company_name;
  expect((await call(adminCtx, 'settings/set_company_name', { name: payloads[1] })).status).toBe(200);
  expect((await call(adminCtx, 'categories/save', { input: { id: null, name: payloads[2], active: true } })).status).toBe(200);
  const category = (await call(adminCtx, 'categories/list', {})).body.find((c: { name: string }) => c.name === payloads[2]).id;

  // Tickets whose subjects, descriptions, messages, notes and file names carry the corpus.
  const per = Math.ceil(payloads.length / 4);
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) {
    const chunk = payloads.slice(i * per, (i + 1) * per);
    const upload = await client.context().request.post(
      `/api/attachments?name=${encodeURIComponent(chunk[0] + '.txt')}`, { data: Buffer.from('log line\n') });
    expect(upload.status()).toBe(200);
    const created = await call(client.context(), 'tickets/create', { input: {
      subject: chunk[1].slice(0, 200), description: chunk.join('\n\n'), category_id: category,
      priority: 'high', earlier_ticket_id: ids[0] ?? null, idempotency_key: `xss-${i}`,
      attachments: [(await upload.json()).id] } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.ticket.id;
    ids.push(id);
    expect((await call(adminCtx, 'tickets/move', { input: { ticket_id: id, step: 'assign', text: null, operator_id: operatorId } })).status).toBe(200);
    for (const [j, text] of chunk.entries()) {
      const note = j % 2 === 1;
      const posted = await call(note ? operator.context() : client.context(), 'tickets/post',
        { input: { ticket_id: id, body: text, internal: note } });
      expect(posted.status).toBe(200);
    }
  }

  await client.goto('/');
  await expect(client.getByRole('row')).toHaveCount(5);
  await clean(client, 'client list');
  await operator.goto('/operator/');
  await expect(operator.getByRole('row')).toHaveCount(5);
  await clean(operator, 'operator queue');
  await admin.goto('/admin/tickets');
  await expect(admin.getByRole('row').nth(4)).toBeVisible();
  await clean(admin, 'admin list');
  await admin.goto('/admin/');
  await clean(admin, 'admin overview');
  await admin.goto('/admin/accounts');
  await clean(admin, 'admin accounts');
  await admin.goto('/admin/settings');
  await clean(admin, 'admin settings');
  // Closed and rated with a payload: the statistics show the category, the operator and the
  // comment as text.
  for (const [step, text] of [['start', null], ['close', payloads[3]]]) {
    expect((await call(operator.context(), 'tickets/move', { input: { ticket_id: ids[0], step, text,
      operator_id: null } })).status).toBe(200);
  }
  expect((await call(client.context(), 'satisfaction/rate', { input: { ticket_id: ids[0], good: false,
    comment: payloads[4] } })).status).toBe(200);
  await admin.goto('/admin/stats');
  await expect(admin.locator('section.satisfaction q').first()).toBeVisible();
  await clean(admin, 'admin statistics');
  for (const id of ids) {
    for (const [page, path] of [[client, `/tickets/${id}`], [operator, `/operator/tickets/${id}`], [admin, `/admin/tickets/${id}`]] as const) {
      await page.goto(path);
      await expect(page.locator('ol.thread li').first()).toBeVisible();
      await clean(page, path);
    }
  }
  // Canned responses carry the corpus too, shared and personal: their pages, the composer's
  // list and its offers for a typed shortcut, and one inserted with the client's name.
  for (let i = 0; i < 4; i++) {
    const chunk = payloads.slice(i * per, (i + 1) * per).join('\n');
    for (const [ctx, shared] of [[adminCtx, true], [operator.context(), false]] as const) {
      const saved = await call(ctx, 'canned/save', { input: { id: null, name: `xss-${i}`,
        body: `${chunk}\n\n{client_name}`, shared } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
  }
  for (const [page, path] of [[operator, '/operator/canned'], [admin, '/admin/canned']] as const) {
    await page.goto(path);
    await expect(page.getByRole('row', { name: /\/xss-3/ }).first()).toBeVisible();
    await clean(page, path);
  }
  await operator.goto(`/operator/tickets/${ids[1]}`);
  await operator.locator('#reply').pressSequentially('/xss');
  await expect(operator.locator('#canned-offers [role=option]').first()).toBeVisible();
  await clean(operator, 'canned offers');
  await operator.locator('#reply').press('Enter');
  await expect.poll(() => operator.locator('#reply').inputValue())
    .toMatch(/Ana \\<img src=x onerror=xss\\\(\\\)\\> Perić$/);
  await operator.locator('#canned-open').click();
  await expect(operator.locator('.canned-all li').first()).toBeVisible();
  await clean(operator, 'canned list');
  await operator.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(operator.locator('ol.thread li').last()).toContainText('Ana <img src=x onerror=xss()> Perić');
  await clean(operator, 'a canned response sent');

  // The knowledge base carries the corpus: a section, titles, bodies and tags of published
  // articles, and a client's comment; every page that shows them, in every app.
  const section = (await call(adminCtx, 'kb/save_section', { input: { id: null, parent_id: null,
    name: payloads[5].slice(0, 80) } })).body.find((x: { name: string }) => x.name === payloads[5].slice(0, 80)).id;
  const articles: number[] = [];
  for (let i = 0; i < 4; i++) {
    const chunk = payloads.slice(i * per, (i + 1) * per);
    const saved = await call(adminCtx, 'kb/save', { input: { id: null, section_id: section, language: 'En',
      translation_of: null, staff_only: false, title: `xss ${chunk[0]}`.slice(0, 200), body: chunk.join('\n\n'),
      tags: chunk.slice(0, 5).map((p) => p.slice(0, 40)), seen: null } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const id = saved.body.summary.id;
    expect((await call(adminCtx, 'kb/step', { input: { id, step: 'publish', version: 1 } })).status).toBe(200);
    articles.push(id);
  }
  expect((await call(client.context(), 'kb/feedback', { input: { id: articles[0], helpful: false,
    comment: payloads[6] } })).status).toBe(200);
  await client.goto('/help');
  await expect(client.locator('.help-section').first()).toBeVisible();
  await clean(client, 'help');
  await client.getByLabel('Search the help').fill('xss img onerror');
  await expect(client.locator('.help-search li').first()).toBeVisible();
  await clean(client, 'help search');
  for (const id of articles) {
    await client.goto(`/help/${id}`);
    await expect(client.locator('.help-article .text')).toBeVisible();
    await clean(client, `help article ${id}`);
  }
  await client.goto('/new');
  await client.getByLabel('Subject').pressSequentially('xss onerror');
  await client.locator('.suggestions button').first().click();
  await expect(client.locator('.suggested .text')).toBeVisible();
  await clean(client, 'suggestions');
  for (const [page, path] of [[admin, '/admin/kb'], [admin, `/admin/kb/${articles[0]}`],
    [operator, '/operator/kb'], [operator, `/operator/kb/${articles[1]}`]] as const) {
    await page.goto(path);
    await expect(page.locator('h1')).toBeVisible();
    await page.waitForTimeout(300);
    await clean(page, path);
  }
  await admin.goto('/admin/kb');
  await expect(admin.locator('.kb-usage dl')).toBeVisible();
  await clean(admin, 'knowledge base use');

  // The payloads are shown as the text they are.
  await client.goto(`/tickets/${ids[0]}`);
  await expect(client.locator('main')).toContainText('<img src=x onerror=xss()>');
  expect((await call(adminCtx, 'settings/set_company_name', { name: before ?? 'Support' })).status).toBe(200);
});
