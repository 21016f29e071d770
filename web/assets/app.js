// The entry point of every page of the app, and the frame they share: language switch, sign-in by
// pasted token, who is signed in, the navigation between the pages the role may use, and loading the
// page module for the address.
import { ApiError, clearToken, getToken, setToken, whoami } from './api.js';
import { h } from './dom.js';
import { initLanguage, language, setLanguage } from './i18n.js';

/// The pages of the app: the addresses it answers (`match`; the server serves the same shell for each),
/// its navigation link and label, the API route the role must be allowed to use for the page to be
/// offered (null: every role), and its module (which exports render(main, session) → clean-up function).
export const pages = [
  { match: /^\/$/, path: '/', label: 'nav.search', needs: 'search', load: () => import('./pages/search.js') },
  { match: /^\/lead$/, path: '/lead', label: 'nav.lead', needs: 'reports_stale', load: () => import('./pages/lead.js') },
  // Writing needs an editor token: without tokens (open mode) there is no editor.
  { match: /^\/edit(\/.+)?$/, path: '/edit', label: 'nav.edit', needs: 'article_write', load: () => import('./pages/edit.js') },
  // The API reference: every role may open it (the document it reads is open); the navigation offers it
  // to those who run the team's tools (`nav`: the route the role must have for the link to show).
  { match: /^\/api$/, path: '/api', label: 'nav.api', needs: null, nav: 'reports_stale', load: () => import('./pages/api.js') },
];

/// Whether the session's role may open @p page (a page that needs no route is open to every role).
const allowedPage = (session, page) => page.needs === null || session.can.has(page.needs);

const main = () => document.getElementById('main');
let cleanup = null;
let signedIn = false;

async function start() {
  initLanguage();
  reveal(); // the frame is labelled: show it while asking who is signed in
  const select = document.getElementById('language');
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value));
  document.getElementById('sign-out').addEventListener('click', signOut);
  window.addEventListener('solusi:unauthorized', () => {
    if (!signedIn) return;
    clearToken();
    showSignIn('signin.expired');
  });
  await enter();
}

/// Shows the page once its labels are in (the stylesheet hides it until then: no flash of empty
/// labels).
function reveal() {
  document.documentElement.classList.add('ready');
}

function leavePage() {
  if (cleanup) cleanup();
  cleanup = null;
  signedIn = false;
}

async function enter() {
  let session;
  try {
    session = await whoami();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      const hadToken = Boolean(getToken());
      clearToken();
      showSignIn(hadToken ? 'signin.unknown' : null);
    } else {
      showProblem(error);
    }
    return;
  }
  showWho(session);
  const page = pages.find((p) => p.match.test(location.pathname));
  leavePage();
  if (!page) {
    main().replaceChildren(h('section', { class: 'notice' }, h('h1', { i18n: 'page.not_found' })));
  } else if (!allowedPage(session, page)) {
    main().replaceChildren(h('section', { class: 'notice' }, h('h1', { i18n: 'page.forbidden' })));
  } else {
    const module = await page.load();
    signedIn = true;
    cleanup = module.render(main(), session) ?? null;
  }
  reveal();
}

function showWho(session) {
  const who = document.getElementById('who');
  const out = document.getElementById('sign-out');
  if (session.tokensRequired) {
    who.replaceChildren(
      h('span', { class: 'visually-hidden', i18n: 'layout.signed_in_as' }),
      h('span', { class: 'who-name' }, session.name),
      ' ',
      h('span', { class: 'badge', i18n: `role.${session.role}` }),
    );
    out.hidden = false;
  } else {
    who.replaceChildren(h('span', { class: 'badge', i18n: 'layout.open_mode' }));
    out.hidden = true;
  }
  const nav = document.getElementById('nav');
  nav.replaceChildren(
    ...pages
      .filter((p) => allowedPage(session, p) && (p.nav === undefined || session.can.has(p.nav)))
      .map((p) => h('a', { href: p.path, i18n: p.label, 'aria-current': p.match.test(location.pathname) ? 'page' : null })),
  );
}

function signOut() {
  clearToken();
  showSignIn('signin.signed_out');
}

function showSignIn(messageKey) {
  leavePage();
  document.getElementById('who').replaceChildren();
  document.getElementById('sign-out').hidden = true;
  document.getElementById('nav').replaceChildren();
  const input = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const error = h('p', { id: 'signin-message', class: 'message', role: 'alert', i18n: messageKey ?? null });
  const form = h(
    'form',
    { class: 'signin-form', on: { submit: (event) => submit(event) } },
    h('label', { for: 'token', i18n: 'signin.token' }),
    input,
    h('p', { id: 'token-help', class: 'hint', i18n: 'signin.help' }),
    h('button', { class: 'button primary', type: 'submit', i18n: 'signin.submit' }),
    error,
  );
  async function submit(event) {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    setToken(token);
    input.value = '';
    await enter();
  }
  main().replaceChildren(
    h('section', { class: 'signin', 'aria-labelledby': 'signin-title' }, h('h1', { id: 'signin-title', i18n: 'signin.title' }), form),
  );
  reveal();
  input.focus();
}

function showProblem(error) {
  leavePage();
  const message = error instanceof ApiError ? error.message : String(error.message ?? error);
  main().replaceChildren(
    h('section', { class: 'notice', role: 'alert' }, h('h1', { i18n: 'page.unavailable' }), h('p', {}, message)),
  );
  reveal();
}

start();
