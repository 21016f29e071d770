// Feedback can be corrected on the agent's page: after a vote is recorded, "Batalkan" (Undo) takes it
// back with DELETE /v1/feedback, in Indonesian and in English, against the real `solusi serve`.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { launchBrowser, pageTest, startServer } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer({ fixtures: false });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
const state = () => ({ server, browser });
const slug = 'pembayaran/refund-belum-masuk';

/// POSTs the vote @p body again from the test: 201 when it was not in force, 200 when it still is.
async function fileAgain(s, body) {
  const r = await fetch(`${s.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return r.status;
}

pageTest('a vote is undone right where it was given', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/?a=${slug}`);
  await page.waitForSelector('.feedback');
  assert.equal(await page.locator('[data-undo]').count(), 0);
  const sent = page.waitForRequest((r) => r.url().endsWith('/v1/feedback') && r.method() === 'POST');
  await page.locator('[data-feedback=helpful]').click();
  const body = (await sent).postDataJSON();
  const undo = page.locator('.feedback [role=status] [data-undo=helpful]');
  await undo.waitFor();
  assert.equal((await undo.textContent()).trim(), 'Batalkan');
  assert.equal(await page.locator('[data-feedback=helpful]').getAttribute('aria-pressed'), 'true');

  const withdrawn = page.waitForRequest((r) => r.method() === 'DELETE');
  await undo.click();
  const url = new URL((await withdrawn).url());
  assert.equal(url.pathname, '/v1/feedback');
  assert.deepEqual(Object.fromEntries(url.searchParams), { ticket_id: body.ticket_id, slug, kind: 'helpful' });
  await page.locator('.feedback [role=status]').getByText('Dibatalkan, tidak dihitung lagi:').waitFor();
  assert.equal((await page.locator('.feedback [role=status] strong').textContent()).trim(), 'Membantu');
  assert.equal(await page.locator('[data-feedback=helpful]').getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('[data-undo]').count(), 0);
  assert.ok(s.log().some((l) => l.route === 'feedback_withdraw' && l.status === 200));
  // Taken back: the same vote filed again is recorded anew, not a duplicate.
  assert.equal(await fileAgain(s, body), 201);
  assert.equal(await fileAgain(s, body), 200);
});

pageTest('Undo in English; a vote withdrawn elsewhere already is undone too', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/?a=${slug}`);
  await page.locator('#language').selectOption('en');
  await page.waitForSelector('.feedback');
  const sent = page.waitForRequest((r) => r.url().endsWith('/v1/feedback') && r.method() === 'POST');
  await page.locator('[data-feedback=not_helpful]').click();
  const body = (await sent).postDataJSON();
  const undo = page.locator('.feedback [role=status] [data-undo=not_helpful]');
  await undo.waitFor();
  assert.equal((await undo.textContent()).trim(), 'Undo');
  // Someone else took it back first (404 for the page): the outcome is the same.
  const first = await fetch(
    `${s.url}/v1/feedback?${new URLSearchParams({ ticket_id: body.ticket_id, slug, kind: 'not_helpful' })}`,
    { method: 'DELETE' },
  );
  assert.equal(first.status, 200);
  await undo.click();
  await page.locator('.feedback [role=status]').getByText('Undone, no longer counted:').waitFor();
  assert.equal((await page.locator('.feedback [role=status] strong').textContent()).trim(), 'Not helpful');
  assert.ok(s.log().some((l) => l.route === 'feedback_withdraw' && l.status === 404));
});
