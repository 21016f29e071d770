// The editor (`/edit`, `/edit/{slug}`) against the real `solusi serve` with editor tokens: edit and
// publish an article and find the new text by search, the live preview with lint findings, the
// revision history with its diff, a new article saved as a draft and archived, and a conflicting edit
// made through the API by a second token between load and publish; a published article's pending
// draft edited, saved and published from the editor while the published text stays live.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { api, eventually, fixtureArticles, launchBrowser, pageTest, repo, resultSlugs, signIn, startServer } from './harness.mjs';

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
  assert.deepEqual(await page.locator('#nav a').allTextContents(), ['Cari', 'Dasbor', 'Editor']);
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
  await page.locator('#findings .finding').filter({ hasText: "unknown article 'tidak/ada'" }).waitFor();
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

pageTest('a conflicting edit shows who changed it, the difference, and reloads their version', state, async ({ page, server: s }) => {
  const slug = 'uji/klaim-asuransi-lama';
  await openEditor(page, s, slug);
  // Someone else saves the article between load and publish.
  const loaded = await api(s, other.token, `/v1/articles/${slug}`);
  const theirs = fixtureArticles()[slug].replace('2. Teruskan klaim', '2. Cek status polis di portal asuransi.\n3. Teruskan klaim');
  const put = await api(s, other.token, `/v1/articles/${slug}?note=langkah%20polis`, {
    method: 'PUT',
    body: theirs,
    type: 'text/markdown',
    headers: { 'If-Match': loaded.etag },
  });
  assert.equal(put.status, 200, JSON.stringify(put.data));

  await page.locator('#md').fill(`${await page.locator('#md').inputValue()}\nPerubahan saya.\n`);
  await page.locator('#publish').click();
  const conflict = page.locator('#conflict');
  await conflict.waitFor();
  assert.equal(await conflict.locator('h2').textContent(), 'Orang lain telah mengubah artikel ini');
  assert.match(await conflict.locator('.conflict-who').textContent(), /^ani menyimpannya pada \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(revisi 2\)/);
  assert.match(await conflict.textContent(), /langkah polis/);

  await page.locator('#conflict-diff').click();
  await page.locator('#diff .diff-line.added').filter({ hasText: 'Cek status polis' }).waitFor();
  assert.equal(await page.locator('#diff-title').textContent(), 'Perbedaan: revisi 1 → 2');

  await page.locator('#conflict-reload').click();
  await page.waitForFunction(() => document.querySelector('#md').value.includes('Cek status polis'));
  assert.ok(await conflict.isHidden());
  assert.doesNotMatch(await page.locator('#md').inputValue(), /Perubahan saya/);
  // Now the publish goes through, on top of theirs.
  await page.locator('#md').fill(`${await page.locator('#md').inputValue()}\nPerubahan saya.\n`);
  await page.locator('#publish').click();
  await page.getByText('Diterbitkan (revisi 3).').waitFor();
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

  await page.locator('#archive').click();
  await page.getByText('Diarsipkan (revisi 2).').waitFor();
  assert.equal(await page.locator('#fm-status').inputValue(), 'archived');
  await eventually(async () => (await api(s, editor.token, '/v1/articles/uji/artikel-baru-uji')).data.status === 'archived');
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

pageTest('a pending draft: someone publishing in between is a conflict, and reloading shows their text without a banner', state, async ({ page, server: s }) => {
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

  await page.locator('#conflict-reload').click();
  await page.waitForFunction(() => document.querySelector('#md').value.includes('Terbit: kalimat plovantir.'));
  assert.ok(await page.locator('#draft-banner').isHidden());
  assert.equal(await page.locator('#fm-status').inputValue(), 'published');
});
