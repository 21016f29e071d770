// Pure helpers of the page (no DOM, no storage): dates, article warnings, links inside articles,
// snippets, ticket ids. The browser tests import this module in Node too.

const locales = { id: 'id-ID', en: 'en-GB' };
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/// "2026-08-01" as "1 Agu 2026" (id) or "1 Aug 2026" (en); anything else unchanged.
export function formatDate(iso, lang) {
  const m = isoDate.exec(iso ?? '');
  if (!m) return String(iso ?? '');
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locales[lang] ?? locales.id, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

export function formatNumber(n, lang) {
  return new Intl.NumberFormat(locales[lang] ?? locales.id).format(n);
}

/// Today's date where the agent is, as YYYY-MM-DD.
export function todayIso(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/// Whole days from @p from to @p to (both YYYY-MM-DD); positive when @p to is later.
export function daysBetween(from, to) {
  const day = (iso) => {
    const m = isoDate.exec(iso);
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86400000;
  };
  return Math.round(day(to) - day(from));
}

/// Days before valid_to from which an article is "expiring soon".
export const expiringSoonDays = 30;

/// What an agent must know before using an article, most serious first: each {key, args} names a
/// label. @p article has the fields of GET /v1/articles/{slug} (status, reviewed, review_due,
/// publish_at, valid_to); @p today is YYYY-MM-DD.
export function articleWarnings(article, today) {
  const out = [];
  const status = article.status ?? 'published';
  if (status === 'draft') out.push({ key: 'warn.draft' });
  else if (status === 'review') out.push({ key: 'warn.review' });
  else if (status === 'archived') out.push({ key: 'warn.archived' });
  if (article.valid_to && isoDate.test(article.valid_to)) {
    const left = daysBetween(today, article.valid_to);
    if (left < 0) out.push({ key: 'warn.expired', args: { date: { date: article.valid_to } } });
    else if (left <= expiringSoonDays)
      out.push({ key: 'warn.expiring', args: { date: { date: article.valid_to }, days: left } });
  }
  if (article.publish_at && isoDate.test(article.publish_at) && article.publish_at > today)
    out.push({ key: 'warn.scheduled', args: { date: { date: article.publish_at } } });
  if (!article.reviewed) {
    out.push({ key: 'warn.never_reviewed' });
  } else if (article.review_due && isoDate.test(article.review_due) && article.review_due < today) {
    out.push({
      key: 'warn.overdue',
      args: { date: { date: article.review_due }, days: daysBetween(article.review_due, today) },
    });
  }
  return out;
}

/// True when the article's review date has passed (the result list marks it).
export function isOverdue(hit, today) {
  return Boolean(hit.review_due && isoDate.test(hit.review_due) && hit.review_due < today);
}

/// The page's address of an article (and of the query that found it): "/?q=refund&a=akun/otp".
export function articleHref(slug, query = '') {
  const q = query ? `q=${encodeURIComponent(query)}&` : '';
  return `/?${q}a=${slug.split('/').map(encodeURIComponent).join('/')}`;
}

const linkBase = 'https://articles.invalid/';

/// Where a link inside an article points: another article ({kind: 'article', slug}, from a relative
/// link to its .md file), a web or mail address ({kind: 'external', url}), or nowhere (null: files of
/// the articles folder are not served, and other schemes are not followed).
export function resolveLink(href, fromSlug) {
  if (!href) return null;
  let url;
  try {
    url = new URL(href, linkBase + fromSlug);
  } catch {
    return null;
  }
  if (url.href.startsWith(linkBase)) {
    let path;
    try {
      path = decodeURIComponent(url.pathname.slice(1));
    } catch {
      return null;
    }
    return /\.md$/i.test(path) ? { kind: 'article', slug: path.replace(/\.md$/i, '') } : null;
  }
  if (['http:', 'https:', 'mailto:'].includes(url.protocol)) return { kind: 'external', url: url.href };
  return null;
}

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return entities[name.toLowerCase()] ?? whole;
  });
}

/// A snippet of the search API (text HTML-escaped, matches in <mark>…</mark>) as pieces of plain text
/// [{text, mark}], so the page builds it from text nodes and never parses it as HTML. Any other '<' is
/// kept as text.
export function snippetParts(snippet) {
  const parts = [];
  let mark = false;
  let at = 0;
  const push = (raw) => {
    if (raw) parts.push({ text: decodeEntities(raw), mark });
  };
  for (const m of String(snippet ?? '').matchAll(/<(\/?)mark>/g)) {
    push(snippet.slice(at, m.index));
    mark = m[1] !== '/';
    at = m.index + m[0].length;
  }
  push(String(snippet ?? '').slice(at));
  return parts;
}

/// A ticket id for feedback from the page when the agent gave none: "web-" and 12 random base-36
/// characters drawn from @p randomBytes (a function filling a Uint8Array).
export function generatedTicketId(randomBytes) {
  const bytes = new Uint8Array(12);
  randomBytes(bytes);
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  return `web-${Array.from(bytes, (b) => alphabet[b % 36]).join('')}`;
}

/// A confidence 0–1 as a whole percentage.
export function percent(confidence) {
  return Math.round(Math.max(0, Math.min(1, Number(confidence) || 0)) * 100);
}

// ---- the lead's dashboard ---------------------------------------------------------------------

/// Days a stale report row's review is overdue (0 when that is not one of its reasons).
export function daysOverdue(entry) {
  const reason = (entry.reasons ?? []).find((r) => r.code === 'review_overdue');
  return Number(reason?.evidence?.days_overdue ?? 0);
}

/// How the stale report's rows can be sorted: each compares two rows (ties keep the report's rank).
export const staleSorts = {
  impact: (a, b) => b.impact - a.impact || a.rank - b.rank,
  overdue: (a, b) => daysOverdue(b) - daysOverdue(a) || a.rank - b.rank,
  owner: (a, b) => a.owner.localeCompare(b.owner) || a.rank - b.rank,
  title: (a, b) => a.title.localeCompare(b.title) || a.rank - b.rank,
};

/// The rows of a stale report sorted by @p sort (a key of staleSorts), as a new array.
export function sortStale(entries, sort) {
  return [...entries].sort(staleSorts[sort] ?? staleSorts.impact);
}

/// A value of a reason's evidence as plain text: lists joined with ", ", objects as their slug (or
/// first value) with the rest in brackets ({slug: "a/b", state: "archived"} → "a/b (archived)").
export function evidenceText(value) {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.length ? value.map(evidenceText).join(', ') : '–';
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    const named = entries.find(([k]) => k === 'slug') ?? entries[0];
    if (!named) return '–';
    const rest = entries.filter((e) => e !== named).map(([k, v]) => `${k}: ${evidenceText(v)}`);
    return rest.length ? `${evidenceText(named[1])} (${rest.join(', ')})` : evidenceText(named[1]);
  }
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Math.round(value * 100) / 100);
  return String(value);
}

/// The sentence of each reason code of the stale report (service/reports.cpp): its label and the
/// evidence it needs. Dates become {date} arguments (written the language's way).
const reasonSentences = {
  review_overdue: { key: 'reason_text.review_overdue', fields: ['days_overdue', 'reviewed', 'review_every_days', 'review_due'] },
  never_reviewed: { key: 'reason_text.never_reviewed', fields: [] },
  expired: { key: 'reason_text.expired', fields: ['days_ago', 'valid_to'] },
  expiring_soon: { key: 'reason_text.expiring_soon', fields: ['days_left', 'valid_to'] },
  negative_feedback: { key: 'reason_text.negative_feedback', fields: ['not_helpful', 'votes', 'share', 'since'] },
  flagged_outdated: { key: 'reason_text.flagged_outdated', fields: ['flags', 'last_flagged', 'since'] },
  broken_links: { key: 'reason_text.broken_links', fields: ['links', 'files'] },
  unused: { key: 'reason_text.unused', fields: ['days', 'since'] },
  losing_to_gap: { key: 'reason_text.losing_to_gap', fields: ['events', 'terms', 'examples'] },
  duplicate_suspect: { key: 'reason_text.duplicate_suspect', fields: ['articles'] },
};

/// The reason codes the page writes a sentence for.
export const reasonCodes = Object.keys(reasonSentences);

const reasonDates = new Set(['reviewed', 'review_due', 'valid_to', 'since', 'last_flagged']);

/// Longest example wording quoted in a sentence (the evidence keeps them whole).
const exampleChars = 80;

/// A stale report reason as {key, args} of its sentence in the page's language, from its code and
/// evidence; null for a code the page does not know or evidence without a field the sentence needs
/// (the server's English summary is shown then). Lists keep only what the sentence shows.
export function reasonSentence(reason) {
  const sentence = reasonSentences[reason?.code];
  const evidence = reason?.evidence;
  if (!sentence || !evidence || typeof evidence !== 'object') return null;
  const args = {};
  for (const field of sentence.fields) {
    const value = evidence[field];
    if (value === undefined || value === null) return null;
    if (reasonDates.has(field)) {
      if (typeof value !== 'string') return null;
      args[field] = { date: value };
    } else if (['links', 'files', 'terms', 'examples', 'articles'].includes(field)) {
      if (!Array.isArray(value)) return null;
      args[field] = value;
    } else {
      if (typeof value !== 'number') return null;
      args[field] = value;
    }
  }
  if (reason.code === 'negative_feedback') args.share = Math.round(args.share * 100);
  if (reason.code === 'broken_links')
    args.links = args.links.map((l) => ({ slug: String(l?.slug ?? ''), state: String(l?.state ?? '') }));
  if (reason.code === 'losing_to_gap')
    args.examples = args.examples.map((x) => {
      const text = String(x);
      return text.length > exampleChars ? `${text.slice(0, exampleChars - 1)}…` : text;
    });
  if (reason.code === 'duplicate_suspect')
    args.articles = args.articles.map((a) => ({
      slug: String(a?.slug ?? ''),
      title: String(a?.title ?? ''),
      similarity: Math.round(Number(a?.similarity ?? 0) * 100),
    }));
  return { key: sentence.key, args };
}

/// The longest period the chart and the gap inbox show at once, in days (GET /v1/reports/searches).
export const maxPeriodDays = 366;

/// True for a real calendar date written YYYY-MM-DD.
export function isIsoDate(text) {
  const m = isoDate.exec(String(text ?? ''));
  if (!m || m[0] !== text) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/// The period of the lead's chart and gap inbox ({since, as_of}: YYYY-MM-DD or '' for the server's
/// default, the 30 days up to today) checked: null when it is fine, else the {key, args} of the
/// problem (a date that is not one, "since" after "as_of", longer than maxPeriodDays).
export function periodProblem({ since = '', as_of: asOf = '' }) {
  if ((since && !isIsoDate(since)) || (asOf && !isIsoDate(asOf))) return { key: 'lead.period_bad_date', args: {} };
  if (since && asOf) {
    const days = daysBetween(since, asOf);
    if (days < 0) return { key: 'lead.period_order', args: {} };
    if (days >= maxPeriodDays) return { key: 'lead.period_too_long', args: { max: maxPeriodDays } };
  }
  return null;
}

/// The period kept in the page's query string (?since=…&as_of=…): {since, as_of}, '' for a value not
/// given.
export function periodFromQuery(search) {
  const query = new URLSearchParams(search);
  return { since: query.get('since') ?? '', as_of: query.get('as_of') ?? '' };
}

/// @p search (a query string) with the period set in it (a value '' removed), other parameters kept.
export function periodQuery(search, period) {
  return queryWith(search, { since: period.since, as_of: period.as_of });
}

/// @p search (a query string) with each parameter of @p values set (or removed when '', null or
/// undefined), the others kept: "?a=1" or "".
export function queryWith(search, values) {
  const query = new URLSearchParams(search);
  for (const [name, value] of Object.entries(values))
    if (value !== '' && value !== null && value !== undefined) query.set(name, value);
    else query.delete(name);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/// Where each day of GET /v1/reports/searches goes in a chart @p width × @p height (with @p pad around
/// the plot): a bar of the day's searches (scaled to the busiest day) and a point of its unanswered
/// share (unanswered / judged: found nothing or nothing opened from it; 0–100 %, bottom to top).
/// Returns {max, bars: [{x, y, width, height}], points: [{x, y, share}]}.
export function chartGeometry(days, width, height, pad = 8) {
  const n = days.length;
  const max = Math.max(1, ...days.map((d) => d.searches));
  const plotW = width - 2 * pad;
  const plotH = height - 2 * pad;
  const step = n ? plotW / n : 0;
  const bars = [];
  const points = [];
  days.forEach((d, i) => {
    const h = (d.searches / max) * plotH;
    const x = pad + i * step;
    bars.push({ x: round(x + step * 0.15), y: round(pad + plotH - h), width: round(step * 0.7), height: round(h) });
    const share = unansweredShare(d);
    points.push({ x: round(x + step / 2), y: round(pad + plotH - share * plotH), share });
  });
  return { max, bars, points };
}

/// The share of @p d's judged searches (or of a whole period's: the same fields summed) that went
/// unanswered: found nothing, or nothing was opened from them. 0 when none was judged yet.
export function unansweredShare(d) {
  return d.judged ? d.unanswered / d.judged : 0;
}

function round(n) {
  return Math.round(n * 10) / 10;
}

// ---- the editor -------------------------------------------------------------------------------

/// The front matter fields the editor shows, in order.
export const frontMatterFields = [
  'title',
  'tags',
  'category',
  'owner',
  'reviewed',
  'review_every',
  'audience',
  'status',
  'publish_at',
  'valid_to',
  'lang',
];

/// The form's values of an article of GET /v1/articles/{slug} (all strings; tags comma-separated).
export function formValues(article) {
  return {
    title: article.title ?? '',
    tags: (article.tags ?? []).join(', '),
    category: article.category ?? '',
    owner: article.owner ?? '',
    reviewed: article.reviewed ?? '',
    // Only an interval the file sets itself: the configured default is not written into the file.
    review_every: article.review_every_days && article.review_every_set !== false ? `${article.review_every_days}d` : '',
    audience: article.audience ?? 'internal',
    status: article.status ?? 'published',
    publish_at: article.publish_at ?? '',
    valid_to: article.valid_to ?? '',
    lang: article.lang ?? 'id',
  };
}

/// The front_matter object of PUT /v1/articles/{slug} from the form's @p values: keys the article had
/// beyond the form (@p extra) kept, empty fields left out, tags split on commas.
export function frontMatter(values, extra = {}) {
  const out = { ...extra };
  for (const name of frontMatterFields) {
    const value = String(values[name] ?? '').trim();
    if (name === 'tags') {
      const tags = value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      if (tags.length) out.tags = tags;
      else delete out.tags;
    } else if (value) {
      out[name] = value;
    } else {
      delete out[name];
    }
  }
  return out;
}

/// A revision's time (Unix seconds) as "YYYY-MM-DD HH:MM" UTC.
export function formatTime(unixSeconds) {
  const d = new Date(Number(unixSeconds) * 1000);
  if (Number.isNaN(d.getTime())) return String(unixSeconds);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/// The page's address of the editor for @p slug.
export function editHref(slug) {
  return `/edit/${slug.split('/').map(encodeURIComponent).join('/')}`;
}
