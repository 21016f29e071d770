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
  assert.equal(t('search.count', { n: 1234, ms: 5 }), '1.234 artikel cocok (5 ms)');
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

test('the chart: a bar and a point per day, scaled to the busiest day; the point is the unanswered share', () => {
  // The share is unanswered / judged (searches old enough to judge), not of all searches.
  const days = [
    { day: '2026-11-01', searches: 0, zero_results: 0, judged: 0, unanswered: 0 },
    { day: '2026-11-02', searches: 10, zero_results: 1, judged: 8, unanswered: 4 },
    { day: '2026-11-03', searches: 5, zero_results: 0, judged: 5, unanswered: 5 },
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

test('every reason code of the stale report has a sentence in both languages', async () => {
  // The codes service/reports.cpp lists in reason_order (every reason it gives is ranked there).
  const source = await readFile(join(repo, 'service', 'reports.cpp'), 'utf8');
  const order = source.match(/reason_order\{([^}]*)\}/);
  assert.ok(order, 'reason_order not found in reports.cpp');
  const codes = [...order[1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
  assert.ok(codes.length >= 9, `only ${codes.length} reason codes found in reports.cpp: ${codes}`);
  assert.deepEqual(codes.filter((c) => !format.reasonCodes.includes(c)), [], 'reason codes without a sentence');
  for (const code of format.reasonCodes) for (const lang of ['id', 'en']) assert.ok(dictionaries[lang][`reason_text.${code}`], `${lang} ${code}`);
});

test('reasons as sentences from their code and evidence, in Indonesian and English', async () => {
  const { setLanguage } = await import(join(web, 'assets', 'i18n.js'));
  // setLanguage() relabels the document: a stand-in with nothing to relabel.
  globalThis.document = { documentElement: {}, querySelectorAll: () => [] };
  const say = (reason, lang) => {
    setLanguage(lang, false);
    const s = format.reasonSentence(reason);
    return s && t(s.key, JSON.parse(JSON.stringify(s.args)));
  };
  const reasons = {
    review_overdue: { reviewed: '2020-01-15', review_every_days: 90, review_due: '2020-04-14', days_overdue: 2413 },
    never_reviewed: {},
    expired: { valid_to: '2026-11-01', days_ago: 1 },
    expiring_soon: { valid_to: '2026-11-22', days_left: 0 },
    negative_feedback: { not_helpful: 3, helpful: 1, votes: 4, share: 0.75, since: '2026-06-01' },
    flagged_outdated: { flags: 2, last_flagged: '2026-11-20', since: '2026-10-01' },
    broken_links: { links: [{ slug: 'akun/lama', state: 'archived' }, { slug: 'tidak/ada', state: 'missing' }], files: ['img/x.png'] },
    unused: { days: 90, since: '2026-08-25' },
    losing_to_gap: { events: 4, zero_result_searches: 3, no_confident_suggestions: 1, terms: ['paylater'], examples: ['paylater ditolak', 'x'.repeat(100)] },
    duplicate_suspect: { articles: [{ slug: 'akun/otp', title: 'OTP tidak masuk', similarity: 0.8649, title_similarity: 1, text_similarity: 0.8 }] },
  };
  const id = {};
  const en = {};
  for (const [code, evidence] of Object.entries(reasons)) {
    id[code] = say({ code, evidence, summary: 'server' }, 'id');
    en[code] = say({ code, evidence, summary: 'server' }, 'en');
  }
  const d = (iso, lang) => format.formatDate(iso, lang);
  assert.equal(id.review_overdue, `Tinjauan terlambat 2.413 hari (ditinjau ${d('2020-01-15', 'id')}, setiap 90 hari, jatuh tempo ${d('2020-04-14', 'id')}).`);
  assert.equal(en.review_overdue, `Review overdue by 2,413 days (reviewed ${d('2020-01-15', 'en')}, every 90 days, due ${d('2020-04-14', 'en')}).`);
  assert.equal(id.never_reviewed, 'Belum pernah ditinjau: artikel tidak punya tanggal tinjauan.');
  assert.equal(en.never_reviewed, 'Never reviewed: the article has no reviewed date.');
  assert.equal(en.expired, `Expired 1 day ago (valid until ${d('2026-11-01', 'en')}).`);
  assert.equal(id.expired, `Kedaluwarsa 1 hari lalu (berlaku sampai ${d('2026-11-01', 'id')}).`);
  assert.equal(en.expiring_soon, `Expires today (valid until ${d('2026-11-22', 'en')}).`);
  assert.equal(say({ code: 'expiring_soon', evidence: { valid_to: '2026-12-01', days_left: 9 } }, 'id'), `Kedaluwarsa dalam 9 hari (berlaku sampai ${d('2026-12-01', 'id')}).`);
  assert.equal(id.negative_feedback, `3 dari 4 suara menilai tidak membantu (75%) sejak ${d('2026-06-01', 'id')}.`);
  assert.equal(en.negative_feedback, `3 of 4 votes not helpful (75%) since ${d('2026-06-01', 'en')}.`);
  assert.equal(id.flagged_outdated, `Ditandai usang oleh agen 2 kali sejak ${d('2026-10-01', 'id')} (terakhir ${d('2026-11-20', 'id')}).`);
  assert.equal(en.flagged_outdated, `Marked out of date by agents 2 times since ${d('2026-10-01', 'en')} (last ${d('2026-11-20', 'en')}).`);
  assert.equal(
    say({ code: 'flagged_outdated', evidence: { flags: 1, last_flagged: '2026-11-20', since: '2026-10-01' } }, 'en'),
    `Marked out of date by an agent once since ${d('2026-10-01', 'en')} (last ${d('2026-11-20', 'en')}).`,
  );
  assert.equal(id.broken_links, 'Tautan rusak: akun/lama (diarsipkan), tidak/ada (tidak ada), img/x.png (berkas tidak ada).');
  assert.equal(en.broken_links, 'Broken links: akun/lama (archived), tidak/ada (does not exist), img/x.png (file missing).');
  assert.equal(en.unused, `Unused: no view, search hit, suggestion or resolution in 90 days (since ${d('2026-08-25', 'en')}).`);
  assert.equal(id.losing_to_gap, `4 pencarian atau tiket di sekitar topiknya tidak menemukan apa pun (paylater), mis. “paylater ditolak”, “${'x'.repeat(79)}…”.`);
  assert.equal(en.losing_to_gap, `4 searches or tickets near its topic found nothing (paylater), e.g. “paylater ditolak”, “${'x'.repeat(79)}…”.`);
  assert.equal(id.duplicate_suspect, 'Hampir sama dengan akun/otp “OTP tidak masuk” (kemiripan 86%).');
  assert.equal(en.duplicate_suspect, 'Nearly the same as akun/otp “OTP tidak masuk” (similarity 86%).');
  // No sentence (the page shows the server's summary): an unknown code, evidence missing a field.
  assert.equal(format.reasonSentence({ code: 'obsolete', evidence: { votes: 3 }, summary: 's' }), null);
  assert.equal(format.reasonSentence({ code: 'expired', evidence: { valid_to: '2026-11-01' } }), null);
  assert.equal(format.reasonSentence({ code: 'expired', evidence: { valid_to: '2026-11-01', days_ago: '3' } }), null);
  assert.equal(format.reasonSentence({ code: 'review_overdue' }), null);
  setLanguage('id', false);
  delete globalThis.document;
});

test('the period of the chart and the gap inbox: checked, read from and written to the query string', () => {
  assert.equal(format.periodProblem({ since: '', as_of: '' }), null);
  assert.equal(format.periodProblem({ since: '2026-11-01', as_of: '2026-11-01' }), null);
  assert.equal(format.periodProblem({ since: '2025-11-23', as_of: '2026-11-23' }), null); // 366 days
  assert.deepEqual(format.periodProblem({ since: '2025-11-22', as_of: '2026-11-23' }), { key: 'lead.period_too_long', args: { max: 366 } });
  assert.deepEqual(format.periodProblem({ since: '2026-11-02', as_of: '2026-11-01' }), { key: 'lead.period_order', args: {} });
  for (const bad of ['2026-02-30', '2026-13-01', '26-11-01', '2026-11-1', 'kemarin', '2026-11-01x'])
    assert.deepEqual(format.periodProblem({ since: bad }), { key: 'lead.period_bad_date', args: {} }, bad);
  assert.equal(format.periodProblem({ since: '2024-02-29' }), null);
  assert.deepEqual(format.periodFromQuery('?since=2026-11-01&owner=x'), { since: '2026-11-01', as_of: '' });
  assert.deepEqual(format.periodFromQuery(''), { since: '', as_of: '' });
  assert.equal(format.periodQuery('?owner=x', { since: '2026-11-01', as_of: '2026-11-10' }), '?owner=x&since=2026-11-01&as_of=2026-11-10');
  assert.equal(format.periodQuery('?since=2026-11-01&as_of=2026-11-10', { since: '', as_of: '' }), '');
  assert.equal(format.queryWith('?since=2026-11-01&owner=a', { owner: 'tim b', sort: null, category: '' }), '?since=2026-11-01&owner=tim+b');
});
