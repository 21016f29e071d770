// Sign-in by pasted token and the page showing only what the role allows, against the real
// `solusi serve` with tokens configured.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { launchBrowser, pageTest, resultSlugs, startServer } from './harness.mjs';

const agent = { name: 'rina', role: 'agent', token: 'sol_browser-agent-rina-0123456789' };
const visitor = { name: 'situs', role: 'public', token: 'sol_browser-public-situs-0123456789' };

let server;
let browser;
before(async () => {
  server = await startServer({ tokens: [agent, visitor] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
const state = () => ({ server, browser });

async function signIn(page, token) {
  await page.locator('#token').fill(token);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

pageTest('sign in by pasting a token, kept for the tab only', state, async ({ page, context, server: s }) => {
  await page.locator('#token').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token');
  assert.equal(await page.locator('#q').count(), 0);
  assert.equal(await page.locator('label[for=token]').textContent(), 'Token API');

  await signIn(page, 'sol_not-a-token');
  await page.getByText('Token tidak dikenal').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('solusi.token')), null);

  await signIn(page, agent.token);
  await page.locator('#q').waitFor();
  assert.equal(await page.locator('#who .who-name').textContent(), 'rina');
  assert.equal(await page.locator('#who .badge').textContent(), 'agen');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('solusi.token')), agent.token);
  assert.equal(await page.evaluate(() => localStorage.getItem('solusi.token')), null);
  // The agent's tools are there.
  assert.equal(await page.locator('#tab-ticket').count(), 1);
  await page.goto(`${s.url}/?a=akun/otp-tidak-masuk`);
  await page.waitForSelector('.feedback');

  // A reload keeps the session; another tab does not share it.
  await page.reload();
  await page.locator('#q').waitFor();
  const other = await context.newPage();
  await other.goto(`${s.url}/`);
  await other.locator('#token').waitFor();
  await other.close();

  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.locator('#token').waitFor();
  await page.getByText('Anda sudah keluar.').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('solusi.token')), null);
  assert.equal(await page.locator('#q').count(), 0);
});

pageTest('the public role never sees an internal article, nor the agent tools', state, async ({ page, server: s }) => {
  // The query does find internal articles for an agent (so this test can tell).
  const forAgent = await fetch(`${s.url}/v1/search?q=eskalasi&limit=20`, {
    headers: { Authorization: `Bearer ${agent.token}` },
  }).then((r) => r.json());
  const internal = forAgent.hits.filter((h) => h.audience === 'internal').map((h) => h.slug);
  assert.ok(internal.length > 0, 'the fixture query finds no internal article');

  await signIn(page, visitor.token);
  await page.locator('#q').waitFor();
  assert.equal(await page.locator('#who .badge').textContent(), 'publik');
  assert.equal(await page.locator('#tab-ticket').count(), 0, 'the public role cannot use /v1/suggest');
  await page.locator('#q').fill('eskalasi');
  await page.waitForSelector('#results a.result, #search-status .empty');
  await page.waitForFunction(() => !document.querySelector('#results[aria-busy]'));
  const shown = await resultSlugs(page);
  assert.deepEqual(
    shown.filter((slug) => internal.includes(slug)),
    [],
  );
  assert.equal(await page.locator('#results .badge.internal').count(), 0);

  // Not by its address either.
  await page.goto(`${s.url}/?a=${internal[0]}`);
  await page.waitForSelector('#article-title');
  assert.match(await page.locator('#article-title').textContent(), /tidak ditemukan/);
  // A public article opens, without feedback buttons (the role may not send feedback).
  await page.goto(`${s.url}/?a=akun/otp-tidak-masuk`);
  await page.waitForSelector('.article-body');
  assert.equal(await page.locator('.feedback').count(), 0);
  assert.equal(await page.locator('#copy-link').count(), 1);
});

pageTest('a token revoked mid-session sends the page back to sign-in', state, async ({ page }) => {
  await signIn(page, agent.token);
  await page.locator('#q').waitFor();
  // What a revoked token looks like to the page: the next API call is a 401.
  await page.evaluate(() => sessionStorage.setItem('solusi.token', 'sol_revoked'));
  await page.locator('#q').fill('refund');
  await page.locator('#token').waitFor();
  await page.getByText('Token tidak lagi berlaku').waitFor();
});
