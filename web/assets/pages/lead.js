// The team lead's dashboard (`/lead`): the stale report (GET /v1/reports/stale: filters, sorting,
// reason badges with their evidence, the owners with their counts, a CSV download), the content-gap
// inbox (GET /v1/reports/gaps, with "create draft" for editors) and a chart of searches per day and
// their unanswered share (GET /v1/reports/searches: found nothing, or nothing opened from them),
// drawn as inline SVG. The period of the inbox and
// the chart (since, as_of; the server's default: the 30 days up to today) and the stale report's owner,
// category and sort are kept in the query string, so the view can be shared. Each reason reads as a sentence in the page's language, built from its
// code and evidence (the server's English summary for a code the page does not know).
import { ApiError, download, keepProposal, request } from '../api.js';
import { h, saveBlob, svg } from '../dom.js';
import {
  chartGeometry,
  daysOverdue,
  editHref,
  evidenceText,
  periodFromQuery,
  periodProblem,
  periodQuery,
  queryWith,
  reasonSentence,
  sortStale,
  unansweredShare,
} from '../format.js';
import { dateArg, label, onLanguageChange, t } from '../i18n.js';

/// The reason codes of the stale report and their labels.
const reasonLabels = {
  review_overdue: 'reason.review_overdue',
  never_reviewed: 'reason.never_reviewed',
  expired: 'reason.expired',
  expiring_soon: 'reason.expiring_soon',
  negative_feedback: 'reason.negative_feedback',
  flagged_outdated: 'reason.flagged_outdated',
  broken_links: 'reason.broken_links',
  unused: 'reason.unused',
  losing_to_gap: 'reason.losing_to_gap',
  duplicate_suspect: 'reason.duplicate_suspect',
};

/// The leads' actions on an item: the button, the confirm button of its form, what is said once done,
/// and the state line of the last one.
const actionLabels = {
  reviewed: { button: 'action.reviewed', done: 'action.done_reviewed', last: 'state.last_reviewed' },
  assign: { button: 'action.assign', confirm: 'action.confirm_assign', done: 'action.done_assign', last: 'state.last_assign' },
  snooze: { button: 'action.snooze', confirm: 'action.confirm_snooze', done: 'action.done_snooze', last: 'state.last_snooze' },
  dismiss: { button: 'action.dismiss', confirm: 'action.confirm_dismiss', done: 'action.done_dismiss', last: 'state.last_dismiss' },
  reopen: { button: 'action.reopen', done: 'action.done_reopen', last: 'state.last_reopen' },
};

/// The labels of the evidence figures of the stale report's reasons (service/reports.cpp).
const evidenceLabels = {
  days_overdue: 'evidence.days_overdue',
  reviewed: 'evidence.reviewed',
  review_every_days: 'evidence.review_every_days',
  review_due: 'evidence.review_due',
  days_ago: 'evidence.days_ago',
  valid_to: 'evidence.valid_to',
  days_left: 'evidence.days_left',
  not_helpful: 'evidence.not_helpful',
  helpful: 'evidence.helpful',
  votes: 'evidence.votes',
  share: 'evidence.share',
  since: 'evidence.since',
  flags: 'evidence.flags',
  last_flagged: 'evidence.last_flagged',
  links: 'evidence.links',
  files: 'evidence.files',
  days: 'evidence.days',
  events: 'evidence.events',
  terms: 'evidence.terms',
  examples: 'evidence.examples',
  articles: 'evidence.articles',
  zero_result_searches: 'evidence.zero_result_searches',
  no_confident_suggestions: 'evidence.no_confident_suggestions',
};

const sortLabels = [
  { value: 'impact', label: 'lead.sort_impact' },
  { value: 'overdue', label: 'lead.sort_overdue' },
  { value: 'owner', label: 'lead.sort_owner' },
  { value: 'title', label: 'lead.sort_title' },
];

const chartSize = { width: 640, height: 160 };

export function render(main, session) {
  const page = new LeadPage(main, session);
  return () => page.destroy();
}

class LeadPage {
  constructor(main, session) {
    this.main = main;
    this.can = session.can;
    this.controller = new AbortController();
    this.report = null;
    this.owners = []; // [{owner, count}] of the unfiltered report
    this.categories = [];
    this.days = [];
    this.periodSeq = 0;
    this.build();
    this.offLanguage = onLanguageChange(() => this.drawChart());
    this.loadStale(true);
    this.startPeriod();
  }

  destroy() {
    this.controller.abort();
    this.offLanguage();
  }

  build() {
    this.owner = h('select', { id: 'f-owner' }, h('option', { value: '', i18n: 'lead.all_owners' }));
    this.category = h('select', { id: 'f-category' }, h('option', { value: '', i18n: 'lead.all_categories' }));
    this.asOf = h('input', { id: 'f-as-of', type: 'date' });
    this.sort = h(
      'select',
      { id: 'f-sort' },
      sortLabels.map((s) => h('option', { value: s.value, i18n: s.label })),
    );
    // Also the articles the leads snoozed or dismissed (include_hidden), to bring one back.
    this.showHidden = h('input', { id: 'f-hidden', type: 'checkbox' });
    this.csv = h('button', { id: 'stale-csv', class: 'button', type: 'button', i18n: 'lead.csv', on: { click: () => this.downloadCsv() } });
    this.staleStatus = h('div', { id: 'stale-status', class: 'status', role: 'status', 'aria-live': 'polite' });
    this.ownerList = h('ul', { id: 'owners', class: 'owner-list', i18nAttrs: { 'aria-label': 'lead.owners' } });
    this.rows = h('ol', { id: 'stale', class: 'stale-list' });
    const filters = h(
      'form',
      { class: 'filters', on: { submit: (e) => e.preventDefault() } },
      h('label', { class: 'filter' }, h('span', { i18n: 'lead.owner' }), this.owner),
      h('label', { class: 'filter' }, h('span', { i18n: 'lead.category' }), this.category),
      h('label', { class: 'filter' }, h('span', { i18n: 'lead.as_of' }), this.asOf),
      h('label', { class: 'filter' }, h('span', { i18n: 'lead.sort' }), this.sort),
      h('label', { class: 'filter filter-check' }, this.showHidden, h('span', { i18n: 'lead.show_hidden' })),
      h('div', { class: 'filter filter-action' }, this.csv),
    );
    this.showHidden.addEventListener('change', () => this.loadStale(false));
    for (const control of [this.owner, this.category]) control.addEventListener('change', () => this.staleChanged(true));
    this.asOf.addEventListener('change', () => this.loadStale(false));
    this.sort.addEventListener('change', () => this.staleChanged(false));
    // The sort of the address (owner and category once their options are known).
    const sort = new URLSearchParams(location.search).get('sort');
    if (sortLabels.some((s) => s.value === sort)) this.sort.value = sort;

    this.gapStatus = h('div', { id: 'gap-status', class: 'status', role: 'status', 'aria-live': 'polite' });
    this.gaps = h('ol', { id: 'gaps', class: 'gap-list' });
    this.chart = h('figure', { id: 'chart', class: 'chart' });

    this.since = h('input', { id: 'p-since', name: 'since', type: 'date' });
    this.until = h('input', { id: 'p-as-of', name: 'as_of', type: 'date' });
    this.periodMessage = h('div', { id: 'period-message', 'aria-live': 'polite' });
    const period = h(
      'form',
      { id: 'period', class: 'filters period', on: { submit: (e) => this.applyPeriod(e) } },
      h('label', { class: 'filter' }, h('span', { i18n: 'lead.period_since' }), this.since),
      h('label', { class: 'filter' }, h('span', { i18n: 'lead.period_as_of' }), this.until),
      h(
        'div',
        { class: 'filter filter-action' },
        h(
          'div',
          { class: 'inline' },
          h('button', { id: 'period-apply', class: 'button primary', type: 'submit', i18n: 'lead.period_apply' }),
          h('button', { id: 'period-reset', class: 'button', type: 'button', i18n: 'lead.period_reset', on: { click: () => this.resetPeriod() } }),
        ),
      ),
    );

    // One click to each part of the page: the gap inbox is reachable without scrolling past the cards.
    this.gapJumpCount = h('span', { class: 'jump-count' });
    this.staleJumpCount = h('span', { class: 'jump-count' });
    const jump = h(
      'nav',
      { class: 'jump', i18nAttrs: { 'aria-label': 'lead.jump_label' } },
      h('a', { href: '#gaps-section', id: 'jump-gaps' }, h('span', { i18n: 'lead.gaps_title' }), this.gapJumpCount),
      h('a', { href: '#stale-section', id: 'jump-stale' }, h('span', { i18n: 'lead.stale_title' }), this.staleJumpCount),
      h('a', { href: '#chart-section', id: 'jump-chart' }, h('span', { i18n: 'lead.chart_title' })),
    );
    this.main.replaceChildren(
      h(
        'div',
        { class: 'dashboard' },
        h('h1', { i18n: 'lead.heading' }),
        jump,
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'period-title' },
          h('h2', { id: 'period-title', i18n: 'lead.period_title' }),
          h('p', { class: 'hint', i18n: 'lead.period_hint' }),
          period,
          this.periodMessage,
        ),
        h(
          'section',
          { class: 'card', id: 'chart-section', 'aria-labelledby': 'chart-title' },
          h('h2', { id: 'chart-title', i18n: 'lead.chart_title' }),
          this.chart,
        ),
        h(
          'section',
          { class: 'card', id: 'stale-section', 'aria-labelledby': 'stale-title' },
          h('h2', { id: 'stale-title', i18n: 'lead.stale_title' }),
          h('p', { class: 'hint', i18n: 'lead.stale_hint' }),
          filters,
          this.ownerList,
          this.staleStatus,
          this.rows,
        ),
        h(
          'section',
          { class: 'card', id: 'gaps-section', 'aria-labelledby': 'gaps-title' },
          h('h2', { id: 'gaps-title', i18n: 'lead.gaps_title' }),
          h('p', { class: 'hint', i18n: 'lead.gaps_hint' }),
          this.gapStatus,
          this.gaps,
        ),
      ),
    );
  }

  params() {
    return {
      owner: this.owner.value,
      category: this.category.value,
      as_of: this.asOf.value,
      include_hidden: this.showHidden.checked ? 'true' : '',
    };
  }

  showError(where, error) {
    if (error?.name === 'AbortError') return;
    const text = error instanceof ApiError ? error.message : t('error.network');
    where.replaceChildren(h('p', { class: 'message error', role: 'alert' }, text));
  }

  // ---- the stale report -------------------------------------------------------------------------

  async loadStale(first) {
    this.staleSeq = (this.staleSeq ?? 0) + 1;
    const seq = this.staleSeq;
    this.rows.setAttribute('aria-busy', 'true');
    try {
      const { data } = await request('/v1/reports/stale', { params: this.params(), signal: this.controller.signal });
      if (seq !== this.staleSeq) return;
      this.report = data;
      if (first) {
        // The owners and categories to filter by, from the whole report.
        this.owners = data.owners.map((o) => ({ owner: o.owner, count: o.count }));
        this.categories = [...new Set(data.articles.map((a) => a.category).filter(Boolean))].sort();
        this.owner.append(
          ...this.owners.map((o) =>
            h('option', { value: o.owner, i18n: ['lead.owner_option', { owner: o.owner || t('lead.no_owner'), n: o.count }] }),
          ),
        );
        this.category.append(...this.categories.map((c) => h('option', { value: c }, c)));
        if (!this.asOf.value) this.asOf.value = data.as_of;
        // The owner and category of the address, when the report has them: asked for again.
        const query = new URLSearchParams(location.search);
        const owner = query.get('owner');
        const category = query.get('category');
        const known = (select, value) => value && [...select.options].some((o) => o.value === value);
        if (known(this.owner, owner) || known(this.category, category)) {
          if (known(this.owner, owner)) this.owner.value = owner;
          if (known(this.category, category)) this.category.value = category;
          this.loadStale(false);
          return;
        }
      }
      this.showStale();
    } catch (error) {
      if (seq === this.staleSeq) this.showError(this.staleStatus, error);
    } finally {
      if (seq === this.staleSeq) this.rows.removeAttribute('aria-busy');
    }
  }

  showStale() {
    const data = this.report;
    if (!data) return;
    this.staleJumpCount.textContent = ` (${data.count})`;
    this.staleStatus.replaceChildren(
      h('p', {
        class: 'count',
        i18n: ['lead.stale_count', { n: data.count, checked: data.articles_checked, date: dateArg(data.as_of) }],
      }),
      ...(data.hidden ? [h('p', { class: 'hint hidden-count', i18n: ['lead.hidden_count', { n: data.hidden }] })] : []),
    );
    this.ownerList.replaceChildren(
      ...data.owners.map((o) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'button quiet owner-chip',
              dataset: { owner: o.owner },
              'aria-pressed': this.owner.value === o.owner ? 'true' : 'false',
              on: { click: () => this.filterOwner(o.owner) },
            },
            h('span', { class: 'owner-name' }, o.owner || t('lead.no_owner')),
            ' ',
            h('span', { class: 'badge', i18n: ['lead.articles', { n: o.count }] }),
          ),
          h(
            'span',
            { class: 'chips' },
            Object.entries(o.reasons).map(([code, n]) =>
              h('span', { class: 'chip' }, h('span', { i18n: reasonLabels[code] ?? null }, reasonLabels[code] ? null : code), ` ${n}`),
            ),
          ),
        ),
      ),
    );
    if (!data.articles.length) {
      this.rows.replaceChildren(h('li', { class: 'empty', i18n: 'lead.stale_none' }));
      return;
    }
    this.rows.replaceChildren(...sortStale(data.articles, this.sort.value).map((entry) => this.staleRow(entry)));
  }

  filterOwner(owner) {
    this.owner.value = this.owner.value === owner ? '' : owner;
    this.staleChanged(true);
  }

  /// A filter or the sort changed: kept in the address; @p reload asks the server again (the sort
  /// orders the rows already there).
  staleChanged(reload) {
    const sort = this.sort.value === sortLabels[0].value ? '' : this.sort.value;
    history.replaceState(null, '', location.pathname + queryWith(location.search, { owner: this.owner.value, category: this.category.value, sort }) + location.hash);
    if (reload) this.loadStale(false);
    else this.showStale();
  }

  staleRow(entry) {
    const overdue = daysOverdue(entry);
    const card = h(
      'li',
      { class: 'stale-row', dataset: { slug: entry.slug, owner: entry.owner } },
      h(
        'div',
        { class: 'stale-head' },
        h('span', { class: 'rank' }, `#${entry.rank}`),
        h('a', { class: 'stale-title', href: editHref(entry.slug) }, entry.title || entry.slug),
      ),
      h(
        'dl',
        { class: 'meta' },
        item('lead.owner', entry.owner || t('lead.no_owner'), 'owner'),
        item('lead.category', entry.category || '–'),
        item('lead.impact', String(Math.round(entry.impact * 10) / 10)),
        overdue ? item('lead.days_overdue', String(overdue)) : null,
        item('lead.usage', null, null, ['lead.usage_value', { views: entry.usage.views, suggested: entry.usage.suggested, resolved: entry.usage.resolved }]),
      ),
      h(
        'ul',
        { class: 'reasons' },
        entry.reasons.map((reason) =>
          h(
            'li',
            { class: 'reason', dataset: { code: reason.code } },
            h('span', { class: 'badge warn reason-badge', i18n: reasonLabels[reason.code] ?? null }, reasonLabels[reason.code] ? null : reason.code),
            ' ',
            reasonSummary(reason),
            h(
              'dl',
              { class: 'evidence' },
              Object.entries(reason.evidence ?? {}).map(([key, value]) =>
                h('div', { dataset: { key } }, evidenceLabel(key), h('dd', {}, evidenceText(value))),
              ),
            ),
          ),
        ),
      ),
    );
    this.addActions(card, `/v1/reports/stale/${entry.slug.split('/').map(encodeURIComponent).join('/')}/actions`, entry.title || entry.slug, entry.state, true);
    return card;
  }

  // ---- the leads' actions on a card (POST /v1/reports/{stale/slug,gaps/id}/actions) ----------------

  /// The state line of @p card and, for who may act, its buttons: mark reviewed (articles), assign,
  /// snooze and dismiss (each through a small form with a note), reopen once hidden.
  addActions(card, path, title, state, article) {
    const stateLine = h('p', { class: 'item-state', role: 'status' });
    card.append(stateLine);
    showState(stateLine, state);
    if (!this.can.has('report_item_action')) return;
    const message = h('p', { class: 'message action-message', 'aria-live': 'polite' });
    const assignee = h('input', { type: 'text', class: 'action-assignee', maxlength: 100, autocomplete: 'off' });
    const until = h('input', { type: 'date', class: 'action-until' });
    const note = h('input', { type: 'text', class: 'action-note', maxlength: 500, autocomplete: 'off' });
    const fieldAssignee = h('label', { class: 'filter' }, h('span', { i18n: 'action.assignee' }), assignee);
    const fieldUntil = h('label', { class: 'filter' }, h('span', { i18n: 'action.until' }), until);
    const confirm = h('button', { type: 'submit', class: 'button primary action-confirm' });
    const form = h(
      'form',
      { class: 'filters action-form', i18nAttrs: { 'aria-label': ['action.form', { title }] } },
      fieldAssignee,
      fieldUntil,
      h('label', { class: 'filter' }, h('span', { i18n: 'action.note' }), note),
      h(
        'div',
        { class: 'filter filter-action' },
        h('div', { class: 'inline' }, confirm, h('button', { type: 'button', class: 'button', i18n: 'action.cancel', on: { click: () => close() } })),
      ),
    );
    form.hidden = true;
    let pending = null;
    let opener = null;
    const close = () => {
      form.hidden = true;
      pending = null;
      opener?.focus();
    };
    const open = (action, button) => {
      pending = action;
      opener = button;
      fieldAssignee.hidden = action !== 'assign';
      fieldUntil.hidden = action !== 'snooze';
      assignee.required = action === 'assign';
      until.required = action === 'snooze';
      if (action === 'snooze' && !until.value) until.value = isoDay(7);
      label(confirm, actionLabels[action].confirm);
      form.hidden = false;
      (action === 'assign' ? assignee : action === 'snooze' ? until : note).focus();
    };
    const send = async (action, body, button) => {
      if (button) button.disabled = true;
      message.replaceChildren();
      delete message.dataset.i18n;
      try {
        const { data } = await request(path, { method: 'POST', body: { action, ...body }, signal: this.controller.signal });
        showState(stateLine, data.state);
        card.dataset.state = data.state.hidden ? 'hidden' : data.state.assigned_to ? 'assigned' : '';
        card.classList.toggle('acted-hidden', data.state.hidden);
        if (action === 'reviewed') {
          card.dataset.reviewed = data.reviewed;
          label(message, actionLabels.reviewed.done, { date: dateArg(data.reviewed), revision: data.action.revision });
        } else {
          label(message, actionLabels[action].done);
        }
        form.hidden = true;
        note.value = '';
        buttons.hidden = data.state.hidden;
        reopen.hidden = !data.state.hidden;
        (data.state.hidden ? reopen : buttons.querySelector('button'))?.focus();
      } catch (error) {
        this.showError(message, error);
      } finally {
        if (button) button.disabled = false;
      }
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!pending) return;
      const body = { note: note.value.trim() || undefined };
      if (pending === 'assign') body.assignee = assignee.value.trim();
      if (pending === 'snooze') body.until = until.value;
      send(pending, body, confirm);
    });
    const button = (action, onClick) =>
      h('button', { type: 'button', class: `button action-${action}`, dataset: { action }, i18n: actionLabels[action].button, on: { click: onClick } });
    const buttons = h(
      'div',
      { class: 'inline item-actions', role: 'group', i18nAttrs: { 'aria-label': ['action.group', { title }] } },
      article ? button('reviewed', (e) => send('reviewed', {}, e.currentTarget)) : null,
      ['assign', 'snooze', 'dismiss'].map((action) => button(action, (e) => open(action, e.currentTarget))),
    );
    const reopen = button('reopen', (e) => send('reopen', {}, e.currentTarget));
    buttons.hidden = Boolean(state?.hidden);
    reopen.hidden = !state?.hidden;
    card.append(buttons, reopen, form, message);
  }

  async downloadCsv() {
    this.csv.disabled = true;
    try {
      const { blob, filename } = await download('/v1/reports/stale', {
        params: { ...this.params(), format: 'csv' },
        signal: this.controller.signal,
      });
      saveBlob(blob, filename);
    } catch (error) {
      this.showError(this.staleStatus, error);
    } finally {
      this.csv.disabled = false;
    }
  }

  // ---- the period of the gap inbox and the chart -------------------------------------------------

  /// The period of the address (?since=…&as_of=…), else the server's default; one that is not valid is
  /// said and left out.
  startPeriod() {
    const period = periodFromQuery(location.search);
    const problem = periodProblem(period);
    if (problem) {
      this.sayPeriod(problem);
      history.replaceState(null, '', location.pathname + periodQuery(location.search, { since: '', as_of: '' }) + location.hash);
      this.loadPeriod({ since: '', as_of: '' });
    } else {
      this.loadPeriod(period);
    }
  }

  sayPeriod(problem) {
    if (!problem) {
      this.periodMessage.replaceChildren();
      return;
    }
    this.periodMessage.replaceChildren(h('p', { class: 'message error', role: 'alert', i18n: [problem.key, problem.args] }));
  }

  applyPeriod(event) {
    event.preventDefault();
    const period = { since: this.since.value, as_of: this.until.value };
    // A date input holding something that is not a date reports '' with badInput set.
    const problem = this.since.validity.badInput || this.until.validity.badInput ? { key: 'lead.period_bad_date', args: {} } : periodProblem(period);
    this.sayPeriod(problem);
    if (problem) return;
    history.replaceState(null, '', location.pathname + periodQuery(location.search, period) + location.hash);
    this.loadPeriod(period);
  }

  resetPeriod() {
    this.sayPeriod(null);
    history.replaceState(null, '', location.pathname + periodQuery(location.search, { since: '', as_of: '' }) + location.hash);
    this.loadPeriod({ since: '', as_of: '' });
  }

  /// Loads the gap inbox and the chart for @p period ({since, as_of}; '' for the server's default);
  /// the fields then show the period the server answered for.
  loadPeriod(period) {
    const seq = ++this.periodSeq;
    this.since.value = period.since;
    this.until.value = period.as_of;
    this.loadGaps(period, seq);
    this.loadChart(period, seq);
  }

  // ---- the gap inbox ----------------------------------------------------------------------------

  async loadGaps(period, seq) {
    this.gaps.setAttribute('aria-busy', 'true');
    try {
      const { data } = await request('/v1/reports/gaps', { params: withSources(period), signal: this.controller.signal });
      if (seq !== this.periodSeq) return;
      this.since.value = data.since;
      this.until.value = data.until;
      this.gapJumpCount.textContent = ` (${data.count})`;
      this.gapStatus.replaceChildren(
        h('p', {
          class: 'count',
          i18n: ['lead.gaps_count', { n: data.count, events: data.events, since: dateArg(data.since), until: dateArg(data.until) }],
        }),
      );
      if (!data.clusters.length) {
        this.gaps.replaceChildren(h('li', { class: 'empty', i18n: 'lead.gaps_none' }));
        return;
      }
      this.gaps.replaceChildren(...data.clusters.map((c) => this.gapRow(c)));
    } catch (error) {
      if (seq === this.periodSeq) this.showError(this.gapStatus, error);
    } finally {
      if (seq === this.periodSeq) this.gaps.removeAttribute('aria-busy');
    }
  }

  gapRow(cluster) {
    const status = h('p', { class: 'message', role: 'status' });
    const create = this.can.has('draft_from_ticket')
      ? h('button', {
          type: 'button',
          class: 'button primary create-draft',
          i18n: 'lead.create_draft',
          on: { click: (e) => this.createDraft(cluster, e.currentTarget, status) },
        })
      : null;
    const card = h(
      'li',
      { class: 'gap', dataset: { label: cluster.label, id: cluster.id ?? '' } },
      h('h3', {}, h('span', { class: 'gap-label' }, cluster.label), ' ', h('span', { class: 'badge', i18n: ['lead.times', { n: cluster.count }] })),
      h(
        'dl',
        { class: 'meta' },
        // Days of the team's zone (first_day, last_day), in the page's language like every date.
        item('lead.first_seen', null, null, ['date', dateArg(cluster.first_day ?? cluster.first_seen.slice(0, 10))]),
        item('lead.last_seen', null, null, ['date', dateArg(cluster.last_day ?? cluster.last_seen.slice(0, 10))]),
        item('lead.nearest', null, null, null, cluster.nearest ? h('a', { href: editHref(cluster.nearest.slug), class: 'nearest' }, cluster.nearest.title || cluster.nearest.slug) : h('span', { i18n: 'lead.nearest_none' })),
      ),
      h('p', { class: 'gap-kinds', i18n: ['gap_text.kinds', gapKinds(cluster.kinds)] }),
      h('p', { class: 'examples-title', i18n: 'lead.examples' }),
      h('ul', { class: 'examples' }, cluster.examples.map((e) => h('li', {}, h('q', {}, e)))),
      create,
      status,
    );
    if (cluster.id) this.addActions(card, `/v1/reports/gaps/${encodeURIComponent(cluster.id)}/actions`, cluster.label, cluster.state, false);
    return card;
  }

  async createDraft(cluster, button, status) {
    button.disabled = true;
    label(status, 'lead.creating');
    try {
      // Proposed, not written: the editor opens it as a new article, written when the editor saves it.
      const { data } = await request('/v1/drafts/from-ticket', {
        method: 'POST',
        body: { subject: cluster.draft.subject, body: cluster.draft.body, lang: cluster.lang || undefined, save: false },
        signal: this.controller.signal,
      });
      keepProposal(data.slug, data.article);
      location.assign(editHref(data.slug));
    } catch (error) {
      button.disabled = false;
      delete status.dataset.i18n;
      this.showError(status, error);
    }
  }

  // ---- the chart --------------------------------------------------------------------------------

  async loadChart(period, seq) {
    try {
      const { data } = await request('/v1/reports/searches', { params: withSources(period), signal: this.controller.signal });
      if (seq !== this.periodSeq) return;
      this.days = data.days;
      this.drawChart();
    } catch (error) {
      if (seq === this.periodSeq) {
        this.days = [];
        this.showError(this.chart, error);
      }
    }
  }

  /// Bars: searches per day (scaled to the busiest day); points joined by a line: the share of them
  /// that went unanswered (0–100 %). Labels are text nodes; the figures are also in a table below.
  drawChart() {
    const days = this.days;
    if (!days.length) return;
    const { width, height } = chartSize;
    const g = chartGeometry(days, width, height, 12);
    const total = days.reduce((n, d) => n + d.searches, 0);
    const judged = days.reduce((n, d) => n + d.judged, 0);
    const unanswered = days.reduce((n, d) => n + d.unanswered, 0);
    const summary = t('lead.chart_summary', {
      searches: total,
      share: Math.round(unansweredShare({ judged, unanswered }) * 100),
      since: dateArg(days[0].day),
      until: dateArg(days[days.length - 1].day),
    });
    const picture = svg(
      'svg',
      { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary, class: 'chart-svg' },
      svg('line', { x1: 12, y1: height - 12, x2: width - 12, y2: height - 12, class: 'axis' }),
      g.bars.map((b, i) =>
        svg('rect', { x: b.x, y: b.y, width: b.width, height: b.height, class: 'bar' }, svg('title', {}, dayText(days[i]))),
      ),
      svg('polyline', { points: g.points.map((p) => `${p.x},${p.y}`).join(' '), class: 'share-line' }),
      g.points.map((p, i) =>
        svg('circle', { cx: p.x, cy: p.y, r: 3, class: 'point', 'data-day': days[i].day }, svg('title', {}, dayText(days[i]))),
      ),
    );
    const table = h(
      'table',
      { class: 'chart-table' },
      h('thead', {}, h('tr', {}, h('th', { i18n: 'lead.day' }), h('th', { i18n: 'lead.searches' }), h('th', { i18n: 'lead.unanswered' }))),
      h(
        'tbody',
        {},
        days.map((d) => h('tr', {}, h('td', {}, d.day), h('td', {}, String(d.searches)), h('td', {}, String(d.unanswered)))),
      ),
    );
    this.chart.replaceChildren(
      picture,
      h(
        'figcaption',
        {},
        h('span', { class: 'legend legend-bar', i18n: ['lead.legend_bars', { max: g.max }] }),
        ' ',
        h('span', { class: 'legend legend-line', i18n: 'lead.legend_line' }),
        h('p', { class: 'hint' }, summary),
      ),
      h('details', {}, h('summary', { i18n: 'lead.chart_table' }), table),
    );
  }
}

/// The state the leads' actions left an item in, as sentences in the page's language (empty: none).
function showState(line, state) {
  const parts = [];
  if (state?.assigned_to) parts.push(h('span', { class: 'state-assigned', i18n: ['state.assigned', { who: state.assigned_to }] }));
  if (state?.snoozed_until) parts.push(h('span', { class: 'state-snoozed', i18n: ['state.snoozed', { date: dateArg(state.snoozed_until) }] }));
  if (state?.dismissed) parts.push(h('span', { class: 'state-dismissed', i18n: 'state.dismissed' }));
  if (state?.last) {
    const key = actionLabels[state.last.action]?.last;
    if (key) parts.push(h('span', { class: 'state-last', i18n: [key, { by: state.last.by, date: dateArg(state.last.at.slice(0, 10)) }] }));
    if (state.last.note) parts.push(h('q', { class: 'state-note' }, state.last.note));
  }
  line.replaceChildren(...parts.flatMap((p, i) => (i ? [' ', p] : [p])));
  line.hidden = parts.length === 0;
}

/// The day @p days after today in the browser's zone (YYYY-MM-DD).
function isoDay(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/// The label of an evidence figure in the page's language (its key, made readable, for one the page
/// does not know).
function evidenceLabel(key) {
  const known = evidenceLabels[key];
  return h('dt', { i18n: known ?? null }, known ? null : key.replaceAll('_', ' '));
}

/// The counts of a gap by kind, for its sentence.
function gapKinds(kinds = {}) {
  return {
    zero: kinds.zero_result ?? 0,
    no_click: kinds.no_click ?? 0,
    tickets: kinds.no_confident_suggestion ?? 0,
    votes: kinds.not_helpful ?? 0,
  };
}

/// A reason as a sentence in the page's language (relabelled on a language switch), or the server's
/// English summary for a code the page does not know; the summary is kept as its title.
function reasonSummary(reason) {
  const sentence = reasonSentence(reason);
  return h(
    'span',
    { class: 'reason-summary', title: sentence ? reason.summary : null, i18n: sentence ? [sentence.key, sentence.args] : null },
    sentence ? null : reason.summary,
  );
}

/// @p params with the address's `sources` (e.g. /lead?sources=all), when it has one: which searches and
/// tickets the inbox and the chart count (the server's default: people's searches, and tickets from
/// people and ticket systems).
function withSources(params) {
  const sources = new URLSearchParams(location.search).get('sources');
  return sources ? { ...params, sources } : params;
}

/// One day of the chart as text: "2026-11-20: 12 searches, 25% unanswered".
function dayText(d) {
  return t('lead.day_text', {
    date: dateArg(d.day),
    n: d.searches,
    share: Math.round(unansweredShare(d) * 100),
  });
}

/// A <div><dt>label</dt><dd>value</dd></div> of a description list: @p value as text, or @p i18n
/// ([key, args]) as a label, or @p node as it is.
function item(key, value, cls = null, i18n = null, node = null) {
  return h('div', { class: cls }, h('dt', { i18n: key }), h('dd', { i18n: i18n ?? null }, node ?? (i18n ? null : value)));
}
