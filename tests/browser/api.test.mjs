// The API reference page (/api) against the real `solusi serve` with tokens configured: it renders the
// service's own /v1/openapi.json (every route, examples, error codes, linked schemas), filters as you
// type, follows the language switch, and has no accessibility violations.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { api, axeViolations, launchBrowser, pageTest, signIn, startServer } from './harness.mjs';

const lead = { name: 'dewi', role: 'lead', token: 'sol_browser-lead-dewi-0123456789' };
const agent = { name: 'rina', role: 'agent', token: 'sol_browser-agent-rina-0123456789' };

let server;
let browser;
before(async () => {
  server = await startServer({ tokens: [lead, agent] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
const state = () => ({ server, browser });

pageTest('the API reference renders every route of the served document', state, async ({ page, server: s }) => {
  const doc = (await api(s, lead.token, '/v1/openapi.json')).data;
  let routes = 0;
  for (const methods of Object.values(doc.paths)) routes += Object.keys(methods).filter((m) => m !== 'parameters').length;
  assert.ok(routes > 20, `only ${routes} routes in the document`);

  await signIn(page, lead.token);
  await page.getByRole('link', { name: 'API', exact: true }).click();
  await page.waitForURL(/\/api$/);
  await page.locator('#api-operations .api-op').first().waitFor();
  assert.equal(await page.locator('#api-title').textContent(), 'Referensi API');
  assert.equal(await page.locator('#api-operations .api-op').count(), routes);
  assert.equal(await page.locator('.api-reference .status').textContent(), `${routes} dari ${routes} rute`);

  // The suggest route: who may call it, its request body with its example, its answer's fields.
  const suggest = page.locator('#op-suggest');
  assert.match(await suggest.locator('h3').textContent(), /POST\s+\/v1\/suggest/);
  assert.match(await suggest.textContent(), /ticket-system/);
  assert.match(await suggest.locator('.api-body .api-example').textContent(), /"ticket_id": 4711/);
  await suggest.locator('.api-body a', { hasText: 'SuggestRequest' }).click();
  await page.waitForURL(/#schema-SuggestRequest$/);
  assert.match(await page.locator('#schema-SuggestRequest table').textContent(), /subject/);

  // The error codes come from the document.
  const codes = page.locator('.api-errors tbody tr');
  assert.equal(await codes.count(), doc['x-error-codes'].length);
  assert.match(await page.locator('.api-errors').textContent(), /rate_limited/);

  // The filter narrows the routes as you type; the count follows.
  await page.locator('#api-filter').fill('feedback');
  const shown = page.locator('#api-operations .api-op:not([hidden])');
  const n = await shown.count();
  assert.ok(n >= 1 && n < routes, `${n} routes shown for "feedback"`);
  for (const title of await shown.locator('h3').allTextContents()) assert.match(title, /feedback/i);
  assert.equal(await page.locator('.api-reference .status').textContent(), `${n} dari ${routes} rute`);

  // English on request.
  await page.locator('#language').selectOption('en');
  assert.equal(await page.locator('#api-title').textContent(), 'API reference');
  assert.equal(await page.locator('.api-reference .status').textContent(), `${n} of ${routes} routes`);

  assert.deepEqual(await axeViolations(page), []);
});

pageTest('every role may open the API reference; the navigation offers it to leads and editors', state, async ({ page, server: s }) => {
  await signIn(page, agent.token);
  await page.locator('#q').waitFor();
  assert.deepEqual(await page.locator('#nav a').allTextContents(), ['Cari']);
  await page.goto(`${s.url}/api`);
  await page.locator('#api-operations .api-op').first().waitFor();
  assert.ok((await page.locator('#api-operations .api-op').count()) > 20);
});
