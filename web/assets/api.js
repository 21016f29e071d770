// The HTTP API client of every page: JSON in and out, the pasted token (kept in sessionStorage, so it
// ends with the tab) sent as a Bearer token, errors as ApiError with the API's code and message; who
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
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/// Calls the API: @p params become the query string (arrays repeat the name, empty values are left
/// out), @p body is sent as JSON. Resolves to {status, data}; rejects with ApiError for an error
/// status, with the fetch's own error when aborted (name "AbortError") or when the network fails.
/// A 401 also fires "solusi:unauthorized" on window, so the page can ask for a token.
export async function request(path, { method = 'GET', params, body, signal } = {}) {
  let url = path;
  if (params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params))
      for (const v of [].concat(value ?? [])) if (v !== '' && v !== undefined && v !== null) query.append(name, v);
    const text = query.toString();
    if (text) url += `?${text}`;
  }
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, signal, credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    if (response.status === 401) window.dispatchEvent(new CustomEvent('solusi:unauthorized'));
    throw new ApiError(response.status, error.code ?? `http_${response.status}`, error.message ?? response.statusText);
  }
  return { status: response.status, data };
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
