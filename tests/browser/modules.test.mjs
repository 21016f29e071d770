// The page's pure modules, imported in Node: the two dictionaries, every label the sources use,
// article warnings, snippets, links inside articles and generated ticket ids.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { repo } from './harness.mjs';

const web = join(repo, 'web');
const format = await import(join(web, 'assets', 'format.js'));
const { dictionaries, t } = await import(join(web, 'assets', 'i18n.js'));

async function sources() {
  const out = { 'index.html': await readFile(join(web, 'index.html'), 'utf8') };
  const walk = async (dir, prefix) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.js') && !prefix.startsWith('i18n/')) out[`${prefix}${entry.name}`] = await readFile(path, 'utf8');
    }
  };
  await walk(join(web, 'assets'), '');
  return out;
}

test('the two dictionaries have the same keys, every label non-empty', () => {
  const id = Object.keys(dictionaries.id).sort();
  const en = Object.keys(dictionaries.en).sort();
  assert.deepEqual(en, id);
  for (const [lang, dictionary] of Object.entries(dictionaries))
    for (const [key, value] of Object.entries(dictionary)) {
      const text = typeof value === 'function' ? value({ n: 2, days: 3, date: 'D' }) : value;
      assert.equal(typeof text, 'string', `${lang} ${key}`);
      assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
    }
  // The placeholders of a label are the same in both languages.
  const placeholders = (v) => [...new Set((typeof v === 'function' ? v({ n: 2, days: 3 }) : v).match(/\{\w+\}/g) ?? [])].sort();
  for (const key of id) assert.deepEqual(placeholders(dictionaries.en[key]), placeholders(dictionaries.id[key]), key);
});

test('every label the page uses is in the dictionaries, and every label is used', async () => {
  const files = await sources();
  // Where a label key is given: these must all be in the dictionaries.
  const used = new Set();
  const patterns = [
    /data-i18n(?:-[a-z-]+)?="([\w.-]+)"/g, // index.html
    /i18n: \[?'([\w.-]+)'/g, // h(tag, { i18n: 'key' }) and { i18n: ['key', args] }
    /'(?:aria-label|placeholder|title)': \[?'([\w.-]+)'/g, // i18nAttrs
    /label\([\w.]+, (?:[\w.]+ \? )?'([\w.-]+)'(?: : '([\w.-]+)')?/g, // label(el, 'key'), label(el, c ? 'a' : 'b')
    /(?:key|label): '([\w.-]+)'/g, // tables of labels (feedback buttons, warnings, pages)
    /(?:allOption|item|showSignIn)\((?:\w+ \? )?'([\w.-]+)'/g,
  ];
  for (const text of Object.values(files))
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) for (const key of m.slice(1)) if (key) used.add(key);
  const missing = [...used].filter((key) => !(key in dictionaries.id));
  assert.deepEqual(missing, [], 'labels used but missing from the dictionaries');
  assert.ok(used.size > 80, `only ${used.size} label keys found: the patterns above no longer match the sources`);

  // Every label is written somewhere in the sources (or chosen at run time from a value).
  const literals = new Set();
  for (const text of Object.values(files)) for (const m of text.matchAll(/['"]([\w-]+\.[\w.-]+)['"]/g)) literals.add(m[1]);
  for (const role of ['agent', 'ticket-system', 'editor', 'lead', 'public']) literals.add(`role.${role}`);
  for (const lang of ['id', 'en']) literals.add(`lang.${lang}`);
  for (const audience of ['internal', 'public']) literals.add(`audience.${audience}`);
  literals.add('date');
  const unused = Object.keys(dictionaries.id).filter((key) => !literals.has(key));
  assert.deepEqual(unused, [], 'labels in the dictionaries that nothing uses');
});

test('t() fills placeholders: numbers and dates the language way', () => {
  assert.equal(t('search.none', { q: '<b>x</b>' }), 'Tidak ada artikel untuk “<b>x</b>”.');
  assert.equal(t('search.count', { n: 1234, ms: 5 }), 'Sekitar 1.234 artikel (5 ms)');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(t('warn.expired', { date: { date: '2026-03-05' } }), `Kedaluwarsa sejak ${format.formatDate('2026-03-05', 'id')}: jangan dipakai untuk menjawab.`);
  assert.match(format.formatDate('2026-03-05', 'id'), /^5 Mar 2026$/);
  assert.match(format.formatDate('2026-08-17', 'en'), /^17 Aug 2026$/);
  assert.equal(format.formatDate('not a date', 'en'), 'not a date');
});

test('article warnings', () => {
  const today = '2026-06-15';
  const keys = (a) => format.articleWarnings(a, today).map((w) => w.key);
  const fresh = { status: 'published', reviewed: '2026-05-01', review_due: '2026-07-30' };
  assert.deepEqual(keys(fresh), []);
  assert.deepEqual(keys({ ...fresh, review_due: '2026-06-14' }), ['warn.overdue']);
  assert.deepEqual(format.articleWarnings({ ...fresh, review_due: '2026-06-05' }, today)[0].args.days, 10);
  assert.deepEqual(keys({ ...fresh, review_due: '2026-06-15' }), []); // due today is not overdue yet
  assert.deepEqual(keys({ status: 'published' }), ['warn.never_reviewed']);
  assert.deepEqual(keys({ ...fresh, status: 'draft' }), ['warn.draft']);
  assert.deepEqual(keys({ ...fresh, status: 'review' }), ['warn.review']);
  assert.deepEqual(keys({ ...fresh, status: 'archived', review_due: '2026-01-01' }), ['warn.archived', 'warn.overdue']);
  assert.deepEqual(keys({ ...fresh, valid_to: '2026-06-14' }), ['warn.expired']);
  assert.deepEqual(keys({ ...fresh, valid_to: '2026-07-15' }), ['warn.expiring']);
  assert.equal(format.articleWarnings({ ...fresh, valid_to: '2026-07-15' }, today)[0].args.days, 30);
  assert.deepEqual(keys({ ...fresh, valid_to: '2026-07-16' }), []);
  assert.deepEqual(keys({ ...fresh, publish_at: '2026-06-20' }), ['warn.scheduled']);
  assert.equal(format.isOverdue({ review_due: '2026-06-14' }, today), true);
  assert.equal(format.isOverdue({ review_due: null }, today), false);
});

test('snippets become text and marks, entities decoded, nothing else parsed', () => {
  assert.deepEqual(format.snippetParts('…uang <mark>refund</mark> &amp; <mark>dana</mark> &lt;b&gt;…'), [
    { text: '…uang ', mark: false },
    { text: 'refund', mark: true },
    { text: ' & ', mark: false },
    { text: 'dana', mark: true },
    { text: ' <b>…', mark: false },
  ]);
  assert.deepEqual(format.snippetParts('a &quot;b&quot; &#39;c&#39; &#x41;'), [{ text: `a "b" 'c' A`, mark: false }]);
  assert.deepEqual(format.snippetParts('<img src=x onerror=alert(1)>'), [{ text: '<img src=x onerror=alert(1)>', mark: false }]);
  assert.deepEqual(format.snippetParts(''), []);
});

test('links inside articles', () => {
  const from = 'akun/otp-tidak-masuk';
  assert.deepEqual(format.resolveLink('../pembayaran/refund-belum-masuk.md', from), { kind: 'article', slug: 'pembayaran/refund-belum-masuk' });
  assert.deepEqual(format.resolveLink('reset-kata-sandi.md', from), { kind: 'article', slug: 'akun/reset-kata-sandi' });
  assert.deepEqual(format.resolveLink('https://kurir.example/x?y=1', from), { kind: 'external', url: 'https://kurir.example/x?y=1' });
  assert.deepEqual(format.resolveLink('mailto:cs@example.co.id', from), { kind: 'external', url: 'mailto:cs@example.co.id' });
  assert.equal(format.resolveLink('javascript:alert(1)', from), null);
  assert.equal(format.resolveLink('JaVaScRiPt:alert(1)', from), null);
  assert.equal(format.resolveLink('data:text/html,x', from), null);
  assert.equal(format.resolveLink('../images/struk.png', from), null); // files of the articles folder are not served
  assert.equal(format.resolveLink('', from), null);
  assert.equal(format.articleHref('akun/otp-tidak-masuk', 'kode otp'), '/?q=kode%20otp&a=akun/otp-tidak-masuk');
  assert.equal(format.articleHref('akun/otp-tidak-masuk'), '/?a=akun/otp-tidak-masuk');
});

test('generated ticket ids: "web-" and 12 random base-36 characters', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const id = format.generatedTicketId((bytes) => webcrypto.getRandomValues(bytes));
    assert.match(id, /^web-[0-9a-z]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
  assert.equal(format.generatedTicketId((bytes) => bytes.fill(37)), 'web-111111111111');
  assert.equal(format.percent(0.456), 46);
  assert.equal(format.percent(1.7), 100);
  assert.equal(format.percent(undefined), 0);
});

test('the stale report sorted by impact, days overdue, owner and title', () => {
  const overdue = (days) => ({ code: 'review_overdue', evidence: { days_overdue: days } });
  const rows = [
    { rank: 1, impact: 9, owner: 'tim-b', title: 'Zebra', reasons: [overdue(3)] },
    { rank: 2, impact: 4, owner: 'tim-a', title: 'apel', reasons: [{ code: 'unused', evidence: {} }] },
    { rank: 3, impact: 4, owner: 'tim-a', title: 'Mangga', reasons: [overdue(40)] },
  ];
  const ranks = (sort) => format.sortStale(rows, sort).map((r) => r.rank);
  assert.deepEqual(ranks('impact'), [1, 2, 3]);
  assert.deepEqual(ranks('overdue'), [3, 1, 2]);
  assert.deepEqual(ranks('owner'), [2, 3, 1]);
  assert.deepEqual(ranks('title'), [2, 3, 1]);
  assert.deepEqual(ranks('nonsense'), [1, 2, 3]);
  assert.deepEqual(rows.map((r) => r.rank), [1, 2, 3], 'the rows themselves are not reordered');
  assert.equal(format.daysOverdue(rows[1]), 0);
});

test('evidence as text', () => {
  assert.equal(format.evidenceText(187), '187');
  assert.equal(format.evidenceText(0.42857), '0.43');
  assert.equal(format.evidenceText([]), '–');
  assert.equal(format.evidenceText(null), '–');
  assert.equal(
    format.evidenceText([{ slug: 'a/b', state: 'archived' }, { state: 'missing', slug: 'c' }]),
    'a/b (state: archived), c (state: missing)',
  );
  assert.equal(format.evidenceText(['paylater ditolak', '<b>x</b>']), 'paylater ditolak, <b>x</b>');
});

test('the chart: a bar and a point per day, scaled to the busiest day', () => {
  const days = [
    { day: '2026-11-01', searches: 0, zero_results: 0 },
    { day: '2026-11-02', searches: 10, zero_results: 5 },
    { day: '2026-11-03', searches: 5, zero_results: 5 },
  ];
  const g = format.chartGeometry(days, 130, 120, 5);
  assert.equal(g.max, 10);
  assert.deepEqual(g.bars.map((b) => b.height), [0, 110, 55]);
  assert.deepEqual(g.bars.map((b) => b.y), [115, 5, 60]);
  assert.deepEqual(g.points.map((p) => p.share), [0, 0.5, 1]);
  assert.deepEqual(g.points.map((p) => p.y), [115, 60, 5]);
  assert.deepEqual(g.points.map((p) => p.x), [25, 65, 105]);
  assert.equal(format.chartGeometry([], 100, 100).bars.length, 0);
});

test('the editor form and the front matter it sends', () => {
  const article = {
    title: 'Refund',
    tags: ['refund', 'bank'],
    category: 'pembayaran',
    owner: 'tim-pembayaran',
    reviewed: '2026-11-01',
    review_every_days: 90,
    audience: 'public',
    status: 'published',
    lang: 'id',
  };
  const values = format.formValues(article);
  assert.equal(values.tags, 'refund, bank');
  assert.equal(values.review_every, '90d');
  assert.equal(values.valid_to, '');
  assert.deepEqual(format.frontMatter({ ...values, tags: ' refund , ,ewallet ', valid_to: '2027-01-31' }, { sla: '2d', owner: 'old' }), {
    sla: '2d',
    title: 'Refund',
    tags: ['refund', 'ewallet'],
    category: 'pembayaran',
    owner: 'tim-pembayaran',
    reviewed: '2026-11-01',
    review_every: '90d',
    audience: 'public',
    status: 'published',
    valid_to: '2027-01-31',
    lang: 'id',
  });
  assert.deepEqual(format.frontMatter({ title: 'x', tags: '' }, { tags: ['old'] }), { title: 'x' });
  assert.equal(format.formatTime(1795379779), '2026-11-22 20:36 UTC');
  assert.equal(format.editHref('akun/otp tidak'), '/edit/akun/otp%20tidak');
});
