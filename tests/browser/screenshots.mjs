// The README's screenshots (docs/screenshots/*.png): the real `solusi serve` over the bundled articles
// alone, an agent's and an editor's token, a few searches and a ticket so the lead's page has
// something to show. Run it after a change to the page: `node tests/browser/screenshots.mjs`
// (SOLUSI_BINARY as for the tests). Each file must stay under 200 KB.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { api, launchBrowser, repo, signIn, startServer } from './harness.mjs';

const agent = { name: 'rina', role: 'agent', token: 'sol_screenshots-agent-rina-0123456789' };
const editor = { name: 'budi', role: 'editor', token: 'sol_screenshots-editor-budi-0123456789' };
const out = join(repo, 'docs', 'screenshots');
const maxBytes = 200 * 1024;

const server = await startServer({ tokens: [agent, editor], fixtures: false });
const browser = await launchBrowser();
try {
  // What agents did today on the page (X-Solusi-Client: web): searches (two found nothing) and a
  // ticket no article answers.
  const fromPage = { 'X-Solusi-Client': 'web' };
  for (const q of ['refund belum masuk', 'ongkir mahal', 'paylater', 'aktivasi paylater', 'kode otp'])
    await api(server, agent.token, `/v1/search?q=${encodeURIComponent(q)}`, { headers: fromPage });
  await api(server, agent.token, '/v1/suggest', {
    headers: fromPage,
    method: 'POST',
    body: { ticket_id: 'ZD-2001', subject: 'Paylater ditolak', body: 'Kak, pengajuan paylater saya ditolak terus, kenapa ya?' },
  });
  await new Promise((r) => setTimeout(r, 1500)); // the usage log writes its queue every second

  const shoot = async (name, token, path, prepare, viewport = { width: 1100, height: 700 }) => {
    const context = await browser.newContext({ viewport });
    await context.route((url) => url.origin !== server.url, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await signIn(page, token);
    await page.goto(server.url + path);
    try {
      await prepare(page);
    } catch (error) {
      await page.screenshot({ path: join(out, `${name}-failed.png`) });
      throw error;
    }
    const file = join(out, `${name}.png`);
    await page.screenshot({ path: file });
    await context.close();
    const { size } = await stat(file);
    assert.ok(size < maxBytes, `${file} is ${size} bytes (at most ${maxBytes})`);
    console.log(`${file}: ${size} bytes`);
  };

  await shoot('search', agent.token, '/?q=refund%20belum%20masuk', async (page) => {
    await page.waitForSelector('#results a.result');
  });
  await shoot('article', agent.token, '/?q=otp&a=akun/otp-tidak-masuk', async (page) => {
    await page.waitForSelector('#article .article-body');
  });
  await shoot('ticket', agent.token, '/', async (page) => {
    await page.locator('#tab-ticket').click();
    await page
      .locator('#ticket-body')
      .fill('Halo kak, refund pesanan saya sudah disetujui tapi dananya belum masuk ke rekening BCA. Sudah 10 hari.');
    await page.locator('#ticket-submit, #panel-ticket button[type=submit]').first().click();
    await page.waitForSelector('#suggestions a.result');
  }, { width: 1100, height: 900 });
  await shoot('lead', editor.token, '/lead', async (page) => {
    await page.waitForSelector('#stale .stale-row');
    await page.waitForSelector('#chart svg');
    await page.waitForSelector('#gaps .gap');
  }, { width: 1100, height: 1150 });
  await shoot('editor', editor.token, '/edit/akun/otp-tidak-masuk', async (page) => {
    await page.waitForFunction(() => document.querySelector('#fm-title')?.value);
    await page.waitForSelector('#preview p');
  });
} finally {
  await browser.close();
  await server.stop();
}
