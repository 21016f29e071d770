// The editor (`/edit`, `/edit/{slug}`): the list of articles (drafts and archived ones included) and a
// new article; an article's Markdown with its front matter as a form, a live preview with lint
// findings (POST /v1/preview), publish / save draft / archive (PUT and DELETE /v1/articles/{slug} with
// If-Match), its revision history with a line diff, and on a 412 who changed it and when, with your
// text merged three-way with theirs (POST /v1/articles/{slug}/merge; conflict regions marked in the
// text), "reload their version" (asked first; your text kept) and "show the difference". A published
// article with a pending draft opens on the draft (GET /v1/articles/{slug}/draft) under a banner: the
// published text stays live until the draft is published; draft writes carry the draft's ETag.
// Nothing typed is lost: unsaved changes are warned about on leaving and kept in localStorage per slug
// (offered back on reopening, cleared after a save). Archive asks first; archived articles offer Restore.
import { ApiError, articlePath, request, takeProposal } from '../api.js';
import { articleContent, h } from '../dom.js';
import { articleHref, editHref, formatTime, formValues, frontMatter } from '../format.js';
import { label, t } from '../i18n.js';

/// Quiet time after the last keystroke before the preview is asked for (ms).
export const previewDebounceMs = 300;
/// Quiet time after the last keystroke before the text is kept as a local draft (ms); leaving the page
/// keeps it at once.
export const autosaveDebounceMs = 500;
/// Where the local draft of an article is kept (localStorage, one entry per slug).
export const localDraftKey = (slug) => `solusi.edit.draft:${slug}`;
/// The lines around a conflict region of a merge (service/diff.hpp): a save is refused while they remain.
const conflictMarker = /^(<<<<<<< yours|=======|>>>>>>> theirs)$/m;

/// The front matter fields merged three-way like the text: a field changed on one side only takes that
/// change; changed on both sides differently, yours is kept and the field is listed.
export function mergeFields(base, theirs, yours) {
  const values = {};
  const conflicts = [];
  for (const name of Object.keys(yours)) {
    if (yours[name] === base[name]) values[name] = theirs[name] ?? yours[name];
    else {
      values[name] = yours[name];
      if (theirs[name] !== base[name] && theirs[name] !== yours[name]) conflicts.push(name);
    }
  }
  return { values, conflicts };
}

const listPage = 200;

/// The labels of the front matter fields.
const fieldLabels = {
  title: 'fm.title',
  tags: 'fm.tags',
  category: 'fm.category',
  owner: 'fm.owner',
  reviewed: 'fm.reviewed',
  review_every: 'fm.review_every',
  audience: 'fm.audience',
  status: 'fm.status',
  publish_at: 'fm.publish_at',
  valid_to: 'fm.valid_to',
  lang: 'fm.lang',
};

/// What each revision of the history did.
const actionLabels = {
  create: 'action.create',
  update: 'action.update',
  archive: 'action.archive',
  restore: 'action.restore',
  external: 'action.external',
  delete: 'action.delete',
};

export function render(main, session) {
  const m = /^\/edit\/(.+)$/.exec(location.pathname);
  if (!m) {
    const list = new ArticleList(main);
    return () => list.destroy();
  }
  let slug;
  try {
    slug = decodeURIComponent(m[1]);
  } catch {
    slug = m[1];
  }
  const editor = new Editor(main, session, slug);
  return () => editor.destroy();
}

function errorText(error) {
  if (error instanceof ApiError) return error.message;
  return t('error.network');
}

// ------------------------------------------------------------------------------------------------
// The list

/// Where a check's finding is, in what the editor shows: the form's field, or the line of the body.
function findingPlace(f) {
  if (f.field) return [h('span', { i18n: 'edit.in_field' }), ' ', h('span', { class: 'finding-field', i18n: `fm.${f.field}` }), ':'];
  if (f.body_line) return [h('span', { i18n: ['edit.line', { n: f.body_line }] }), ':'];
  return [];
}

/// The check findings the page words itself, by code (the server's English message for the others).
const findingLabels = {
  missing_title: 'finding.missing_title',
  missing_owner: 'finding.missing_owner',
  missing_review_date: 'finding.missing_review_date',
  unknown_audience: 'finding.unknown_audience',
  broken_link: 'finding.broken_link',
  empty_body: 'finding.empty_body',
  headings_only: 'finding.headings_only',
};

/// The finding in the page's language when its code is known, else the server's (English) message.
function findingText(f) {
  const key = Object.hasOwn(findingLabels, f.code) ? findingLabels[f.code] : null;
  return key ? h('span', { i18n: [key, f.args ?? {}] }) : h('span', { text: f.message });
}

class ArticleList {
  constructor(main) {
    this.main = main;
    this.controller = new AbortController();
    this.articles = [];
    this.build();
    this.load();
  }

  destroy() {
    this.controller.abort();
  }

  build() {
    this.filter = h('input', { id: 'edit-filter', type: 'search', autocomplete: 'off' });
    this.filter.addEventListener('input', () => this.show());
    this.newSlug = h('input', {
      id: 'new-slug',
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      required: true,
      pattern: '[a-z0-9][a-z0-9\\-]*(/[a-z0-9][a-z0-9\\-]*)*',
      'aria-describedby': 'new-slug-hint',
    });
    this.status = h('div', { id: 'edit-status', class: 'status', role: 'status', 'aria-live': 'polite' });
    this.list = h('ul', { id: 'edit-list', class: 'edit-list' });
    this.main.replaceChildren(
      h(
        'div',
        { class: 'dashboard' },
        h('h1', { i18n: 'edit.list_heading' }),
        h(
          'form',
          { class: 'card new-article', on: { submit: (e) => this.create(e) } },
          h('h2', { i18n: 'edit.new' }),
          h('label', { for: 'new-slug', i18n: 'edit.new_slug' }),
          h('div', { class: 'inline' }, this.newSlug, h('button', { class: 'button primary', type: 'submit', i18n: 'edit.new_open' })),
          h('p', { id: 'new-slug-hint', class: 'hint', i18n: 'edit.new_slug_hint' }),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'edit-articles' },
          h('h2', { id: 'edit-articles', i18n: 'edit.articles' }),
          h('label', { for: 'edit-filter', i18n: 'edit.filter' }),
          this.filter,
          this.status,
          this.list,
        ),
      ),
    );
  }

  create(event) {
    event.preventDefault();
    const slug = this.newSlug.value.trim().replace(/\.md$/, '');
    if (!slug || !this.newSlug.checkValidity()) return;
    location.assign(editHref(slug));
  }

  async load() {
    try {
      const all = [];
      for (let offset = 0; ; offset += listPage) {
        const { data } = await request('/v1/articles', { params: { limit: listPage, offset }, signal: this.controller.signal });
        all.push(...data.articles);
        if (all.length >= data.total || !data.articles.length) break;
      }
      this.articles = all;
      this.show();
    } catch (error) {
      if (error?.name !== 'AbortError') this.status.replaceChildren(h('p', { class: 'message error', role: 'alert' }, errorText(error)));
    }
  }

  show() {
    const words = this.filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = this.articles.filter((a) => {
      const text = `${a.slug} ${a.title} ${a.owner} ${a.status}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
    label(this.status, 'edit.count', { n: shown.length, total: this.articles.length });
    this.list.replaceChildren(
      ...shown.map((a) =>
        h(
          'li',
          { dataset: { slug: a.slug, status: a.status } },
          h('a', { href: editHref(a.slug) }, a.title || a.slug),
          ' ',
          a.status !== 'published' ? h('span', { class: 'badge warn', i18n: `status.${a.status}` }) : null,
          a.audience === 'internal' ? h('span', { class: 'badge internal', i18n: 'badge.internal' }) : null,
          h('span', { class: 'hint slug' }, ` ${a.slug} · ${a.owner || '–'}`),
        ),
      ),
    );
  }
}

// ------------------------------------------------------------------------------------------------
// One article

class Editor {
  constructor(main, session, slug) {
    this.main = main;
    this.can = session.can;
    this.slug = slug;
    this.controller = new AbortController();
    // The live file's ETag, sent as If-Match: the publisher compares every write with the live file,
    // a write of the pending draft too (and a draft write answers with the live ETag, unchanged).
    this.etag = null;
    this.baseEtag = null; // of the text loaded (the draft's own ETag for a draft): the conflict diff's base
    this.baseRevision = null; // the revision last written here (after a save)
    this.baseBody = ''; // the body and fields loaded or last saved: the base of a three-way merge
    this.baseValues = {};
    this.saved = null; // the form as loaded or last saved, to know whether it has unsaved changes
    this.autosaveTimer = 0;
    this.onBeforeUnload = (event) => {
      this.keepLocal();
      if (!this.dirty()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    this.onPageHide = () => this.keepLocal();
    window.addEventListener('beforeunload', this.onBeforeUnload);
    window.addEventListener('pagehide', this.onPageHide);
    this.extra = {};
    this.isNew = false;
    this.timer = 0;
    this.previewSeq = 0;
    this.build();
    this.load();
  }

  destroy() {
    this.keepLocal();
    clearTimeout(this.timer);
    clearTimeout(this.autosaveTimer);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    window.removeEventListener('pagehide', this.onPageHide);
    this.controller.abort();
  }

  // ---- unsaved changes and the local draft ------------------------------------------------------

  snapshot() {
    return JSON.stringify({ values: this.values(), body: this.body.value });
  }

  /// Whether the form holds changes not saved to the server.
  dirty() {
    return this.saved !== null && this.snapshot() !== this.saved;
  }

  markSaved() {
    this.saved = this.snapshot();
  }

  scheduleAutosave() {
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => this.keepLocal(), autosaveDebounceMs);
  }

  /// Keeps the form in localStorage when it has unsaved changes, with the base it is an edit of (a
  /// merge with whatever was saved meanwhile when it is taken back).
  keepLocal() {
    clearTimeout(this.autosaveTimer);
    if (!this.dirty()) return;
    try {
      localStorage.setItem(
        localDraftKey(this.slug),
        JSON.stringify({ values: this.values(), body: this.body.value, baseBody: this.baseBody, baseValues: this.baseValues, at: new Date().toISOString() }),
      );
    } catch {
      // Storage full or refused: the unsaved-changes warning still guards the text.
    }
  }

  localDraft() {
    try {
      const d = JSON.parse(localStorage.getItem(localDraftKey(this.slug)) ?? 'null');
      return d && typeof d.body === 'string' && d.values && typeof d.values === 'object' ? d : null;
    } catch {
      return null;
    }
  }

  dropLocal() {
    try {
      localStorage.removeItem(localDraftKey(this.slug));
    } catch {
      // nothing kept
    }
  }

  /// After a load: a local draft that differs from the text loaded is offered back.
  offerLocal() {
    const d = this.localDraft();
    if (!d || (d.body === this.body.value && JSON.stringify(d.values) === JSON.stringify(this.values()))) {
      this.localBanner.hidden = true;
      return;
    }
    this.localBanner.replaceChildren(
      h('p', { i18n: ['edit.local_found', { time: formatTime(d.at) }] }),
      h(
        'div',
        { class: 'buttons' },
        h('button', { id: 'local-restore', type: 'button', class: 'button primary', i18n: 'edit.local_restore', on: { click: () => this.restoreLocal(d) } }),
        h('button', { id: 'local-discard', type: 'button', class: 'button', i18n: 'edit.local_discard', on: { click: () => this.discardLocal() } }),
      ),
    );
    this.localBanner.hidden = false;
  }

  discardLocal() {
    this.ask(this.localBanner.querySelector('#local-discard'), 'edit.local_discard_confirm', 'edit.local_discard', () => {
      this.dropLocal();
      this.localBanner.hidden = true;
    });
  }

  /// An in-page question under @p trigger's row (no browser dialog): @p onYes runs when the first button
  /// is pressed; the other one ("cancel") puts the focus back on @p trigger.
  ask(trigger, key, yesKey, onYes) {
    const close = () => {
      this.confirmBox.hidden = true;
      this.confirmBox.replaceChildren();
    };
    this.confirmBox.replaceChildren(
      h('p', { i18n: key }),
      h(
        'div',
        { class: 'buttons' },
        h('button', { id: 'confirm-yes', type: 'button', class: 'button primary', i18n: yesKey, on: { click: () => (close(), onYes()) } }),
        h('button', { id: 'confirm-no', type: 'button', class: 'button', i18n: 'edit.confirm_cancel', on: { click: () => (close(), trigger?.focus()) } }),
      ),
    );
    (trigger?.closest('p, .buttons') ?? this.message).after(this.confirmBox);
    this.confirmBox.hidden = false;
    this.confirmBox.querySelector('#confirm-no').focus();
  }

  /// Takes the local draft back: as it was when nothing was saved since it was made, else merged
  /// three-way with what was saved meanwhile (its base is the text it was an edit of).
  async restoreLocal(d) {
    this.localBanner.hidden = true;
    const values = d.baseValues && typeof d.baseValues === 'object' ? d.baseValues : this.baseValues;
    if ((d.baseBody ?? '') === this.baseBody && JSON.stringify(values) === JSON.stringify(this.baseValues)) {
      this.fill(d.values, d.body);
      this.say('edit.local_restored');
      this.schedulePreview(0);
      return;
    }
    await this.mergeWithTheirs(d.baseBody ?? '', values, d.values, d.body, null);
  }

  fill(values, body) {
    for (const [name, input] of Object.entries(this.inputs)) if (typeof values[name] === 'string') input.value = values[name];
    this.body.value = body;
  }

  build() {
    const field = (name, input, hintKey = null) =>
      h(
        'div',
        { class: 'field' },
        h('label', { for: `fm-${name}`, i18n: fieldLabels[name] }),
        input,
        hintKey ? h('p', { class: 'hint', id: `fm-${name}-hint`, i18n: hintKey }) : null,
      );
    const text = (name, extra = {}) => h('input', { id: `fm-${name}`, name, type: 'text', autocomplete: 'off', ...extra });
    const date = (name) => h('input', { id: `fm-${name}`, name, type: 'date' });
    const select = (name, options) =>
      h('select', { id: `fm-${name}`, name }, options.map(([value, key]) => h('option', { value, i18n: key })));
    this.inputs = {
      title: text('title', { required: true }),
      tags: text('tags', { 'aria-describedby': 'fm-tags-hint' }),
      category: text('category'),
      owner: text('owner'),
      reviewed: date('reviewed'),
      review_every: text('review_every', { 'aria-describedby': 'fm-review_every-hint' }),
      audience: select('audience', [
        ['internal', 'audience.internal'],
        ['public', 'audience.public'],
      ]),
      status: select('status', [
        ['published', 'status.published'],
        ['draft', 'status.draft'],
        ['review', 'status.review'],
        ['archived', 'status.archived'],
      ]),
      publish_at: date('publish_at'),
      valid_to: date('valid_to'),
      lang: select('lang', [
        ['id', 'lang.id'],
        ['en', 'lang.en'],
      ]),
    };
    this.body = h('textarea', { id: 'md', rows: 18, spellcheck: 'true' });
    this.note = h('input', { id: 'note', type: 'text', autocomplete: 'off', maxlength: 500 });
    this.verified = h('input', { id: 'verified', type: 'checkbox' });
    this.message = h('div', { id: 'edit-message', class: 'status', role: 'status', 'aria-live': 'polite' });
    this.conflict = h('section', { id: 'conflict', class: 'conflict', role: 'alert', hidden: true, 'aria-labelledby': 'conflict-title' });
    this.localBanner = h('section', { id: 'local-draft', class: 'warning', role: 'status', hidden: true });
    this.confirmBox = h('div', { id: 'confirm', class: 'warning confirm', role: 'group', i18nAttrs: { 'aria-label': 'edit.confirm_label' }, hidden: true });
    this.draftBanner = h('p', { id: 'draft-banner', class: 'warning', role: 'status', hidden: true, i18n: 'edit.draft_banner' });
    this.preview = h('div', { id: 'preview', class: 'article-body preview' });
    this.findings = h('ul', { id: 'findings', class: 'findings' });
    this.history = h('ol', { id: 'history', class: 'history' });
    this.diff = h('section', { id: 'diff', class: 'diff', hidden: true, 'aria-labelledby': 'diff-title' });
    this.title = h('h1', { id: 'edit-title' }, this.slug);
    this.publishButton = h('button', { id: 'publish', class: 'button primary', type: 'button', i18n: 'edit.publish', on: { click: () => this.save('published') } });
    this.draftButton = h('button', { id: 'save-draft', class: 'button', type: 'button', i18n: 'edit.save_draft', on: { click: () => this.save('draft') } });
    this.archiveButton = h('button', { id: 'archive', class: 'button', type: 'button', i18n: 'edit.archive', on: { click: () => this.confirmArchive() } });
    this.restoreButton = h('button', { id: 'restore', class: 'button', type: 'button', hidden: true, i18n: 'edit.restore', on: { click: () => this.restore() } });

    const form = h(
      'form',
      { class: 'card editor-form', on: { submit: (e) => e.preventDefault() } },
      h(
        'fieldset',
        { class: 'front-matter' },
        h('legend', { i18n: 'edit.front_matter' }),
        field('title', this.inputs.title),
        field('tags', this.inputs.tags, 'edit.tags_hint'),
        field('category', this.inputs.category),
        field('owner', this.inputs.owner),
        field('reviewed', this.inputs.reviewed),
        field('review_every', this.inputs.review_every, 'edit.review_every_hint'),
        field('audience', this.inputs.audience),
        field('status', this.inputs.status),
        field('publish_at', this.inputs.publish_at),
        field('valid_to', this.inputs.valid_to),
        field('lang', this.inputs.lang),
      ),
      h('label', { for: 'md', i18n: 'edit.body' }),
      this.body,
      h('label', { for: 'note', i18n: 'edit.note' }),
      this.note,
      h('div', { class: 'check' }, this.verified, ' ', h('label', { for: 'verified', i18n: 'edit.verified' })),
      h('div', { class: 'buttons' }, this.publishButton, this.draftButton, this.archiveButton, this.restoreButton),
      this.message,
      this.conflict,
    );
    for (const input of [...Object.values(this.inputs), this.body]) input.addEventListener('input', () => this.scheduleAutosave());
    for (const input of Object.values(this.inputs)) input.addEventListener('change', () => this.scheduleAutosave());
    for (const input of [...Object.values(this.inputs), this.body]) input.addEventListener('input', () => this.schedulePreview());
    for (const input of Object.values(this.inputs)) input.addEventListener('change', () => this.schedulePreview());

    this.main.replaceChildren(
      h(
        'div',
        { class: 'dashboard' },
        h('p', {}, h('a', { id: 'edit-back', href: '/edit', i18n: 'edit.back', on: { click: (e) => this.leave(e) } })),
        this.title,
        this.draftBanner,
        this.localBanner,
        h('p', { class: 'hint' }, h('span', { i18n: 'edit.slug' }), ' ', h('code', {}, this.slug), ' · ', h('a', { href: articleHref(this.slug), i18n: 'edit.view' })),
        h(
          'div',
          { class: 'editor' },
          form,
          h(
            'section',
            { class: 'card', 'aria-labelledby': 'preview-title' },
            h('h2', { id: 'preview-title', i18n: 'edit.preview' }),
            h('h3', { i18n: 'edit.findings' }),
            this.findings,
            this.preview,
          ),
        ),
        this.diff,
        h('section', { class: 'card', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title', i18n: 'edit.history' }), this.history),
      ),
    );
  }

  /// The page's own way out: with unsaved changes, asks first (the text stays as a local draft either way).
  leave(event) {
    this.keepLocal();
    if (!this.dirty()) return;
    event.preventDefault();
    this.ask(event.currentTarget, 'edit.leave_confirm', 'edit.leave', () => {
      this.keepLocal();
      this.saved = null; // asked already: no second question from beforeunload
      location.assign('/edit');
    });
  }

  say(key, args, error = false) {
    this.message.replaceChildren(h('p', { class: error ? 'message error' : 'message', i18n: [key, args ?? {}] }));
  }

  sayText(text) {
    this.message.replaceChildren(h('p', { class: 'message error', role: 'alert' }, text));
  }

  /// Loads the article as it is now (form, text, ETag) and its history: its pending draft when it has
  /// one. A slug with no article yet is a new one (written with If-None-Match: *).
  async load() {
    let unsavedBase = null; // set when a proposed draft fills the form
    this.conflict.hidden = true;
    this.baseRevision = null;
    this.draftEtag = null; // the pending draft's ETag: a draft write replacing it is checked against it
    try {
      const { data, etag } = await request(articlePath(this.slug), { signal: this.controller.signal });
      this.isNew = false;
      this.etag = etag;
      this.baseEtag = etag;
      this.liveStatus = data.status;
      let shown = data;
      let unreadableDraft = false;
      if (data.pending_draft) {
        const draft = await this.loadDraft();
        if (draft?.article) {
          shown = draft.article;
          this.baseEtag = draft.etag;
          this.draftEtag = draft.etag;
        } else if (draft) {
          unreadableDraft = true;
        }
      }
      this.showDraft(shown !== data);
      this.extra = shown.extra && typeof shown.extra === 'object' ? shown.extra : {};
      const values = formValues(shown);
      for (const [name, input] of Object.entries(this.inputs)) input.value = values[name];
      this.body.value = shown.markdown ?? '';
      this.baseBody = this.body.value;
      this.baseValues = this.values();
      this.title.textContent = shown.title || this.slug;
      this.message.replaceChildren();
      if (unreadableDraft) this.say('edit.draft_unreadable', {}, true);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (error instanceof ApiError && error.status === 404) {
        this.isNew = true;
        this.etag = null;
        this.baseEtag = null;
        this.showDraft(false);
        this.inputs.status.value = 'draft';
        this.inputs.lang.value = 'id';
        this.inputs.audience.value = 'internal';
        this.baseBody = '';
        this.baseValues = this.values();
        // A draft proposed from a content gap (the lead's "Create draft"): filled in, not saved yet.
        const proposal = takeProposal(this.slug);
        if (proposal) {
          unsavedBase = this.snapshot(); // what is on the server: nothing
          this.extra = proposal.extra && typeof proposal.extra === 'object' ? proposal.extra : {};
          const values = formValues(proposal);
          for (const [name, input] of Object.entries(this.inputs)) input.value = values[name];
          this.body.value = proposal.markdown ?? '';
          this.title.textContent = proposal.title || this.slug;
          this.say('edit.proposal');
        } else {
          this.say('edit.new_article');
        }
      } else {
        this.sayText(errorText(error));
        return;
      }
    }
    this.archiveButton.disabled = this.isNew;
    this.showArchived();
    this.markSaved();
    if (unsavedBase !== null) {
      // A proposal is unsaved text: warned about on leaving and kept locally like typing.
      this.saved = unsavedBase;
      this.keepLocal();
    }
    this.offerLocal();
    this.schedulePreview(0);
    this.loadHistory();
  }

  /// The pending draft ({slug, markdown, etag, article}), or null when it went live in between (404).
  async loadDraft() {
    try {
      const { data } = await request(`${articlePath(this.slug)}/draft`, { signal: this.controller.signal });
      return data;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /// Whether the form holds the pending draft: the banner says the published text stays live.
  showDraft(draft) {
    this.draftBanner.hidden = !draft;
  }

  values() {
    const out = {};
    for (const [name, input] of Object.entries(this.inputs)) out[name] = input.value;
    return out;
  }

  article(status) {
    const values = this.values();
    if (status) values.status = status;
    return { front_matter: frontMatter(values, this.extra), body: this.body.value };
  }

  // ---- preview ----------------------------------------------------------------------------------

  schedulePreview(delay = previewDebounceMs) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runPreview(), delay);
  }

  async runPreview() {
    const seq = ++this.previewSeq;
    this.previewController?.abort();
    this.previewController = new AbortController();
    try {
      const { data } = await request('/v1/preview', {
        method: 'POST',
        params: { slug: this.slug },
        body: this.article(),
        signal: this.previewController.signal,
      });
      if (seq !== this.previewSeq) return; // a later edit is being previewed
      this.preview.replaceChildren(articleContent(data.html, this.slug));
      this.findings.replaceChildren(
        ...(data.findings.length
          ? data.findings.map((f) =>
              h(
                'li',
                { class: `finding ${f.severity}` },
                h('span', { class: f.severity === 'error' ? 'badge warn' : 'badge', i18n: f.severity === 'error' ? 'finding.error' : 'finding.warning' }),
                ' ',
                ...findingPlace(f),
                ' ',
                findingText(f),
              ),
            )
          : [h('li', { class: 'finding none', i18n: 'edit.no_findings' })]),
      );
    } catch (error) {
      if (error?.name === 'AbortError' || seq !== this.previewSeq) return;
      this.findings.replaceChildren(h('li', { class: 'finding error' }, errorText(error)));
    }
  }

  // ---- saving -----------------------------------------------------------------------------------

  setBusy(busy) {
    for (const b of [this.publishButton, this.draftButton, this.archiveButton, this.restoreButton]) b.disabled = busy || (b === this.archiveButton && this.isNew);
  }

  /// An archived article offers Restore instead of Archive.
  showArchived() {
    const archived = !this.isNew && this.liveStatus === 'archived';
    this.archiveButton.hidden = archived;
    this.restoreButton.hidden = !archived;
  }

  confirmArchive() {
    this.ask(this.archiveButton, 'edit.archive_confirm', 'edit.archive', () => this.archive());
  }

  /// Brings an archived article back (POST /v1/articles/{slug}/restore): its last text before it was
  /// archived; a pending draft stays pending.
  async restore() {
    this.setBusy(true);
    this.say('edit.saving');
    const note = this.note.value.trim();
    try {
      await request(`${articlePath(this.slug)}/restore`, { method: 'POST', body: note ? { note } : {}, signal: this.controller.signal });
      this.dropLocal();
      this.saved = null;
      await this.load();
      this.say('edit.restored');
    } catch (error) {
      this.writeFailed(error);
    } finally {
      this.setBusy(false);
    }
  }

  async save(status) {
    if (!this.inputs.title.value.trim()) {
      this.say('edit.title_required', {}, true);
      this.inputs.title.focus();
      return;
    }
    if (conflictMarker.test(this.body.value)) {
      this.say('edit.markers_left', {}, true);
      this.body.focus();
      return;
    }
    this.setBusy(true);
    this.say('edit.saving');
    const body = this.article(status);
    // A draft or review copy written while one is pending replaces that draft: its ETag is the condition.
    const intoDraft = this.liveStatus === 'published' && ['draft', 'review'].includes(body.front_matter.status);
    const etag = intoDraft && this.draftEtag ? this.draftEtag : this.etag;
    const headers = this.isNew ? { 'If-None-Match': '*' } : etag ? { 'If-Match': etag } : {};
    const note = this.note.value.trim();
    if (note) body.note = note;
    try {
      const verified = status === 'published' && this.verified.checked;
      const params = verified ? { verified: 'true' } : undefined;
      const { data } = await request(articlePath(this.slug), { method: 'PUT', body, headers, params, signal: this.controller.signal });
      if (verified && data.reviewed) {
        // The service set `reviewed` to its today: the form follows, so the next save keeps it.
        this.inputs.reviewed.value = data.reviewed;
        this.verified.checked = false;
      }
      this.afterWrite(data, status === 'published' ? 'edit.published' : 'edit.saved_draft');
      this.inputs.status.value = data.status;
      this.draftEtag = data.draft_copy ? data.draft_etag : null;
      if (!data.draft_copy) this.liveStatus = data.status;
      this.showArchived();
      this.showDraft(Boolean(data.draft_copy));
    } catch (error) {
      this.writeFailed(error);
    } finally {
      this.setBusy(false);
    }
  }

  async archive() {
    this.setBusy(true);
    this.say('edit.saving');
    const note = this.note.value.trim();
    try {
      const { data } = await request(articlePath(this.slug), {
        method: 'DELETE',
        params: { note },
        headers: this.etag ? { 'If-Match': this.etag } : {},
        signal: this.controller.signal,
      });
      this.inputs.status.value = 'archived';
      this.afterWrite(data, 'edit.archived');
      this.liveStatus = 'archived';
      this.showArchived();
      this.restoreButton.focus();
    } catch (error) {
      this.writeFailed(error);
    } finally {
      this.setBusy(false);
    }
  }

  afterWrite(data, key) {
    this.etag = data.etag; // the live file's: unchanged by a draft copy
    this.baseEtag = null;
    this.baseBody = this.body.value;
    this.baseValues = this.values();
    this.markSaved();
    this.dropLocal();
    this.localBanner.hidden = true;
    this.baseRevision = data.revision;
    this.isNew = false;
    this.note.value = '';
    this.conflict.hidden = true;
    this.title.textContent = this.inputs.title.value || this.slug;
    this.say(data.draft_copy ? 'edit.saved_draft_copy' : key, { revision: data.revision });
    this.loadHistory();
  }

  writeFailed(error) {
    if (error?.name === 'AbortError') return;
    if (error instanceof ApiError && error.status === 412) {
      this.message.replaceChildren();
      this.showConflict(error.data ?? {});
    } else if (error instanceof ApiError && error.status === 422) {
      const line = error.data?.error?.line;
      this.sayText(line ? `${t('edit.line', { n: line })}: ${error.message}` : error.message);
    } else {
      this.sayText(errorText(error));
    }
  }

  /// Someone saved the article after it was loaded here: who and when, and your text merged three-way
  /// with theirs (POST /v1/articles/{slug}/merge) so that nothing you typed is lost.
  async showConflict(body) {
    const by = body.changed_by;
    this.conflictWho = [
      h('h2', { id: 'conflict-title', i18n: 'edit.conflict_title' }),
      by
        ? h('p', { class: 'conflict-who', i18n: ['edit.conflict_by', { author: by.author, time: formatTime(by.at), revision: by.revision }] })
        : h('p', { class: 'conflict-who', i18n: 'edit.conflict_unknown' }),
      by?.note ? h('p', {}, h('span', { i18n: 'edit.conflict_note' }), ' ', h('q', {}, by.note)) : null,
    ];
    this.conflictBase = { etag: this.baseEtag, revision: this.baseRevision }; // for "show the difference"
    this.keepLocal();
    await this.mergeWithTheirs(this.baseBody, this.baseValues, this.values(), this.body.value, by);
  }

  /// Merges an edit (@p yours, @p yoursBody of @p baseValues, @p baseBody) with the article as it is
  /// now, puts the result in the form with conflict regions marked, and takes theirs as the new base.
  async mergeWithTheirs(baseBody, baseValues, yours, yoursBody, by) {
    let data;
    try {
      ({ data } = await request(`${articlePath(this.slug)}/merge`, {
        method: 'POST',
        body: { base: baseBody, yours: yoursBody },
        signal: this.controller.signal,
      }));
    } catch (error) {
      // No merge: the form keeps your text as it is; their version is one click away.
      this.fill(yours, yoursBody);
      this.showConflictPanel(null, [], by);
      if (error?.name !== 'AbortError') this.sayText(errorText(error));
      return;
    }
    const theirs = formValues(data.theirs);
    const fields = mergeFields(baseValues, theirs, yours);
    this.fill(fields.values, data.clean ? data.merged : data.marked);
    this.extra = data.theirs.extra && typeof data.theirs.extra === 'object' ? { ...data.theirs.extra, ...this.extra } : this.extra;
    this.etag = data.etag;
    this.draftEtag = data.draft_etag;
    if (!data.draft_etag) this.liveStatus = data.theirs.status;
    this.baseEtag = data.draft_etag ?? data.etag;
    this.baseRevision = null;
    this.isNew = false;
    this.baseBody = data.theirs.markdown;
    this.baseValues = theirs;
    this.saved = JSON.stringify({ values: theirs, body: data.theirs.markdown }); // your edits are unsaved
    this.keepLocal();
    this.showConflictPanel(data, fields.conflicts, by);
    this.schedulePreview(0);
  }

  showConflictPanel(data, fieldConflicts, by) {
    const regions = data?.conflicts ?? [];
    const side = (key, text) => h('div', { class: 'merge-side' }, h('p', { class: 'hint', i18n: key }), h('pre', {}, text || t('edit.merge_empty')));
    this.conflict.replaceChildren(
      ...(this.conflictWho ?? [h('h2', { id: 'conflict-title', i18n: 'edit.conflict_title' })]),
      data
        ? h('p', { id: 'merge-summary', i18n: regions.length || fieldConflicts.length ? ['edit.merge_conflicts', { n: regions.length + fieldConflicts.length }] : 'edit.merge_clean' })
        : h('p', { i18n: 'edit.merge_failed' }),
      fieldConflicts.length
        ? h('p', { id: 'merge-fields' }, h('span', { i18n: 'edit.merge_fields' }), ' ', fieldConflicts.map((f) => t(fieldLabels[f])).join(', '))
        : null,
      regions.length
        ? h(
            'ol',
            { id: 'merge-regions', class: 'merge-regions' },
            regions.map((c) =>
              h('li', {}, h('p', { i18n: ['edit.line', { n: c.line }] }), side('edit.merge_yours', c.yours), side('edit.merge_theirs', c.theirs), side('edit.merge_base', c.base)),
            ),
          )
        : null,
      h(
        'div',
        { class: 'buttons' },
        h('button', { id: 'conflict-reload', type: 'button', class: 'button', i18n: 'edit.reload_theirs', on: { click: () => this.reloadTheirs() } }),
        h('button', { id: 'conflict-diff', type: 'button', class: 'button', i18n: 'edit.show_difference', on: { click: () => this.showConflictDiff(by, this.conflictBase ?? {}) } }),
      ),
    );
    this.conflict.hidden = false;
    const title = this.conflict.querySelector('h2');
    title.setAttribute('tabindex', '-1');
    title.focus();
  }

  /// Their version in the form: asks first, and your text stays as a local draft offered back.
  reloadTheirs() {
    this.keepLocal();
    if (!this.dirty()) return void this.load();
    this.ask(this.conflict.querySelector('#conflict-reload'), 'edit.reload_confirm', 'edit.reload_theirs', () => this.load());
  }

  /// The difference between the version this page loaded and theirs: the revision last saved here, or
  /// the one whose ETag is the text loaded (the first write through the API records the file as it
  /// was; a pending draft is a revision of its own), to their revision.
  async showConflictDiff(by, loadedBase) {
    try {
      const { data } = await request(`${articlePath(this.slug)}/revisions`, { signal: this.controller.signal });
      const revisions = data.revisions;
      const theirs = by?.revision ?? revisions.at(-1)?.revision;
      const loaded = loadedBase.etag ? revisions.filter((r) => r.etag === loadedBase.etag).at(-1)?.revision : undefined;
      const base = loadedBase.revision ?? loaded ?? theirs - 1;
      if (!theirs || base < 1) {
        this.say('edit.no_difference', {}, true);
        return;
      }
      await this.showDiff(base, theirs);
    } catch (error) {
      this.writeFailed(error);
    }
  }

  // ---- history ----------------------------------------------------------------------------------

  async loadHistory() {
    if (this.isNew) {
      this.history.replaceChildren(h('li', { class: 'empty', i18n: 'edit.no_history' }));
      return;
    }
    try {
      const { data } = await request(`${articlePath(this.slug)}/revisions`, { signal: this.controller.signal });
      if (!data.revisions.length) {
        this.history.replaceChildren(h('li', { class: 'empty', i18n: 'edit.no_history' }));
        return;
      }
      this.history.replaceChildren(
        ...[...data.revisions].reverse().map((r) =>
          h(
            'li',
            { dataset: { revision: r.revision } },
            h('span', { class: 'badge' }, `#${r.revision}`),
            ' ',
            h('span', { i18n: actionLabels[r.action] ?? null }, actionLabels[r.action] ? null : r.action),
            ' ',
            h('span', { i18n: ['edit.by', { author: r.author, time: formatTime(r.at) }] }),
            r.note ? [' ', h('q', {}, r.note)] : null,
            ' ',
            r.revision > 1
              ? h('button', {
                  type: 'button',
                  class: 'button quiet',
                  i18n: 'edit.compare_previous',
                  on: { click: () => this.showDiff(r.revision - 1, r.revision) },
                })
              : null,
          ),
        ),
      );
    } catch (error) {
      if (error?.name !== 'AbortError') this.history.replaceChildren(h('li', { class: 'message error' }, errorText(error)));
    }
  }

  /// The line diff of two revisions, as text lines (never HTML).
  async showDiff(from, to) {
    try {
      const { data } = await request(`${articlePath(this.slug)}/diff`, { params: { from, to }, signal: this.controller.signal });
      const sign = { '+': '+ ', '-': '- ', ' ': '  ' };
      const kind = { '+': 'added', '-': 'removed', ' ': 'same' };
      this.diff.replaceChildren(
        h('h2', { id: 'diff-title', i18n: ['edit.diff_title', { from, to }] }),
        h('p', { class: 'hint', i18n: ['edit.diff_counts', { added: data.added, removed: data.removed }] }),
        h(
          'pre',
          { class: 'diff-lines' },
          data.lines.map((l) => h('span', { class: `diff-line ${kind[l.op] ?? 'same'}` }, `${sign[l.op] ?? '  '}${l.text}\n`)),
        ),
        h('button', { type: 'button', class: 'button quiet', i18n: 'edit.close_diff', on: { click: () => (this.diff.hidden = true) } }),
      );
      this.diff.hidden = false;
      this.diff.scrollIntoView({ block: 'nearest' });
    } catch (error) {
      if (error?.name !== 'AbortError') this.sayText(errorText(error));
    }
  }
}

