// The agent's page (`/`): search as you type, the article beside the list, copy buttons, feedback, and
// the "paste ticket" mode (POST /v1/suggest). Keyboard: `/` focuses the search box, ↓/↑ move through
// the list, Enter opens, Esc goes back to the box.
import { ApiError, articlePath, newTicketId, request, sessionTicketId } from '../api.js';
import { append, articleContent, copyText, h, isEditable, snippet } from '../dom.js';
import { articleHref, articleWarnings, isOverdue, percent, todayIso } from '../format.js';
import { dateArg, label } from '../i18n.js';

/// Quiet time after the last keystroke before searching (ms).
export const debounceMs = 150;
const resultLimit = 10;
const tagOptions = 30;

/// Feedback buttons and the kind each sends: "outdated" is a kind of its own, which the stale report
/// shows as the reason flagged_outdated.
const feedbackKinds = [
  { id: 'helpful', kind: 'helpful', key: 'feedback.helpful' },
  { id: 'not_helpful', kind: 'not_helpful', key: 'feedback.not_helpful' },
  { id: 'outdated', kind: 'outdated', key: 'feedback.outdated' },
];

export function render(main, session) {
  const page = new SearchPage(main, session);
  return () => page.destroy();
}

class SearchPage {
  constructor(main, session) {
    this.main = main;
    this.can = session.can;
    this.searchSeq = 0;
    this.searchId = null; // the id of the search whose results are shown (GET /v1/search)
    this.searchController = null;
    this.timer = 0;
    this.articleSeq = 0;
    this.articleController = null;
    this.suggestSeq = 0;
    this.current = null; // {slug, from: 'search' | 'ticket'}
    this.ticket = null; // the pasted ticket: {id}
    this.selection = '';
    this.lastQuery = null;
    this.build();
    this.listen();
    this.restore();
  }

  destroy() {
    clearTimeout(this.timer);
    this.searchController?.abort();
    this.articleController?.abort();
    document.removeEventListener('keydown', this.onKey);
    document.removeEventListener('selectionchange', this.onSelection);
    window.removeEventListener('popstate', this.onPopState);
  }

  // ----------------------------------------------------------------------------------------------
  // Building the page

  build() {
    const ticketMode = this.can.has('suggest');
    this.q = h('input', {
      id: 'q',
      type: 'search',
      autocomplete: 'off',
      spellcheck: 'false',
      enterkeyhint: 'search',
      'aria-describedby': 'search-hint',
      'aria-controls': 'results',
      autofocus: true,
    });
    this.category = h('select', { id: 'f-category' }, this.allOption('search.all_categories'));
    this.tag = h('select', { id: 'f-tag' }, this.allOption('search.all_tags'));
    this.lang = h(
      'select',
      { id: 'f-lang' },
      this.allOption('search.all_languages'),
      h('option', { value: 'id', i18n: 'lang.id' }),
      h('option', { value: 'en', i18n: 'lang.en' }),
    );
    this.searchStatus = h('div', { id: 'search-status', class: 'status', role: 'status', 'aria-live': 'polite' });
    this.results = h('ol', { id: 'results', class: 'results', i18nAttrs: { 'aria-label': 'search.results' } });
    this.searchForm = h(
      'form',
      { class: 'searchbar', role: 'search' },
      h('label', { for: 'q', class: 'searchbar-label', i18n: 'search.label' }),
      this.q,
      h('p', { id: 'search-hint', class: 'hint', i18n: 'search.hint' }),
      h(
        'div',
        { class: 'filters' },
        h('label', { class: 'filter' }, h('span', { i18n: 'search.category' }), this.category),
        h('label', { class: 'filter' }, h('span', { i18n: 'search.tag' }), this.tag),
        h('label', { class: 'filter' }, h('span', { i18n: 'search.article_language' }), this.lang),
      ),
    );
    this.searchPanel = h(
      'section',
      { id: 'panel-search', class: 'panel', role: ticketMode ? 'tabpanel' : null, 'aria-labelledby': ticketMode ? 'tab-search' : null },
      this.searchForm,
      this.searchStatus,
      this.results,
    );

    let tabs = null;
    this.ticketPanel = null;
    if (ticketMode) {
      this.tabSearch = h('button', {
        id: 'tab-search',
        type: 'button',
        role: 'tab',
        'aria-controls': 'panel-search',
        i18n: 'mode.search',
      });
      this.tabTicket = h('button', {
        id: 'tab-ticket',
        type: 'button',
        role: 'tab',
        'aria-controls': 'panel-ticket',
        i18n: 'mode.ticket',
      });
      tabs = h('div', { class: 'modes', role: 'tablist', i18nAttrs: { 'aria-label': 'mode.label' } }, this.tabSearch, this.tabTicket);
      this.ticketPanel = this.buildTicketPanel();
    }

    this.article = h(
      'article',
      { id: 'article', class: 'pane-article', 'aria-labelledby': 'article-title' },
      h('p', { class: 'placeholder', i18n: 'article.empty' }),
    );
    this.workspace = h(
      'div',
      { class: 'workspace' },
      h('div', { class: 'pane-list' }, h('h1', { class: 'visually-hidden', i18n: 'search.heading' }), tabs, this.searchPanel, this.ticketPanel),
      this.article,
    );
    this.main.replaceChildren(this.workspace);
    if (ticketMode) this.setMode('search', false);
  }

  allOption(key) {
    return h('option', { value: '', i18n: key });
  }

  buildTicketPanel() {
    this.ticketId = h('input', { id: 'ticket-id', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'ticket-id-hint' });
    this.ticketSubject = h('input', { id: 'ticket-subject', type: 'text', autocomplete: 'off' });
    this.ticketBody = h('textarea', { id: 'ticket-body', rows: '8', required: true });
    this.ticketStatus = h('div', { id: 'ticket-status', class: 'status', role: 'status', 'aria-live': 'polite' });
    this.ticketSummary = h('div', { id: 'ticket-summary', class: 'ticket-summary' });
    this.suggestions = h('ol', { id: 'suggestions', class: 'results', i18nAttrs: { 'aria-label': 'ticket.suggestions' } });
    this.ticketForm = h(
      'form',
      { class: 'ticket-form' },
      h('label', { for: 'ticket-body', i18n: 'ticket.body' }),
      this.ticketBody,
      h(
        'div',
        { class: 'ticket-fields' },
        h('div', { class: 'field' }, h('label', { for: 'ticket-subject', i18n: 'ticket.subject' }), this.ticketSubject),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'ticket-id', i18n: 'ticket.id' }),
          this.ticketId,
          h('p', { id: 'ticket-id-hint', class: 'hint', i18n: 'ticket.id_hint' }),
        ),
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { class: 'button primary', type: 'submit', i18n: 'ticket.submit' }),
        h('button', { class: 'button', type: 'button', id: 'ticket-clear', i18n: 'ticket.clear', on: { click: () => this.clearTicket() } }),
      ),
    );
    return h(
      'section',
      { id: 'panel-ticket', class: 'panel', role: 'tabpanel', 'aria-labelledby': 'tab-ticket' },
      this.ticketForm,
      this.ticketStatus,
      this.ticketSummary,
      this.suggestions,
    );
  }

  // ----------------------------------------------------------------------------------------------
  // Events

  listen() {
    this.q.addEventListener('input', () => this.scheduleSearch());
    this.q.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown' && this.focusResult(this.results, 0)) event.preventDefault();
    });
    this.searchForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.searchNow();
    });
    for (const select of [this.category, this.tag, this.lang]) select.addEventListener('change', () => this.searchNow());
    for (const list of [this.results, this.suggestions].filter(Boolean)) {
      list.addEventListener('keydown', (event) => this.listKey(event, list));
      list.addEventListener('click', (event) => this.linkClick(event, list === this.results ? 'search' : 'ticket'));
    }
    this.searchStatus.addEventListener('click', (event) => {
      const link = event.target.closest('a.did-you-mean');
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      this.q.value = link.dataset.query;
      this.searchNow();
      this.q.focus();
    });
    if (this.ticketPanel) {
      this.tabSearch.addEventListener('click', () => this.setMode('search'));
      this.tabTicket.addEventListener('click', () => this.setMode('ticket'));
      for (const tab of [this.tabSearch, this.tabTicket])
        tab.addEventListener('keydown', (event) => {
          if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
          event.preventDefault();
          const other = tab === this.tabSearch ? this.tabTicket : this.tabSearch;
          this.setMode(other === this.tabSearch ? 'search' : 'ticket', false);
          other.focus();
        });
      this.ticketStatus.addEventListener('click', (event) => this.linkClick(event, 'ticket'));
      this.ticketForm.addEventListener('submit', (event) => {
        event.preventDefault();
        this.suggest();
      });
    }
    this.article.addEventListener('click', (event) => this.linkClick(event, this.current?.from ?? 'search'));
    this.onKey = (event) => this.globalKey(event);
    this.onSelection = () => this.trackSelection();
    this.onPopState = () => this.restore(false);
    document.addEventListener('keydown', this.onKey);
    document.addEventListener('selectionchange', this.onSelection);
    window.addEventListener('popstate', this.onPopState);
  }

  globalKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '/' && !isEditable(document.activeElement)) {
      event.preventDefault();
      if (this.mode === 'ticket') this.setMode('search', false);
      this.q.focus();
      this.q.select();
    } else if (event.key === 'Escape') {
      const box = this.mode === 'ticket' ? this.ticketBody : this.q;
      if (document.activeElement === box) return; // the search box's own Esc clears it
      event.preventDefault();
      this.workspace.classList.remove('reading');
      box.focus();
    }
  }

  /// ↓/↑ (and Home/End) between the links of a result list; ↑ on the first goes back to the box.
  listKey(event, list) {
    const links = [...list.querySelectorAll('a.result')];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    let next = null;
    if (event.key === 'ArrowDown') next = Math.min(at + 1, links.length - 1);
    else if (event.key === 'ArrowUp') next = at - 1;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = links.length - 1;
    else return;
    event.preventDefault();
    if (next < 0) (list === this.results ? this.q : this.ticketBody).focus();
    else links[next].focus();
  }

  focusResult(list, index) {
    const link = list.querySelectorAll('a.result')[index];
    if (!link) return false;
    link.focus();
    return true;
  }

  /// A plain click on a link to an article opens it beside the list (other clicks: a new tab).
  linkClick(event, from) {
    const link = event.target.closest('a[data-slug]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    // A result of the current search carries its id: the view counts as a click on that search.
    const searchId = this.results.contains(link) ? this.searchId : null;
    this.openArticle(link.dataset.slug, { from, searchId });
  }

  setMode(mode, focus = true) {
    if (!this.ticketPanel) return;
    this.mode = mode;
    const ticket = mode === 'ticket';
    this.tabSearch.setAttribute('aria-selected', String(!ticket));
    this.tabTicket.setAttribute('aria-selected', String(ticket));
    this.tabSearch.tabIndex = ticket ? -1 : 0;
    this.tabTicket.tabIndex = ticket ? 0 : -1;
    this.searchPanel.hidden = ticket;
    this.ticketPanel.hidden = !ticket;
    if (focus) (ticket ? this.ticketBody : this.q).focus();
  }

  trackSelection() {
    const body = this.article.querySelector('.article-body');
    const selection = document.getSelection();
    if (!body || !selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (body.contains(range.commonAncestorContainer)) this.selection = selection.toString().trim();
  }

  // ----------------------------------------------------------------------------------------------
  // The address: ?q=…&a=slug

  restore(initial = true) {
    const params = new URLSearchParams(location.search);
    const q = params.get('q') ?? '';
    const slug = params.get('a');
    if (initial || q !== this.q.value) {
      this.q.value = q;
      if (q.trim()) this.searchNow();
    }
    if (slug) {
      if (slug !== this.current?.slug) this.openArticle(slug, { from: 'search', push: false, focus: !initial });
    } else if (!initial) {
      this.closeArticle();
    }
    if (initial) this.q.focus();
  }

  updateAddress(push) {
    const params = new URLSearchParams();
    if (this.q.value.trim()) params.set('q', this.q.value.trim());
    if (this.current) params.set('a', this.current.slug);
    const text = params.toString().replace(/%2F/g, '/');
    const url = text ? `/?${text}` : '/';
    if (url === `${location.pathname}${location.search}`) return;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  // ----------------------------------------------------------------------------------------------
  // Searching

  scheduleSearch() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), debounceMs);
  }

  searchNow() {
    clearTimeout(this.timer);
    this.search();
  }

  /// Runs the box's query. Only the latest answer is shown: an earlier request still in flight is
  /// aborted, and an answer for anything but the latest request is dropped.
  async search() {
    const q = this.q.value.trim();
    const filters = { category: this.category.value, tag: this.tag.value, lang: this.lang.value };
    const key = JSON.stringify([q, filters]);
    if (key === this.lastQuery) return;
    this.lastQuery = key;
    const seq = ++this.searchSeq;
    this.searchId = null;
    this.searchController?.abort();
    this.searchController = null;
    if (!q) {
      this.results.replaceChildren();
      this.searchStatus.replaceChildren();
      this.results.removeAttribute('aria-busy');
      this.updateAddress(false);
      return;
    }
    const controller = new AbortController();
    this.searchController = controller;
    this.results.setAttribute('aria-busy', 'true');
    try {
      const { data } = await request('/v1/search', {
        params: { q, limit: resultLimit, ...filters },
        signal: controller.signal,
      });
      if (seq !== this.searchSeq) return;
      this.showResults(data, q, filters);
    } catch (error) {
      if (seq !== this.searchSeq || error.name === 'AbortError') return;
      this.lastQuery = null;
      this.results.replaceChildren();
      this.searchStatus.replaceChildren(this.errorMessage(error));
    } finally {
      if (seq === this.searchSeq) this.results.removeAttribute('aria-busy');
    }
  }

  showResults(data, q, filters) {
    this.searchId = data.search_id ?? null;
    const today = todayIso();
    const hits = data.hits ?? [];
    this.results.replaceChildren(...hits.map((hit) => this.resultItem(hit, q, today)));
    const status = [];
    if (hits.length === 0) status.push(h('p', { class: 'empty', i18n: ['search.none', { q }] }));
    else status.push(h('p', { class: 'count', i18n: ['search.count', { n: data.total_estimate ?? hits.length, ms: Math.round(data.took_ms ?? 0) }] }));
    if (data.corrected) {
      status.push(
        h(
          'p',
          { class: 'correction' },
          h('span', { i18n: 'search.did_you_mean' }),
          ' ',
          h('a', { class: 'did-you-mean', href: `/?q=${encodeURIComponent(data.corrected)}`, dataset: { query: data.corrected } }, data.corrected),
        ),
      );
    }
    this.searchStatus.replaceChildren(...status);
    this.fillFacet(this.category, data.facets?.categories ?? [], filters.category, Infinity);
    this.fillFacet(this.tag, data.facets?.tags ?? [], filters.tag, tagOptions);
    this.markCurrent();
    this.updateAddress(false);
  }

  resultItem(hit, q, today) {
    const badges = [];
    if (hit.audience === 'internal') badges.push(h('span', { class: 'badge internal', i18n: 'badge.internal' }));
    if (isOverdue(hit, today)) badges.push(h('span', { class: 'badge warn', i18n: 'badge.overdue' }));
    return h(
      'li',
      {},
      h(
        'a',
        { class: 'result', href: articleHref(hit.slug, q), dataset: { slug: hit.slug } },
        h('span', { class: 'result-title' }, hit.title),
        h('span', { class: 'result-meta' }, [hit.category, hit.lang].filter(Boolean).join(' · '), ' ', badges),
        h('span', { class: 'snippet' }, snippet(hit.snippet)),
      ),
    );
  }

  /// Refills a filter with the facet's values (and counts), keeping the chosen value.
  fillFacet(select, facets, chosen, max) {
    const options = [select.options[0]];
    const values = facets.slice(0, max);
    if (chosen && !values.some((f) => f.value === chosen)) values.unshift({ value: chosen, count: 0 });
    for (const f of values) options.push(h('option', { value: f.value }, f.count ? `${f.value} (${f.count})` : f.value));
    select.replaceChildren(...options);
    select.value = chosen;
  }

  markCurrent() {
    for (const link of this.main.querySelectorAll('a.result')) {
      if (this.current && link.dataset.slug === this.current.slug) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    }
  }

  /// Replaces @p parent's children with @p children (null and false left out).
  show(parent, children) {
    parent.replaceChildren();
    append(parent, children);
  }

  errorMessage(error) {
    if (error instanceof ApiError) return h('p', { class: 'message error', role: 'alert' }, error.message);
    return h('p', { class: 'message error', role: 'alert', i18n: 'error.network' });
  }

  // ----------------------------------------------------------------------------------------------
  // The article

  /// @p searchId: the id of the search whose result was clicked (GET /v1/search's search_id), sent
  /// with the view so that the lead's reports count the click for that search.
  async openArticle(slug, { from = 'search', push = true, focus = true, searchId = null } = {}) {
    const seq = ++this.articleSeq;
    this.articleController?.abort();
    const controller = new AbortController();
    this.articleController = controller;
    this.current = { slug, from };
    this.selection = '';
    this.markCurrent();
    this.updateAddress(push);
    this.workspace.classList.add('reading');
    this.article.setAttribute('aria-busy', 'true');
    try {
      const { data } = await request(articlePath(slug), {
        params: searchId ? { search_id: searchId } : undefined,
        signal: controller.signal,
      });
      if (seq !== this.articleSeq) return;
      this.showArticle(data);
    } catch (error) {
      if (seq !== this.articleSeq || error.name === 'AbortError') return;
      const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
      this.show(this.article, [
        this.backButton(),
        h('h2', { id: 'article-title', tabindex: '-1', i18n: missing ? 'article.not_found' : 'article.unavailable' }),
        missing ? null : this.errorMessage(error),
      ]);
    } finally {
      if (seq === this.articleSeq) this.article.removeAttribute('aria-busy');
    }
    if (seq === this.articleSeq && focus) this.article.querySelector('#article-title')?.focus();
  }

  closeArticle() {
    this.articleSeq++;
    this.articleController?.abort();
    this.current = null;
    this.workspace.classList.remove('reading');
    this.article.replaceChildren(h('p', { class: 'placeholder', i18n: 'article.empty' }));
    this.markCurrent();
  }

  backButton() {
    return h('button', {
      class: 'button quiet back',
      type: 'button',
      i18n: 'article.back',
      on: {
        click: () => {
          this.workspace.classList.remove('reading');
          const link = this.main.querySelector('a.result[aria-current="true"]');
          (link && link.offsetParent ? link : this.mode === 'ticket' ? this.ticketBody : this.q).focus();
        },
      },
    });
  }

  showArticle(a) {
    const today = todayIso();
    const meta = h('dl', { class: 'meta' });
    const item = (key, ...value) => meta.append(h('div', {}, h('dt', { i18n: key }), h('dd', {}, ...value)));
    item('article.owner', a.owner || '—');
    item('article.reviewed', a.reviewed ? h('span', { i18n: ['date', { date: dateArg(a.reviewed) }] }) : h('span', { i18n: 'article.never' }));
    if (a.review_due) item('article.review_due', h('span', { i18n: ['date', { date: dateArg(a.review_due) }] }));
    if (a.valid_to) item('article.valid_to', h('span', { i18n: ['date', { date: dateArg(a.valid_to) }] }));
    if (a.category) item('article.category', a.category);
    item('article.language', h('span', { i18n: `lang.${a.lang}` }));
    item('article.audience', h('span', { class: a.audience === 'internal' ? 'badge internal' : 'badge', i18n: `audience.${a.audience}` }));
    if (a.tags?.length) item('article.tags', a.tags.join(', '));

    const warnings = articleWarnings(a, today);
    const copyStatus = h('span', { class: 'message', role: 'status' });
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('button', { class: 'button', type: 'button', id: 'copy-link', i18n: 'article.copy_link', on: { click: () => this.copyLink(a.slug, copyStatus) } }),
      h('button', { class: 'button', type: 'button', id: 'copy-passage', i18n: 'article.copy_passage', on: { click: () => this.copyPassage(copyStatus) } }),
      copyStatus,
    );
    const body = h('div', { class: 'article-body' }, articleContent(a.html ?? '', a.slug));
    this.show(this.article, [
      this.backButton(),
      h('h2', { id: 'article-title', tabindex: '-1' }, a.title),
      meta,
      warnings.length
        ? h('ul', { class: 'warnings' }, warnings.map((w) => h('li', { class: 'warning', i18n: [w.key, w.args] })))
        : null,
      toolbar,
      body,
      this.can.has('feedback') ? this.feedbackSection(a.slug) : null,
    ]);
  }

  async copyLink(slug, status) {
    const ok = await copyText(`${location.origin}${articleHref(slug)}`);
    label(status, ok ? 'article.link_copied' : 'article.copy_failed');
  }

  async copyPassage(status) {
    this.trackSelection();
    if (!this.selection) {
      label(status, 'article.select_first');
      return;
    }
    const ok = await copyText(this.selection);
    label(status, ok ? 'article.passage_copied' : 'article.copy_failed');
  }

  /// The ticket feedback is filed under: the pasted ticket's, else this session's.
  feedbackTicket() {
    return this.ticket?.id ?? sessionTicketId();
  }

  feedbackSection(slug) {
    const ticket = this.feedbackTicket();
    const status = h('p', { class: 'message', role: 'status' });
    const buttons = feedbackKinds.map((f) =>
      h('button', {
        class: 'button',
        type: 'button',
        dataset: { feedback: f.id },
        'aria-pressed': 'false',
        i18n: f.key,
        on: { click: (event) => this.sendFeedback(event.currentTarget, f, slug, ticket, status) },
      }),
    );
    return h(
      'section',
      { class: 'feedback', 'aria-labelledby': 'feedback-title' },
      h('h3', { id: 'feedback-title', i18n: 'feedback.title' }),
      h('p', { class: 'hint', i18n: [this.ticket ? 'feedback.for_ticket' : 'feedback.for_session', { id: ticket }] }),
      h('div', { class: 'buttons' }, buttons),
      status,
    );
  }

  async sendFeedback(button, f, slug, ticket, status) {
    button.disabled = true;
    try {
      const { status: code } = await request('/v1/feedback', {
        method: 'POST',
        body: { ticket_id: ticket, slug, kind: f.kind },
      });
      button.setAttribute('aria-pressed', 'true');
      status.replaceChildren();
      append(status, [
        h('span', { i18n: code === 201 ? 'feedback.recorded' : 'feedback.duplicate' }),
        ' ',
        h('strong', { i18n: f.key }),
        // Taken back right there, when the role may (DELETE /v1/feedback): a click by mistake counts for
        // nothing.
        this.can.has('feedback_withdraw')
          ? [
              ' ',
              h('button', {
                class: 'button undo',
                type: 'button',
                dataset: { undo: f.id },
                i18n: 'feedback.undo',
                on: { click: (event) => this.withdrawFeedback(event.currentTarget, button, f, slug, ticket, status) },
              }),
            ]
          : null,
      ]);
    } catch (error) {
      status.replaceChildren(this.errorMessage(error));
    } finally {
      button.disabled = false;
    }
  }

  /// Withdraws the feedback @p f just given (the query form of DELETE /v1/feedback: a ticket id may
  /// hold a '/'). Nothing in force any more (404: withdrawn elsewhere already) is the same outcome.
  async withdrawFeedback(undo, button, f, slug, ticket, status) {
    undo.disabled = true;
    try {
      await request('/v1/feedback', { method: 'DELETE', params: { ticket_id: ticket, slug, kind: f.kind } });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        undo.disabled = false;
        status.append(' ', this.errorMessage(error));
        return;
      }
    }
    button.setAttribute('aria-pressed', 'false');
    status.replaceChildren(h('span', { i18n: 'feedback.withdrawn' }), ' ', h('strong', { i18n: f.key }));
    button.focus();
  }

  // ----------------------------------------------------------------------------------------------
  // Paste ticket

  clearTicket() {
    this.ticket = null;
    this.suggestSeq++;
    for (const field of [this.ticketId, this.ticketSubject, this.ticketBody]) field.value = '';
    this.ticketStatus.replaceChildren();
    this.ticketSummary.replaceChildren();
    this.suggestions.replaceChildren();
    this.ticketBody.focus();
  }

  async suggest() {
    const body = this.ticketBody.value;
    if (!body.trim() && !this.ticketSubject.value.trim()) {
      this.ticketStatus.replaceChildren(h('p', { class: 'message error', role: 'alert', i18n: 'ticket.empty' }));
      this.ticketBody.focus();
      return;
    }
    const id = this.ticketId.value.trim() || newTicketId();
    const seq = ++this.suggestSeq;
    this.suggestions.setAttribute('aria-busy', 'true');
    this.ticketStatus.replaceChildren(h('p', { class: 'message', i18n: 'ticket.working' }));
    try {
      const { data } = await request('/v1/suggest', {
        method: 'POST',
        body: { ticket_id: id, subject: this.ticketSubject.value, body, limit: 5 },
      });
      if (seq !== this.suggestSeq) return;
      this.ticket = { id };
      this.showSuggestions(data, id);
    } catch (error) {
      if (seq !== this.suggestSeq) return;
      this.ticketStatus.replaceChildren(this.errorMessage(error));
    } finally {
      if (seq === this.suggestSeq) this.suggestions.removeAttribute('aria-busy');
    }
  }

  showSuggestions(data, id) {
    const list = data.suggestions ?? [];
    const status = [h('p', { class: 'count', i18n: ['ticket.count', { n: list.length, id }] })];
    if (data.gap) {
      status.push(h('p', { class: 'message warn', i18n: ['ticket.gap', { threshold: percent(data.threshold) }] }));
      const best = data.best_below_threshold;
      if (best)
        status.push(
          h(
            'p',
            { class: 'best' },
            h('span', { i18n: ['ticket.best', { confidence: percent(best.confidence) }] }),
            ' ',
            h('a', { class: 'result', href: articleHref(best.slug), dataset: { slug: best.slug } }, best.title),
          ),
        );
    }
    this.ticketStatus.replaceChildren(...status);
    const chips = (words) => h('span', { class: 'chips' }, words.map((w) => h('span', { class: 'chip' }, w)));
    this.ticketSummary.replaceChildren(
      h(
        'dl',
        { class: 'meta' },
        h('div', {}, h('dt', { i18n: 'ticket.language' }), h('dd', { i18n: `lang.${data.language}` })),
        data.key_terms?.length ? h('div', {}, h('dt', { i18n: 'ticket.key_terms' }), h('dd', {}, chips(data.key_terms))) : null,
        data.codes?.length ? h('div', {}, h('dt', { i18n: 'ticket.codes' }), h('dd', {}, chips(data.codes))) : null,
      ),
    );
    this.suggestions.replaceChildren(
      ...list.map((s) => {
        const p = percent(s.confidence);
        return h(
          'li',
          {},
          h(
            'a',
            { class: 'result suggestion', href: articleHref(s.slug), dataset: { slug: s.slug } },
            h('span', { class: 'result-title' }, s.title),
            h(
              'span',
              { class: 'confidence' },
              h('meter', { min: '0', max: '100', low: '45', high: '70', optimum: '100', value: String(p), 'aria-hidden': 'true' }),
              h('span', { class: 'confidence-text', i18n: ['ticket.confidence', { p }] }),
              s.audience === 'internal' ? h('span', { class: 'badge internal', i18n: 'badge.internal' }) : null,
              s.learned ? h('span', { class: 'badge', i18n: 'ticket.learned' }) : null,
            ),
            s.matched?.length
              ? h('span', { class: 'matched' }, h('span', { i18n: 'ticket.matched' }), ' ', chips(s.matched))
              : null,
            h('span', { class: 'snippet' }, snippet(s.snippet)),
          ),
        );
      }),
    );
    this.markCurrent();
  }
}
