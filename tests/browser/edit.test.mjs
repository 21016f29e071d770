// The editor (`/edit`, `/edit/{slug}`) against the real `solusi serve` with editor tokens: edit and
// publish an article and find the new text by search, the live preview with lint findings, the
// revision history with its diff, a new article saved as a draft and archived, and a conflicting edit
// made through the API by a second token between load and publish; a published article's pending
// draft edited, saved and published from the editor while the published text stays live.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { api, axeViolations, eventually, fixtureArticles, launchBrowser, pageTest, repo, resultSlugs, signIn, startServer } from './harness.mjs';

const editor = { name: 'budi', role: 'editor', token: 'sol_browser-editor-budi-0123456789' };
const other = { name: 'ani', role: 'editor', token: 'sol_browser-editor-ani-0123456789' };

let server;
let browser;
before(async () => {
  server = await startServer({ tokens: [editor, other] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});
const state = () => ({ server, browser });

async function openEditor(page, s, slug) {
  await page.goto(`${s.url}/edit/${slug}`);
  await signIn(page, editor.token);
  await page.waitForFunction(() => document.querySelector('#fm-title')?.value);
  await page.waitForSelector('#preview p');
}

pageTest('the editor edits and publishes an article, and search finds the new text', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/edit`);
  await signIn(page, editor.token);
  assert.deepEqual(await page.locator('#nav a').allTextContents(), ['Cari', 'Dasbor', 'Editor', 'API']);
  await page.waitForSelector('#edit-list li');
  await page.locator('#edit-filter').fill('garansi kulkas');
  assert.deepEqual(
    await page.locator('#edit-list li').evaluateAll((items) => items.map((li) => li.dataset.slug)),
    ['uji/garansi-kulkas-segar'],
  );
  await page.locator('#edit-list a').click();
  await page.waitForURL(/\/edit\/uji\/garansi-kulkas-segar$/);
  await page.waitForFunction(() => document.querySelector('#fm-title')?.value);
  assert.equal(await page.locator('#fm-title').inputValue(), 'Garansi kulkas dari penjual resmi');
  assert.equal(await page.locator('#fm-owner').inputValue(), 'tim-uji-garansi');
  assert.equal(await page.locator('#fm-audience').inputValue(), 'public');
  assert.equal(await page.locator('#fm-review_every').inputValue(), '3650d');

  // The preview follows the text (debounced), with lint findings.
  const md = page.locator('#md');
  await md.fill(`${await md.inputValue()}\nUntuk kulkas zetamaxqua, garansi berlaku tiga tahun. Lihat [panduan](../tidak/ada.md).\n`);
  await page.locator('#preview').getByText('zetamaxqua').waitFor();
  // In the page's language, at the line of the body the editor sees (the text box has no front matter).
  const bodyLine = (await md.inputValue()).split('\n').findIndex((l) => l.includes('../tidak/ada.md')) + 1;
  const finding = page.locator('#findings .finding').filter({ hasText: 'Tautan ke artikel yang tidak ada: tidak/ada' });
  await finding.waitFor();
  assert.match(await finding.textContent(), new RegExp(`baris ${bodyLine}:`));
  await md.fill((await md.inputValue()).replace(' Lihat [panduan](../tidak/ada.md).', ''));
  await page.locator('#findings .finding.none').waitFor();
  await page.locator('#fm-tags').fill('garansi, kulkas');
  await page.locator('#note').fill('garansi tiga tahun');

  await page.locator('#publish').click();
  await page.getByText('Diterbitkan (revisi 2).').waitFor();
  // The history: the file as found, then this edit, and their difference as text lines.
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 2);
  assert.match(await page.locator('#history li').first().textContent(), /#2 diubah oleh budi.*garansi tiga tahun/);
  await page.locator('#history li').first().getByRole('button').click();
  await page.locator('#diff .diff-line.added').filter({ hasText: 'zetamaxqua' }).waitFor();

  // The file on disk and the API have it.
  const saved = await eventually(async () => {
    const r = await api(s, editor.token, '/v1/articles/uji/garansi-kulkas-segar');
    return /zetamaxqua/.test(r.data.markdown) && r;
  });
  assert.deepEqual(saved.data.tags, ['garansi', 'kulkas']);
  assert.match(saved.data.markdown, /zetamaxqua/);

  // And the agent's search finds it.
  await page.goto(`${s.url}/`);
  await page.locator('#q').fill('zetamaxqua');
  await page.waitForSelector('#results a.result');
  assert.equal((await resultSlugs(page))[0], 'uji/garansi-kulkas-segar');
});

pageTest('a conflicting edit keeps both texts: a three-way merge with the conflict marked, then published', state, async ({ page, server: s }) => {
  const slug = 'uji/klaim-asuransi-lama';
  await openEditor(page, s, slug);
  // Someone else saves the article between load and publish: a new step 2.
  const loaded = await api(s, other.token, `/v1/articles/${slug}`);
  const theirs = fixtureArticles()[slug].replace('2. Teruskan klaim', '2. Cek status polis di portal asuransi.\n3. Teruskan klaim');
  const put = await api(s, other.token, `/v1/articles/${slug}?note=langkah%20polis`, {
    method: 'PUT',
    body: theirs,
    type: 'text/markdown',
    headers: { 'If-Match': loaded.etag },
  });
  assert.equal(put.status, 200, JSON.stringify(put.data));

  // Meanwhile I change the same step, add a paragraph to the problem, and set my own owner.
  const md = page.locator('#md');
  const mine = (await md.inputValue())
    .replace('2. Teruskan klaim ke tim-uji-logistik.', '2. Teruskan klaim lewat formulir baru qelvarin.')
    .replace('lewat formulir lama.', 'lewat formulir lama.\n\nPerubahan saya trumbelos.');
  await md.fill(mine);
  await page.locator('#fm-owner').fill('tim-uji-klaim');
  await page.locator('#publish').click();
  const conflict = page.locator('#conflict');
  await conflict.waitFor();
  assert.equal(await conflict.locator('h2').textContent(), 'Orang lain telah mengubah artikel ini');
  assert.match(await conflict.locator('.conflict-who').textContent(), /^ani menyimpannya pada \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(revisi 2\)/);
  assert.match(await conflict.textContent(), /langkah polis/);
  // The form holds both texts: their new step, my change of the same step (both, between markers), my paragraph.
  await page.locator('#merge-summary').waitFor();
  assert.match(await page.locator('#merge-summary').textContent(), /^1 bagian diubah oleh Anda dan mereka/);
  const merged = await md.inputValue();
  assert.match(merged, /<<<<<<< yours\n2\. Teruskan klaim lewat formulir baru qelvarin\.\n=======\n2\. Cek status polis di portal asuransi\.\n3\. Teruskan klaim ke tim-uji-logistik\.\n>>>>>>> theirs\n/);
  assert.match(merged, /Perubahan saya trumbelos\./);
  assert.equal(await page.locator('#fm-owner').inputValue(), 'tim-uji-klaim');
  assert.match(
    await page.locator('#merge-regions li').first().textContent(),
    /Versi Anda.*qelvarin.*Versi mereka.*Cek status polis.*Versi awal \(yang Anda buka\)2\. Teruskan klaim ke tim-uji-logistik\./s,
  );
  assert.deepEqual(await axeViolations(page), []);

  // Their change alone, as before: the difference of the version I loaded and theirs.
  await page.locator('#conflict-diff').click();
  await page.locator('#diff .diff-line.added').filter({ hasText: 'Cek status polis' }).waitFor();
  assert.equal(await page.locator('#diff-title').textContent(), 'Perbedaan: revisi 1 → 2');

  // Markers left in the text are refused before anything is sent.
  await page.locator('#publish').click();
  await page.getByText('Teks masih berisi penanda bentrok').waitFor();
  // Resolved by keeping both versions of the step: it goes through on top of theirs.
  await md.fill(merged.replace(/^(<<<<<<< yours|=======|>>>>>>> theirs)\n/gm, ''));
  await page.locator('#publish').click();
  await page.getByText('Diterbitkan (revisi 3).').waitFor();
  assert.ok(await conflict.isHidden());
  const saved = await eventually(async () => {
    const r = await api(s, editor.token, `/v1/articles/${slug}`);
    return /trumbelos/.test(r.data.markdown) && r;
  });
  assert.match(saved.data.markdown, /trumbelos[\s\S]*qelvarin[\s\S]*Cek status polis/);
  assert.equal(saved.data.owner, 'tim-uji-klaim');
});

pageTest('nothing typed is lost by leaving: a warning, a local draft offered back on reopening, cleared after saving', state, async ({ page, server: s }) => {
  const slug = 'uji/catatan-lokal-prasvin';
  const created = await api(s, editor.token, `/v1/articles/${slug}`, {
    method: 'PUT',
    type: 'text/markdown',
    body: '---\ntitle: Catatan prasvin\nlang: id\nowner: tim-uji\nreviewed: 2026-01-05\nstatus: published\naudience: internal\n---\nTeks awal prasvin.\n',
    headers: { 'If-None-Match': '*' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.data));
  await openEditor(page, s, slug);
  // The default review interval is not shown as if the article set it (so a save does not add it).
  assert.equal(await page.locator('#fm-review_every').inputValue(), '');
  const noWarning = await page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });
  assert.equal(noWarning, false, 'no warning without changes');

  await page.locator('#fm-title').fill('Catatan prasvin yang diubah');
  await page.locator('#md').fill('Teks awal prasvin.\n\nKalimat yang belum disimpan zorvikan.\n');
  // The browser warns before the page is unloaded.
  const warns = await page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });
  assert.equal(warns, true, 'leaving with unsaved changes is not warned about');
  // The page's own "← All articles" asks first; cancel stays.
  await page.locator('#edit-back').click();
  const ask = page.locator('#confirm');
  await ask.waitFor();
  assert.match(await ask.textContent(), /Ada perubahan yang belum disimpan/);
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#confirm-no').click();
  assert.ok(await ask.isHidden());
  assert.match(page.url(), /\/edit\/uji\/catatan-lokal-prasvin$/);
  // Leaving anyway: the text is kept in this browser and offered back on reopening.
  await page.locator('#edit-back').click();
  await page.locator('#confirm-yes').click();
  await page.waitForURL(/\/edit$/);
  await page.waitForSelector('#edit-list li');
  await page.goto(`${s.url}/edit/${slug}`);
  await page.waitForFunction(() => document.querySelector('#fm-title')?.value);
  const offer = page.locator('#local-draft');
  await offer.waitFor();
  assert.match(await offer.textContent(), /Ada teks yang belum disimpan untuk artikel ini/);
  assert.equal(await page.locator('#fm-title').inputValue(), 'Catatan prasvin', 'the saved text is shown until restored');
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#local-restore').click();
  assert.equal(await page.locator('#fm-title').inputValue(), 'Catatan prasvin yang diubah');
  assert.match(await page.locator('#md').inputValue(), /zorvikan/);

  // Saved, verified: reviewed becomes today, no review_every is added, and the local draft is gone.
  await page.locator('#verified').check();
  await page.locator('#publish').click();
  await page.getByText(/^Diterbitkan \(revisi \d+\)\.$/).waitFor();
  const today = await page.locator('#fm-reviewed').inputValue();
  assert.notEqual(today, '2026-01-05');
  const file = readFileSync(join(s.dir, 'articles', `${slug}.md`), 'utf8');
  assert.match(file, /zorvikan/);
  assert.match(file, new RegExp(`\nreviewed: ${today}\n`));
  assert.doesNotMatch(file, /review_every/);
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), `solusi.edit.draft:${slug}`), null);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#fm-title')?.value);
  await page.waitForSelector('#preview p');
  assert.ok(await offer.isHidden());
});

pageTest('a new article is saved as a draft, then archived', state, async ({ page, server: s }) => {
  await page.goto(`${s.url}/edit`);
  await signIn(page, editor.token);
  await page.locator('#new-slug').fill('uji/artikel-baru-uji');
  await page.getByRole('button', { name: 'Mulai menulis' }).click();
  await page.waitForURL(/\/edit\/uji\/artikel-baru-uji$/);
  await page.getByText('Artikel baru: belum ada yang disimpan.').waitFor();
  assert.equal(await page.locator('#fm-status').inputValue(), 'draft');

  await page.locator('#save-draft').click();
  await page.getByText('Artikel perlu judul.').waitFor();
  await page.locator('#fm-title').fill('Artikel baru uji');
  await page.locator('#fm-owner').fill('tim-uji');
  await page.locator('#md').fill('## Masalah\n\nIni draf baru.\n');
  await page.locator('#save-draft').click();
  await page.getByText('Draf disimpan (revisi 1).').waitFor();
  await eventually(async () => (await api(s, editor.token, '/v1/articles/uji/artikel-baru-uji')).data.status === 'draft');

  // Archiving asks first; cancel leaves it as it is.
  await page.locator('#archive').click();
  await page.locator('#confirm').waitFor();
  assert.match(await page.locator('#confirm').textContent(), /^Arsipkan artikel ini\?/);
  await page.locator('#confirm-no').click();
  assert.equal((await api(s, editor.token, '/v1/articles/uji/artikel-baru-uji')).data.status, 'draft');
  await page.locator('#archive').click();
  await page.locator('#confirm-yes').click();
  await page.getByText('Diarsipkan (revisi 2).').waitFor();
  assert.equal(await page.locator('#fm-status').inputValue(), 'archived');
  await eventually(async () => (await api(s, editor.token, '/v1/articles/uji/artikel-baru-uji')).data.status === 'archived');
  // An archived article offers Restore (also when opened again).
  assert.ok(await page.locator('#archive').isHidden());
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#fm-title')?.value);
  await page.locator('#restore').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('#restore').click();
  await page.getByText('Artikel dipulihkan dari arsip.').waitFor();
  assert.equal(await page.locator('#fm-status').inputValue(), 'published');
  assert.ok(await page.locator('#restore').isHidden());
  await eventually(async () => (await api(s, editor.token, '/v1/articles/uji/artikel-baru-uji')).data.status === 'published');
});

pageTest('a pending draft opens in the editor under a banner; saving keeps the published text live, publishing replaces it', state, async ({ page, server: s }) => {
  const slug = 'akun/hapus-akun';
  const live = readFileSync(join(repo, 'articles', `${slug}.md`), 'utf8');
  const liveTitle = 'Menghapus akun WarungRaya secara permanen';
  assert.match(live, new RegExp(`title: ${liveTitle}\n`));
  // Another editor saves a draft beside the published article.
  const loaded = await api(s, other.token, `/v1/articles/${slug}`);
  assert.equal(loaded.data.pending_draft, undefined);
  const draft = live
    .replace(`title: ${liveTitle}`, 'title: Menghapus akun WarungRaya (versi baru)')
    .replace('status: published', 'status: draft')
    .concat('\nMasa tunggu kini 30 hari qorvelint.\n');
  const put = await api(s, other.token, `/v1/articles/${slug}`, { method: 'PUT', body: draft, type: 'text/markdown', headers: { 'If-Match': loaded.etag } });
  assert.equal(put.status, 200, JSON.stringify(put.data));
  assert.equal(put.data.draft_copy, true);

  await openEditor(page, s, slug);
  const banner = page.locator('#draft-banner');
  await banner.waitFor();
  assert.equal(
    await banner.textContent(),
    'Anda menyunting draf artikel ini yang menunggu terbit. Teks terbit tetap tampil untuk agen sampai draf ini diterbitkan.',
  );
  // The form holds the draft: its title, status and text.
  assert.equal(await page.locator('#fm-title').inputValue(), 'Menghapus akun WarungRaya (versi baru)');
  assert.equal(await page.locator('#fm-status').inputValue(), 'draft');
  assert.equal(await page.locator('#fm-owner').inputValue(), 'tim-akun');
  assert.match(await page.locator('#md').inputValue(), /qorvelint/);
  assert.doesNotMatch(await page.locator('#md').inputValue(), /^---/);
  await page.locator('#preview').getByText('qorvelint').waitFor();

  // "Save draft" updates the draft; the published text stays as it was.
  await page.locator('#md').fill(`${await page.locator('#md').inputValue()}\nLangkah baru zumbrakel.\n`);
  await page.locator('#save-draft').click();
  await page.getByText(/^Draf disimpan di samping teks terbit \(revisi \d+\); teks terbit tetap berlaku\.$/).waitFor();
  assert.ok(await banner.isVisible());
  const pending = await api(s, editor.token, `/v1/articles/${slug}/draft`);
  assert.equal(pending.status, 200);
  assert.match(pending.data.markdown, /qorvelint[\s\S]*zumbrakel/);
  assert.match(pending.data.markdown, /status: draft/);
  const stillLive = await api(s, editor.token, `/v1/articles/${slug}`);
  assert.equal(stillLive.data.title, liveTitle);
  assert.doesNotMatch(stillLive.data.markdown, /qorvelint|zumbrakel/);
  assert.equal(stillLive.etag, loaded.etag, 'the live file did not change');

  // "Publish" publishes the draft's text (If-Match: the live ETag, which the draft writes left as it was).
  await page.locator('#publish').click();
  await page.getByText(/^Diterbitkan \(revisi \d+\)\.$/).waitFor();
  const revision = Number(/\d+/.exec(await page.locator('#edit-message').textContent())[0]);
  assert.ok(await banner.isHidden());
  assert.equal(await page.locator('#fm-status').inputValue(), 'published');
  const published = await eventually(async () => {
    const r = await api(s, editor.token, `/v1/articles/${slug}`);
    return /zumbrakel/.test(r.data.markdown) && r;
  });
  assert.equal(published.data.title, 'Menghapus akun WarungRaya (versi baru)');
  assert.equal(published.data.status, 'published');
  assert.equal(published.data.pending_draft, undefined);
  assert.equal((await api(s, editor.token, `/v1/articles/${slug}/draft`)).status, 404);

  // The next write goes on from the new ETag (no false conflict).
  await page.locator('#note').fill('sekali lagi');
  await page.locator('#publish').click();
  await page.getByText(`Diterbitkan (revisi ${revision + 1}).`).waitFor();
  await eventually(async () => (await api(s, editor.token, `/v1/articles/${slug}/revisions`)).data.revisions.at(-1)?.note === 'sekali lagi');
});

pageTest('a pending draft: someone publishing in between is a conflict merged with my text; reloading theirs keeps mine to restore', state, async ({ page, server: s }) => {
  const slug = 'akun/ganti-nomor-hp';
  const live = readFileSync(join(repo, 'articles', `${slug}.md`), 'utf8');
  assert.match(live, /status: published/);
  const loaded = await api(s, other.token, `/v1/articles/${slug}`);
  const draft = live.replace('status: published', 'status: review').concat('\nDraf: kalimat plovantir.\n');
  const put = await api(s, other.token, `/v1/articles/${slug}`, { method: 'PUT', body: draft, type: 'text/markdown', headers: { 'If-Match': loaded.etag } });
  assert.equal(put.data.draft_copy, true, JSON.stringify(put.data));

  await openEditor(page, s, slug);
  await page.locator('#draft-banner').waitFor();
  assert.equal(await page.locator('#fm-status').inputValue(), 'review');
  assert.match(await page.locator('#md').inputValue(), /plovantir/);

  // Ani publishes her draft through the API meanwhile.
  const theirs = draft.replace('status: review', 'status: published').replace('Draf: kalimat plovantir.', 'Terbit: kalimat plovantir.');
  const p = await api(s, other.token, `/v1/articles/${slug}?note=terbitkan`, { method: 'PUT', body: theirs, type: 'text/markdown', headers: { 'If-Match': loaded.etag } });
  assert.equal(p.status, 200, JSON.stringify(p.data));

  await page.locator('#md').fill(`${await page.locator('#md').inputValue()}\nPerubahan saya.\n`);
  await page.locator('#save-draft').click();
  await page.locator('#conflict').waitFor();
  assert.match(await page.locator('#conflict .conflict-who').textContent(), /^ani menyimpannya pada/);
  // The difference runs from the draft this page loaded to theirs.
  await page.locator('#conflict-diff').click();
  await page.locator('#diff .diff-line.added').filter({ hasText: 'Terbit: kalimat plovantir.' }).waitFor();
  await page.locator('#diff .diff-line.removed').filter({ hasText: 'Draf: kalimat plovantir.' }).waitFor();

  // The form holds their published text merged with mine.
  await page.waitForFunction(() => document.querySelector('#md').value.includes('Terbit: kalimat plovantir.'));
  assert.match(await page.locator('#md').inputValue(), /Perubahan saya\./);

  // "Reload their version" asks first, and keeps my text in this browser, offered back.
  await page.locator('#conflict-reload').click();
  await page.locator('#confirm').waitFor();
  assert.match(await page.locator('#confirm').textContent(), /Teks Anda tetap tersimpan di browser ini/);
  await page.locator('#confirm-yes').click();
  await page.locator('#local-draft').waitFor();
  assert.doesNotMatch(await page.locator('#md').inputValue(), /Perubahan saya/);
  assert.ok(await page.locator('#draft-banner').isHidden());
  assert.equal(await page.locator('#fm-status').inputValue(), 'published');
  await page.locator('#local-restore').click();
  await page.waitForFunction(() => document.querySelector('#md').value.includes('Perubahan saya.'));
  assert.match(await page.locator('#md').inputValue(), /Terbit: kalimat plovantir\./);
});
