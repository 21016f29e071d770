// The agent's page in a real browser against the real `solusi serve` (open mode: no tokens).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { articleMeta, launchBrowser, pageTest, resultSlugs, startServer } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
const state = () => ({ server, browser });

/// Waits until the first result is @p slug (the list is rebuilt as answers come).
async function waitForFirst(page, slug, list = '#results') {
  await page.waitForFunction(
    ([selector, expected]) => document.querySelector(`${selector} a.result`)?.dataset.slug === expected,
    [list, slug],
  );
}

const activeId = (page) => page.evaluate(() => document.activeElement?.id ?? '');
const activeSlug = (page) => page.evaluate(() => document.activeElement?.dataset?.slug ?? '');

pageTest('loads fast, labelled, with the search box focused', state, async ({ page, browser: b, server: s }) => {
  await page.waitForSelector('html.ready');
  assert.equal(await activeId(page), 'q');
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  assert.equal((await page.locator('label[for=q]').textContent()).trim(), 'Cari artikel');
  // First paint of the page in a new context (nothing cached), the browser itself already started:
  // the best of three loads, so that a machine busy with something else does not decide it. A bare
  // context: listening to requests and console messages slows every request down.
  const paints = [];
  for (let i = 0; i < 3; i++) {
    const context = await b.newContext({ viewport: { width: 1280, height: 800 } });
    const fresh = await context.newPage();
    await fresh.goto(`${s.url}/`);
    await fresh.waitForSelector('html.ready');
    await fresh.locator('#q').waitFor();
    paints.push(await fresh.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime));
    await context.close();
  }
  assert.ok(Math.min(...paints) < 1000, `first contentful paint after ${paints.join(', ')} ms`);
  const shift = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(total), 200);
      }),
  );
  assert.ok(shift < 0.01, `cumulative layout shift ${shift}`);
  // Every control has an accessible name: a <label>, or text, or aria-label.
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.offsetParent !== null)
      .filter((el) =>
        el.tagName === 'BUTTON' ? !el.textContent.trim() && !el.getAttribute('aria-label') : !el.labels?.length && !el.getAttribute('aria-label'),
      )
      .map((el) => el.outerHTML),
  );
  assert.deepEqual(unnamed, []);
  // Focus is visible: the focused box has an outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid');
});

/// Text whose contrast with its background is under 4.5:1 (WCAG AA), on what the page shows now.
async function lowContrast(page) {
  return page.evaluate(() => {
    const rgba = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      const [r, g, b, a = 1] = m[1].split(',').map(Number);
      return { r, g, b, a };
    };
    const luminance = ({ r, g, b }) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c.a === 1) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
      if (!own || !el.checkVisibility?.() || el.closest('.visually-hidden, option')) continue;
      const style = getComputedStyle(el);
      const fg = rgba(style.color);
      const [l1, l2] = [luminance(fg), luminance(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5) out.push(`${ratio.toFixed(2)}: <${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 40)}`);
    }
    return out;
  });
}

pageTest('text contrast is at least 4.5:1 everywhere the agent looks', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/?q=paket&a=uji/klaim-asuransi-lama`);
  await page.waitForSelector('#results a.result');
  await page.waitForSelector('.warning');
  await page.locator('#results a.result').nth(1).hover();
  await page.locator('#results a.result').first().focus();
  assert.deepEqual(await lowContrast(page), []);
  await page.locator('[data-feedback=helpful]').click();
  await page.locator('.feedback [role=status] strong').waitFor();
  await page.locator('#tab-ticket').click();
  await page.locator('#ticket-body').fill('kode otp tidak masuk ke hp saya, sudah coba kirim ulang');
  await page.getByRole('button', { name: 'Sarankan artikel' }).click();
  await page.waitForSelector('#suggestions a.result');
  assert.deepEqual(await lowContrast(page), []);
});

pageTest('the page carries a CSP without unsafe-inline and makes no third-party request', state, async ({ page, server: s, requests }) => {
  const response = await fetch(`${s.url}/`);
  const csp = response.headers.get('content-security-policy');
  assert.ok(csp, 'no Content-Security-Policy header');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  // An article with an external image and links: nothing is fetched from elsewhere.
  await page.goto(`${s.url}/?a=uji/teks-berbahaya`);
  await page.waitForSelector('.article-body');
  await page.locator('#q').fill('kurir');
  await page.waitForSelector('#results a.result');
  assert.ok(requests.length > 5);
  assert.deepEqual(requests.filter((u) => !u.startsWith(`${s.url}/`)), []);
});

pageTest('typing shows highlighted results, debounced', state, async ({ page }) => {
  const searches = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/search')) searches.push(new URL(r.url()).searchParams.get('q'));
  });
  const query = 'refund belum masuk';
  await page.locator('#q').pressSequentially(query, { delay: 25 });
  await waitForFirst(page, 'pembayaran/refund-belum-masuk');
  const first = page.locator('#results a.result').first();
  assert.match(await first.locator('.result-title').textContent(), /[Rr]efund/);
  const marks = await first.locator('.snippet mark').allTextContents();
  assert.ok(marks.length > 0, 'no highlighted words');
  assert.doesNotMatch(await first.locator('.snippet').textContent(), /<\/?mark>/);
  assert.match(await page.locator('#search-status .count').textContent(), /^\d+ artikel cocok/);
  // One request per pause, not per key: at most a few for 18 keystrokes, the last for the whole query.
  assert.ok(searches.length <= 6, `${searches.length} searches: ${searches.join(' | ')}`);
  assert.equal(searches.at(-1), query);
  assert.equal(new URL(page.url()).searchParams.get('q'), query);
});

pageTest('a result opened from the results carries its search id, and every request says it is the page', state, async ({ page }) => {
  const answered = page.waitForResponse((r) => r.url().includes('/v1/search?') && new URL(r.url()).searchParams.get('q') === 'refund belum masuk');
  await page.locator('#q').fill('refund belum masuk');
  const search = await answered;
  assert.equal(search.request().headers()['x-solusi-client'], 'web');
  const id = (await search.json()).search_id;
  assert.match(id, /^[0-9a-f]{16}$/);
  await waitForFirst(page, 'pembayaran/refund-belum-masuk');
  // The lead's reports count this view as a click on that search, and on no other.
  const opened = page.waitForRequest((r) => r.url().includes('/v1/articles/pembayaran/refund-belum-masuk'));
  await page.locator('#results a.result').first().click();
  const request = await opened;
  assert.equal(new URL(request.url()).searchParams.get('search_id'), id);
  assert.equal(request.headers()['x-solusi-client'], 'web');
});

pageTest('a slow earlier answer never replaces the latest one', state, async ({ page }) => {
  let delayed = 0;
  await page.route('**/v1/search?*', async (route) => {
    if (new URL(route.request().url()).searchParams.get('q') === 'otp') {
      delayed++;
      await new Promise((r) => setTimeout(r, 1500));
    }
    await route.continue().catch(() => {}); // the page may have given up on it meanwhile
  });
  await page.locator('#q').fill('otp');
  await page.waitForTimeout(400); // its request is out, and held back
  assert.equal(delayed, 1);
  await page.locator('#q').fill('paket terlambat');
  await waitForFirst(page, 'pengiriman/paket-terlambat');
  const shown = await resultSlugs(page);
  await page.waitForTimeout(1800); // the "otp" answer would have arrived by now
  assert.deepEqual(await resultSlugs(page), shown);
  assert.equal(await page.locator('#q').inputValue(), 'paket terlambat');
});

pageTest('keyboard only: arrows, Enter opens, Esc back to the box, / focuses it', state, async ({ page }) => {
  await page.locator('#q').fill('paket');
  await page.waitForSelector('#results a.result >> nth=2');
  const slugs = await resultSlugs(page);
  await page.keyboard.press('ArrowDown');
  assert.equal(await activeSlug(page), slugs[0]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await activeSlug(page), slugs[2]);
  await page.keyboard.press('ArrowUp');
  assert.equal(await activeSlug(page), slugs[1]);
  await page.keyboard.press('Enter');
  await page.waitForFunction((slug) => new URL(location.href).searchParams.get('a') === slug, slugs[1]);
  await page.waitForFunction(() => document.activeElement?.id === 'article-title');
  assert.ok((await page.locator('#article-title').textContent()).length > 3);
  assert.equal(await page.locator('#results a.result[aria-current="true"]').getAttribute('data-slug'), slugs[1]);
  await page.keyboard.press('Escape');
  assert.equal(await activeId(page), 'q');
  // ↑ on the first result goes back to the box too.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await activeId(page), 'q');
  // "/" from anywhere but a text field focuses the box, and is not typed into it.
  await page.locator('#article-title').focus();
  await page.keyboard.press('/');
  assert.equal(await activeId(page), 'q');
  assert.equal(await page.locator('#q').inputValue(), 'paket');
  // The browser's Back closes what Enter opened.
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.get('a'));
  await page.waitForSelector('#article .placeholder');
});

pageTest('the article shows its owner, review date and an overdue warning', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/?a=uji/klaim-asuransi-lama`);
  await page.waitForSelector('#article-title');
  assert.equal(await page.locator('#article-title').textContent(), 'Klaim asuransi pengiriman lama');
  const meta = await articleMeta(page);
  assert.equal(meta.Pemilik, 'tim-uji-logistik');
  assert.match(meta['Terakhir ditinjau'], /^15 Jan 2020$/);
  assert.match(meta['Tinjauan berikutnya'], /^14 Apr 2020$/);
  assert.equal(meta.Pembaca, 'Internal: jangan dibagikan ke pelanggan');
  const warnings = await page.locator('#article .warning').allTextContents();
  assert.equal(warnings.length, 1, warnings.join(' | '));
  assert.match(warnings[0], /^Tinjauan terlambat \d[\d.]* hari \(jatuh tempo \d{1,2} \S+ 2020\)/);
  // The body is the rendered Markdown: headings under the title, a numbered list.
  assert.equal(await page.locator('.article-body h3').first().textContent(), 'Masalah');
  assert.equal(await page.locator('.article-body ol li').count(), 2);

  // A freshly reviewed article has no warning.
  await page.goto(`${s.url}/?a=uji/garansi-kulkas-segar`);
  await page.waitForSelector('#article-title');
  assert.equal(await page.locator('#article .warning').count(), 0);
  assert.equal((await articleMeta(page)).Pemilik, 'tim-uji-garansi');

  // An unknown article says so.
  await page.goto(`${s.url}/?a=uji/tidak-ada`);
  await page.waitForSelector('#article-title');
  assert.match(await page.locator('#article-title').textContent(), /tidak ditemukan/);
});

pageTest('"did you mean" is a link that searches for the correction', state, async ({ page }) => {
  await page.locator('#q').fill('asuranzi');
  const link = page.locator('#search-status a.did-you-mean');
  await link.waitFor();
  assert.equal(await link.textContent(), 'asuransi');
  assert.match(await page.locator('#search-status .correction').textContent(), /^Maksud Anda:/);
  await link.click();
  assert.equal(await page.locator('#q').inputValue(), 'asuransi');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'asuransi');
  await page.waitForFunction(() => !document.querySelector('#search-status a.did-you-mean'));
  assert.ok((await resultSlugs(page)).includes('uji/klaim-asuransi-lama'));
});

pageTest('filters narrow the results to a category', state, async ({ page }) => {
  await page.locator('#q').fill('refund');
  await page.waitForSelector('#results a.result >> nth=1');
  const categories = await page.locator('#f-category option').evaluateAll((o) => o.map((x) => x.value));
  assert.ok(categories.includes('pembayaran') && categories.includes('pesanan'), categories.join(','));
  // articles/categories.txt groups "pesanan" with the English "orders": the filter keeps both.
  await page.locator('#f-category').selectOption('pesanan');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#results .result-meta')].every((m) => /^(pesanan|orders)/.test(m.textContent)),
  );
  assert.ok((await resultSlugs(page)).every((slug) => slug.startsWith('pesanan/') || slug.startsWith('orders/')));
  assert.equal(await page.locator('#f-category').inputValue(), 'pesanan');
});

pageTest('copy the article link and the selected passage', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/?a=pengiriman/paket-terlambat`);
  await page.waitForSelector('.article-body p');
  await page.locator('#copy-link').click();
  await page.getByText('Tautan disalin.').waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, `${s.url}/?a=pengiriman/paket-terlambat`);

  // Nothing selected: the button says what to do.
  await page.locator('#copy-passage').click();
  await page.getByText('Pilih dulu teks di artikel').waitFor();

  const passage = await page.evaluate(() => {
    const p = document.querySelector('.article-body p');
    const range = document.createRange();
    range.selectNodeContents(p);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return p.textContent.trim();
  });
  await page.locator('#copy-passage').click();
  await page.getByText('Bagian terpilih disalin.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), passage);

  // The copied link opens the article.
  await page.goto(link);
  await page.waitForSelector('#article-title');
  assert.match(await page.locator('#article-title').textContent(), /Paket terlambat/);
});

pageTest('helpful / not helpful / outdated are sent as feedback', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/?a=pembayaran/refund-belum-masuk`);
  await page.waitForSelector('.feedback');
  const sent = page.waitForRequest('**/v1/feedback');
  await page.locator('[data-feedback=not_helpful]').click();
  const body = (await sent).postDataJSON();
  await page.getByText('Terima kasih, tercatat:').waitFor();
  assert.equal(await page.locator('[data-feedback=not_helpful]').getAttribute('aria-pressed'), 'true');
  const ticket = await page.evaluate(() => sessionStorage.getItem('solusi.ticket'));
  assert.match(ticket, /^web-[0-9a-z]{12}$/);
  assert.deepEqual(body, { ticket_id: ticket, slug: 'pembayaran/refund-belum-masuk', kind: 'not_helpful' });
  assert.match(await page.locator('.feedback .hint').textContent(), new RegExp(ticket));

  // The service recorded it: its access log says 201, and the same vote again is a duplicate.
  assert.ok(s.log().some((l) => l.route === 'feedback' && l.status === 201));
  const again = await fetch(`${s.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(again.status, 200);
  assert.equal((await again.json()).duplicate, true);

  await page.locator('[data-feedback=helpful]').click();
  await page.locator('.feedback [role=status]').getByText('Membantu').waitFor();
  assert.match(await page.locator('.feedback [role=status]').textContent(), /^Terima kasih, tercatat:/);
  // "Outdated" is a kind of its own: a new record, which the lead's report shows as flagged_outdated.
  const flagged = page.waitForRequest('**/v1/feedback');
  await page.locator('[data-feedback=outdated]').click();
  assert.equal((await flagged).postDataJSON().kind, 'outdated');
  await page.locator('.feedback [role=status]').getByText('Usang').waitFor();
  assert.match(await page.locator('.feedback [role=status]').textContent(), /^Terima kasih, tercatat:/);
  const report = await fetch(`${s.url}/v1/reports/stale?limit=all`);
  assert.equal(report.status, 200);
  const row = (await report.json()).articles.find((a) => a.slug === 'pembayaran/refund-belum-masuk');
  assert.ok(row, 'the flagged article is in the stale report');
  assert.ok(row.reasons.some((r) => r.code === 'flagged_outdated'), JSON.stringify(row.reasons));
});

pageTest('paste ticket: suggestions with confidence and matched words', state, async ({ page }) => {
  await page.locator('#tab-ticket').click();
  assert.equal(await activeId(page), 'ticket-body');
  assert.equal(await page.locator('#panel-search').isHidden(), true);
  await page.locator('#ticket-subject').fill('Kode OTP');
  await page.locator('#ticket-body').fill('kode otp tidak masuk ke hp saya dari tadi, sudah coba kirim ulang');
  await page.locator('#ticket-id').fill('ZD-2001');
  const suggestRequest = page.waitForRequest('**/v1/suggest');
  await page.locator('#ticket-body').press('Tab');
  await page.getByRole('button', { name: 'Sarankan artikel' }).click();
  assert.equal((await suggestRequest).postDataJSON().ticket_id, 'ZD-2001');
  await waitForFirst(page, 'akun/otp-tidak-masuk', '#suggestions');
  const first = page.locator('#suggestions a.result').first();
  assert.match(await first.locator('.confidence-text').textContent(), /^Keyakinan \d{2,3}%$/);
  const value = Number(await first.locator('meter').getAttribute('value'));
  assert.ok(value >= 45 && value <= 100, `meter ${value}`);
  const matched = await first.locator('.matched .chip').allTextContents();
  assert.ok(matched.includes('otp'), matched.join(','));
  assert.match(await page.locator('#ticket-status').textContent(), /saran untuk tiket ZD-2001/);
  assert.ok((await page.locator('#ticket-summary .chip').allTextContents()).includes('otp'));

  // Opening a suggestion files its feedback under the pasted ticket.
  await first.click();
  await page.waitForSelector('.feedback');
  assert.match(await page.locator('.feedback .hint').textContent(), /tiket ZD-2001/);
  const feedback = page.waitForRequest('**/v1/feedback');
  await page.locator('[data-feedback=helpful]').click();
  assert.deepEqual((await feedback).postDataJSON(), { ticket_id: 'ZD-2001', slug: 'akun/otp-tidak-masuk', kind: 'helpful' });
  await page.getByText('Terima kasih, tercatat:').waitFor();

  // While the ticket is open, an article found by searching is filed under it too.
  await page.locator('#tab-search').click();
  await page.locator('#q').fill('reset kata sandi');
  await waitForFirst(page, 'akun/reset-kata-sandi');
  await page.locator('#results a.result').first().click();
  await page.waitForFunction(() => document.querySelector('#article-title')?.textContent.includes('sandi'));
  assert.match(await page.locator('.feedback .hint').textContent(), /tiket ZD-2001/);
  await page.locator('#tab-ticket').click();

  // A ticket nothing answers: a content gap, with the closest candidate; a generated ticket id.
  await page.locator('#ticket-clear').click();
  await page.locator('#ticket-body').fill('Bagaimana cara menanam padi di sawah supaya panen melimpah');
  await page.getByRole('button', { name: 'Sarankan artikel' }).click();
  await page.locator('#ticket-status .warn').waitFor();
  assert.match(await page.locator('#ticket-status').textContent(), /0 saran untuk tiket web-[0-9a-z]{12}\./);
  assert.match(await page.locator('#ticket-status .warn').textContent(), /ambang \d+%/);
  assert.equal(await page.locator('#suggestions a.result').count(), 0);
});

pageTest('English labels at the switch, kept on reload', state, async ({ page }) => {
  await page.locator('#q').fill('refund');
  await page.waitForSelector('#search-status .count');
  await page.locator('#language').selectOption('en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal((await page.locator('label[for=q]').textContent()).trim(), 'Search articles');
  assert.equal(await page.locator('#tab-ticket').textContent(), 'Paste ticket');
  assert.match(await page.locator('#search-status .count').textContent(), /^(1 article matches|\d+ articles match) well \(\d+ ms\)$/);
  assert.equal(await page.locator('#f-category option').first().textContent(), 'All categories');
  await page.reload();
  await page.waitForSelector('html.ready');
  assert.equal((await page.locator('label[for=q]').textContent()).trim(), 'Search articles');
  await page.locator('#language').selectOption('id');
  assert.equal((await page.locator('label[for=q]').textContent()).trim(), 'Cari artikel');
});

pageTest(
  'works 360 px wide without horizontal scrolling',
  state,
  async ({ page }) => {
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.waitForSelector('html.ready');
    assert.equal(await overflow(), 0);
    await page.locator('#q').fill('refund belum masuk');
    await page.waitForSelector('#results a.result');
    assert.equal(await overflow(), 0);
    await page.locator('#results a.result').first().click();
    await page.waitForSelector('.article-body');
    assert.equal(await page.locator('#results').isVisible(), false); // the article takes the screen
    assert.equal(await overflow(), 0);
    await page.getByRole('button', { name: '← Kembali ke daftar' }).click();
    assert.equal(await page.locator('#results').isVisible(), true);
    await page.locator('#tab-ticket').click();
    assert.equal(await overflow(), 0);
  },
  { viewport: { width: 360, height: 740 } },
);

pageTest('user text with <script> is shown as text, never run', state, async ({ page, server: s }) => {
  // Words no article has (so the "no articles for …" message quotes it); pwned() is not defined, so
  // running any of it would be a page error.
  const evil = '<img src=zqx onerror=pwned()>';
  await page.locator('#q').fill(evil);
  await page.locator('#search-status .empty').waitFor();
  assert.equal(await page.locator('#search-status .empty').textContent(), `Tidak ada artikel untuk “${evil}”.`);
  await page.locator('#tab-ticket').click();
  await page.locator('#ticket-id').fill('<script>pwned()</script><b>ZD</b>');
  await page.locator('#ticket-body').fill(`${evil} <iframe src="https://evil.example"></iframe> refund <b>otp</b>`);
  await page.getByRole('button', { name: 'Sarankan artikel' }).click();
  await page.locator('#ticket-status .count').waitFor();
  assert.match(await page.locator('#ticket-status .count').textContent(), /tiket <script>pwned\(\)<\/script><b>ZD<\/b>\./);
  assert.equal(await page.locator('main img, main iframe, main script, main b').count(), 0);

  // An article quoting HTML shows it as code; what cmark's safe mode dropped stays dropped.
  await page.goto(`${s.url}/?a=uji/teks-berbahaya`);
  await page.waitForSelector('.article-body');
  assert.equal(await page.locator('.article-body code').first().textContent(), `<script>alert('catatan')</script>`);
  assert.equal(await page.locator('.article-body script, .article-body img, .article-body iframe').count(), 0);
  assert.equal(await page.locator('.article-body .image-placeholder').textContent(), '[gambar: logo mitra]');
  assert.equal(await page.locator('.article-body a[href^="javascript"]').count(), 0);
  const external = page.locator('.article-body a.external');
  assert.equal(await external.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await external.getAttribute('href'), 'https://kurir.example/lacak');
  // A relative link to another article opens it in the page.
  await page.locator('.article-body a[data-slug]').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('a') === 'pengiriman/paket-terlambat');
  await page.waitForFunction(() => /Paket terlambat/.test(document.querySelector('#article-title')?.textContent ?? ''));
});
