// The HTTP API client of every page: JSON in and out, the pasted token (kept in sessionStorage, so it
// ends with the tab) sent as a Bearer token, every request marked as the page's (X-Solusi-Client: web), errors as ApiError with the API's code and message; who
// is signed in (GET /v1/whoami), and the ticket id feedback is filed under when the agent gave none.
import { generatedTicketId } from './format.js';

const tokenKey = 'solusi.token';

export function getToken() {
  try {
    return sessionStorage.getItem(tokenKey) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  sessionStorage.setItem(tokenKey, token);
}

export function clearToken() {
  try {
    sessionStorage.removeItem(tokenKey);
  } catch {
    // storage disabled: nothing was kept
  }
}

export class ApiError extends Error {
  constructor(status, code, message, data = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.data = data; // the whole error body (a 412 names who changed the article: changed_by)
  }
}

function queryString(params) {
  if (!params) return '';
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    for (const v of [].concat(value ?? [])) if (v !== '' && v !== undefined && v !== null) query.append(name, v);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/// Every request of the pages says it comes from them (X-Solusi-Client: web): the lead's reports count
/// people's searches apart from integrations'. A label for the statistics, not a credential.
function authHeaders(accept) {
  const headers = { Accept: accept, 'X-Solusi-Client': 'web' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function errorOf(response, data) {
  const error = data && data.error ? data.error : {};
  if (response.status === 401) window.dispatchEvent(new CustomEvent('solusi:unauthorized'));
  return new ApiError(response.status, error.code ?? `http_${response.status}`, error.message ?? response.statusText, data);
}

/// Calls the API: @p params become the query string (arrays repeat the name, empty values are left
/// out), @p body is sent as JSON, @p headers are added (If-Match). Resolves to {status, data, etag};
/// rejects with ApiError for an error status, with the fetch's own error when aborted (name
/// "AbortError") or when the network fails. A 401 also fires "solusi:unauthorized" on window, so the
/// page can ask for a token.
export async function request(path, { method = 'GET', params, body, signal, headers: extra } = {}) {
  const headers = { ...authHeaders('application/json'), ...extra };
  const init = { method, headers, signal, credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path + queryString(params), init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw await errorOf(response, data);
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

/// Fetches a file of the API (a CSV report) with the token, as {blob, filename}: the token is not a
/// cookie, so a plain link could not send it.
export async function download(path, { params, signal } = {}) {
  const response = await fetch(path + queryString(params), {
    headers: authHeaders('*/*'),
    signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    throw await errorOf(response, data);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const m = /filename="([^"]+)"/.exec(disposition);
  return { blob: await response.blob(), filename: m ? m[1] : 'download' };
}

/// The API path of an article: each slug segment percent-encoded, the slashes kept.
export function articlePath(slug) {
  return `/v1/articles/${slug.split('/').map(encodeURIComponent).join('/')}`;
}

/// {name, role, tokensRequired, can: Set of route names}; rejects with ApiError 401 when a token is
/// needed and none (or an unknown one) was given.
export async function whoami() {
  const { data } = await request('/v1/whoami');
  return {
    name: data.name,
    role: data.role,
    tokensRequired: Boolean(data.tokens_required),
    can: new Set(data.can ?? []),
  };
}

const ticketKey = 'solusi.ticket';
let unsaved = null;  // the session's id when sessionStorage is disabled

export function newTicketId() {
  return generatedTicketId((bytes) => crypto.getRandomValues(bytes));
}

/// The ticket id of this browser tab's session ("web-…"), made on first use and kept in
/// sessionStorage: one vote per article and kind per session, however often it is clicked.
export function sessionTicketId() {
  try {
    let id = sessionStorage.getItem(ticketKey);
    if (!id) {
      id = newTicketId();
      sessionStorage.setItem(ticketKey, id);
    }
    return id;
  } catch {
    unsaved ??= newTicketId();
    return unsaved;
  }
}

/// A proposed new article (a draft from a content gap, not written yet) handed to the editor: kept in
/// this tab (sessionStorage) under its slug until the editor opens it.
const proposalKey = (slug) => `solusi.proposal:${slug}`;

export function keepProposal(slug, article) {
  try {
    sessionStorage.setItem(proposalKey(slug), JSON.stringify(article));
  } catch {
    // Storage refused: the editor opens an empty new article under the same slug.
  }
}

/// The proposal kept for @p slug (the article's fields and "markdown"), taken out of storage; null
/// when there is none.
export function takeProposal(slug) {
  try {
    const article = JSON.parse(sessionStorage.getItem(proposalKey(slug)) ?? 'null');
    sessionStorage.removeItem(proposalKey(slug));
    return article && typeof article === 'object' ? article : null;
  } catch {
    return null;
  }
}
