// Building the page without HTML strings. Text from people (queries, tickets, titles, error messages)
// only ever becomes text nodes: h() has no way to set innerHTML. The one place a string is parsed as
// HTML is articleContent(), for the article HTML of the server's safe renderer, and even that is parsed
// into an inert document and copied over element by element from an allow-list. The page's CSP
// enforces it: Trusted Types refuse any other string given to an HTML sink.
import { label } from './i18n.js';
import { articleHref, resolveLink, snippetParts } from './format.js';

/// Attribute values that are URLs: only the page's own paths and web or mail addresses.
const urlAttributes = new Set(['href', 'src', 'action', 'formaction']);
const safeUrl = /^(\/(?!\/)|#|https?:|mailto:)/i;

/// An element: @p props sets attributes ("class", "text", "i18n": key or [key, args], "i18nAttrs":
/// {attribute: key or [key, args]}, "dataset", "on": {event: listener}, anything else as an attribute;
/// false, null and undefined leave it out); @p children are nodes or strings (text).
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (name === 'i18n') label(element, ...[].concat(value));
    else if (name === 'i18nAttrs')
      for (const [attribute, key] of Object.entries(value)) {
        const [k, args] = [].concat(key);
        label(element, k, args, attribute);
      }
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'on') for (const [event, listener] of Object.entries(value)) element.addEventListener(event, listener);
    else if (/^on/i.test(name)) throw new Error(`h(): listeners go in "on", not "${name}"`);
    else if (urlAttributes.has(name.toLowerCase()) && !safeUrl.test(String(value)))
      throw new Error(`h(): refusing ${name}="${value}"`);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

const svgNamespace = 'http://www.w3.org/2000/svg';

/// An SVG element (charts): @p attributes as they are (numbers and plain words, never people's text:
/// that goes in @p children, as text nodes).
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on/i.test(name) || /href$/i.test(name)) throw new Error(`svg(): refusing ${name}`);
    element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/// Offers @p blob as a file named @p filename (a download the browser saves), without a page's HTML.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/// Appends nodes and strings (as text), skipping null, undefined and false; arrays are flattened.
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/// A search snippet as text nodes and <mark> elements.
export function snippet(html) {
  return snippetParts(html).map((part) => (part.mark ? h('mark', {}, part.text) : document.createTextNode(part.text)));
}

let policy = null;

/// The string as TrustedHTML where the browser enforces Trusted Types. The policy passes the string
/// through: it is only used below, on the server's rendered article, parsed into an inert document.
function trustedHtml(html) {
  if (!window.trustedTypes) return html;
  policy ??= window.trustedTypes.createPolicy('solusi-html', { createHTML: (s) => s });
  return policy.createHTML(html);
}

/// Elements of an article kept as they are (with no attributes but those handled below).
const kept = new Set([
  'P', 'UL', 'OL', 'LI', 'EM', 'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'HR', 'BR', 'DEL', 'S', 'SUP', 'SUB',
  'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD',
]);

/// The article HTML of GET /v1/articles/{slug} (cmark's safe renderer) as a fragment of new elements:
/// allowed elements only, headings moved under the article's title (h1 and h2 become h3), links to
/// other articles pointing at the page (with data-slug), web links opening in a new tab without a
/// referrer, images shown as their description (nothing is fetched), everything else as its text.
export function articleContent(html, slug) {
  const parsed = new DOMParser().parseFromString(trustedHtml(html), 'text/html');
  const fragment = document.createDocumentFragment();
  copyChildren(parsed.body, fragment, slug);
  return fragment;
}

function copyChildren(from, to, slug) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) to.append(document.createTextNode(node.data));
    else if (node.nodeType === Node.ELEMENT_NODE) to.append(copyElement(node, slug));
    // Comments (cmark's "raw HTML omitted") and anything else are dropped.
  }
}

function copyElement(element, slug) {
  const tag = element.tagName;
  let out;
  if (/^H[1-6]$/.test(tag)) {
    out = document.createElement(`h${Math.min(6, Math.max(3, Number(tag[1]) + 1))}`);
  } else if (tag === 'A') {
    out = articleLink(element, slug);
  } else if (tag === 'IMG') {
    const alt = element.getAttribute('alt') ?? '';
    return h('span', { class: 'image-placeholder', i18n: alt ? ['article.image', { alt }] : 'article.image_untitled' });
  } else if (kept.has(tag)) {
    out = document.createElement(tag.toLowerCase());
    if (tag === 'OL' && /^\d{1,6}$/.test(element.getAttribute('start') ?? '')) out.setAttribute('start', element.getAttribute('start'));
    if (tag === 'CODE' && /^language-[\w+#.-]{1,40}$/.test(element.className)) out.className = element.className;
    if ((tag === 'TH' || tag === 'TD') && /^(left|center|right)$/.test(element.getAttribute('align') ?? ''))
      out.className = `align-${element.getAttribute('align')}`;
  } else {
    const fragment = document.createDocumentFragment();
    copyChildren(element, fragment, slug);
    return fragment;
  }
  copyChildren(element, out, slug);
  return out;
}

function articleLink(element, slug) {
  const target = resolveLink(element.getAttribute('href'), slug);
  if (!target) return document.createElement('span');
  const title = element.getAttribute('title');
  if (target.kind === 'article') {
    return h('a', { href: articleHref(target.slug), dataset: { slug: target.slug }, title });
  }
  return h('a', { href: target.url, target: '_blank', rel: 'noopener noreferrer', class: 'external', title });
}

/// Whether the user is typing somewhere (so single-key shortcuts stay out of the way).
export function isEditable(element) {
  return Boolean(
    element &&
      (element.isContentEditable ||
        (element.tagName === 'INPUT' && !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(element.type)) ||
        element.tagName === 'TEXTAREA' ||
        element.tagName === 'SELECT'),
  );
}

/// Copies plain @p text to the clipboard; true when it worked. Falls back on a hidden textarea where
/// the Clipboard API is missing (a page served over plain HTTP from another machine).
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'clipboard-helper', 'aria-hidden': 'true', tabindex: '-1' });
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}
