// The browser tests' harness: the real `solusi serve` on 127.0.0.1 (a free port chosen by the server)
// over a temporary copy of the bundled articles plus a few fixtures, Debian's chromium driven by
// playwright-core (never a downloaded browser), and checks every test shares: no request leaves the
// server's origin, no console error, no dialog, a screenshot for review.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { binary, chromiumPath, here, repo, screenshotDir } from './harness-paths.mjs';

/// axe-core's engine, from tests/browser/node_modules (`npm ci`).
const axePath = join(here, 'node_modules', 'axe-core', 'axe.min.js');

export { binary, chromiumPath, here, repo, screenshotDir } from './harness-paths.mjs';

/// Today where the tests run (the page compares review dates with the browser's today).
export function today(offsetDays = 0) {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/// Articles added to the copy of articles/ (slug → file text).
export function fixtureArticles() {
  return {
    'uji/klaim-asuransi-lama': `---
title: Klaim asuransi pengiriman lama
lang: id
tags: [pengiriman, asuransi]
category: pengiriman
owner: tim-uji-logistik
reviewed: 2020-01-15
review_every: 90d
audience: internal
---
## Masalah

Pelanggan meminta klaim asuransi pengiriman untuk paket yang diasuransikan lewat formulir lama.

## Langkah

1. Minta nomor polis asuransi dan foto paket.
2. Teruskan klaim ke tim-uji-logistik.
`,
    'uji/garansi-kulkas-segar': `---
title: Garansi kulkas dari penjual resmi
lang: id
tags: [garansi]
category: pesanan
owner: tim-uji-garansi
reviewed: ${today()}
review_every: 10y
audience: public
---
Garansi kulkas dari penjual resmi berlaku dua tahun sejak barang diterima pelanggan.

Pelanggan cukup menunjukkan nomor pesanan; kartu garansi fisik tidak diperlukan.
`,
    'uji/teks-berbahaya': `---
title: Catatan pesanan berisi kode aneh
lang: id
tags: [keamanan]
category: akun
owner: tim-uji-keamanan
reviewed: ${today()}
review_every: 10y
audience: internal
---
Pelanggan kadang menempelkan \`<script>alert('catatan')</script>\` ke kolom catatan pesanan.

<script>alert('raw')</script>

<img src="x" onerror="alert('img')">

![logo mitra](https://tracker.example/logo.png)

Lihat juga [paket terlambat](../pengiriman/paket-terlambat.md), [bantuan](javascript:alert('link'))
dan [situs kurir](https://kurir.example/lacak).
`,
  };
}

/// sha256 of a token, as the config file stores it.
export function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/// Starts `solusi serve` over a fresh copy of articles/ (plus fixtureArticles()) with its own index
/// and events.db. @p tokens: [{name, role, token}] for a config file with tokens (else open mode);
/// @p fixtures: false for the bundled articles alone.
/// Resolves to {url, port, dir, log(), feedbackLog(), stop()}.
export async function startServer({ tokens, fixtures = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'solusi-browser-'));
  const articles = join(dir, 'articles');
  await cp(join(repo, 'articles'), articles, { recursive: true });
  for (const [slug, text] of Object.entries(fixtures ? fixtureArticles() : {})) {
    await mkdir(dirname(join(articles, `${slug}.md`)), { recursive: true });
    await writeFile(join(articles, `${slug}.md`), text);
  }
  const args = ['serve', '--articles', articles, '--index', join(dir, 'index'), '--events', join(dir, 'events.db')];
  // The default 8 worker threads: cpp-httplib holds a worker per open connection until it has been idle
  // for the keep-alive timeout (1 s), and a browser opens 6 connections at once; with fewer workers
  // than that, part of the page waits a second.
  args.push('--listen', '127.0.0.1:0');
  if (tokens) {
    const lines = ['tokens:'];
    for (const t of tokens) lines.push(`  - name: ${t.name}`, `    role: ${t.role}`, `    sha256: ${sha256(t.token)}`);
    await writeFile(join(dir, 'config.yaml'), `${lines.join('\n')}\n`);
    args.push('--config', join(dir, 'config.yaml'));
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SOLUSI_')));
  const child = spawn(binary, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const killOnExit = () => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));

  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`solusi serve did not start in 120 s:\n${stderr}`)), 120000);
    const check = () => {
      const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stderr.on('data', check);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`solusi serve ended (${code ?? signal}) before serving:\n${stderr}`));
    });
    check();
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    /// The access log lines (JSON) written so far.
    log() {
      return stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const timeout = new Promise((r) => setTimeout(() => r('timeout'), 15000));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          process.kill(child.pid, 'SIGKILL');
          await exited;
        }
      }
      const { code, signal } = await exited;
      await rm(dir, { recursive: true, force: true });
      assert.equal(code, 0, `solusi serve exited with ${code ?? signal}:\n${stderr.slice(-4000)}`);
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
}

/// A fresh browser context (own storage) and page on @p server, recording every request and every
/// console error, page error and dialog. With @p intercept (the default) requests for other origins are
/// also refused by the harness (interception makes every request slower: timings are measured without).
export async function openPage(browser, server, { viewport = { width: 1280, height: 800 }, path = '/', intercept = true } = {}) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  // Anything for another origin is recorded above and then refused, so a test never reaches out.
  if (intercept)
    await context.route(
      (url) => url.origin !== server.url,
      (route) => route.abort(),
    );
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser logs every API answer with an error status; the page handles those itself (a 401
    // asks for a token, a 404 says the article is not there, a 412 names who changed the article, a
    // 422 the line of a front matter error). Any other error is a problem.
    const url = m.location()?.url ?? '';
    if (/^Failed to load resource: the server responded with a status of (40[134]|412|422)/.test(m.text()) && url.startsWith(`${server.url}/v1/`))
      return;
    problems.push(`console: ${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  if (path !== null) await page.goto(server.url + path);
  return { context, page, requests, problems };
}

/// A test with its own page: afterwards the page is screenshotted (also when the test failed), and
/// the test fails if any request left the server's origin or the page logged an error.
export function pageTest(name, getState, body, options = {}) {
  test(name, async () => {
    const { browser, server } = getState();
    const session = await openPage(browser, server, options);
    try {
      await body({ ...session, server, browser });
    } finally {
      await mkdir(screenshotDir, { recursive: true });
      const file = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      await session.page.screenshot({ path: join(screenshotDir, `${file}.png`), fullPage: true }).catch(() => {});
      await session.context.close();
    }
    const foreign = session.requests.filter((u) => !u.startsWith(`${server.url}/`));
    assert.deepEqual(foreign, [], 'requests left the server');
    assert.deepEqual(session.problems, [], 'the page logged errors');
  });
}

/// The article's metadata as {label: value}.
export async function articleMeta(page) {
  return page.locator('#article .meta > div').evaluateAll((items) =>
    Object.fromEntries(items.map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])),
  );
}

/// The results list's slugs, in order.
export async function resultSlugs(page, list = '#results') {
  return page.locator(`${list} a.result`).evaluateAll((links) => links.map((a) => a.dataset.slug));
}

/// Calls the API of @p server from the test (not the page) with @p token: resolves to {status, data,
/// etag}. @p body is sent as JSON, or as it is with @p type.
export async function api(server, token, path, { method = 'GET', body, type = 'application/json', headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = type;
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(server.url + path, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

/// Signs in on the page's form with @p token and waits for the page to replace the form.
export async function signIn(page, token) {
  await page.locator('#token').fill(token);
  await page.locator('.signin-form button[type=submit]').click();
  await page.locator('#sign-out:not([hidden])').waitFor();
}

/// True when the page is no wider than its window (no horizontal scroll).
export async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

/// Calls @p probe until it resolves to something truthy (the index is refreshed for readers a moment
/// after a write); fails after @p ms.
export async function eventually(probe, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`not true within ${ms} ms: ${probe}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// The axe-core (npm axe-core) violations of the page as it is now, as "rule: target" lines: a test
/// asserts there are none. The engine is evaluated in the page, which has it only for the test.
export async function axeViolations(page) {
  // Evaluated rather than added as a script tag: the page's Content-Security-Policy (Trusted Types)
  // refuses injected scripts, as it should.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(await readFile(axePath, 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}
