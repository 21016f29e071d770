// Labels in two dictionaries (i18n/id.js, i18n/en.js): Indonesian by default, English selectable. An
// element shows a label through data-i18n (its text), data-i18n-placeholder, data-i18n-aria-label or
// data-i18n-title (attributes), with data-i18n-args (JSON) for {placeholders}; apply() fills them all,
// so switching the language relabels the page without rebuilding it.
import { formatDate, formatNumber } from './format.js';
import en from './i18n/en.js';
import id from './i18n/id.js';

export const dictionaries = { id, en };
export const languages = Object.keys(dictionaries);
export const defaultLanguage = 'id';
const storageKey = 'solusi.lang';

let current = defaultLanguage;
const listeners = new Set();

export function language() {
  return current;
}

/// The label @p key in the current language, {name} placeholders filled from @p args: numbers are
/// written the language's way, and {date: "YYYY-MM-DD"} (see dateArg) as a date in the language. A
/// dictionary value may be a function of the args (plurals).
export function t(key, args = {}) {
  const value = dictionaries[current][key] ?? dictionaries[defaultLanguage][key];
  if (value === undefined) return key;
  const text = typeof value === 'function' ? value(args) : value;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? show(args[name]) : whole));
}

/// An argument of t() shown as a date in the current language.
export function dateArg(iso) {
  return { date: iso };
}

function show(value) {
  if (typeof value === 'number') return formatNumber(value, current);
  if (value && typeof value === 'object' && 'date' in value) return formatDate(value.date, current);
  return String(value);
}

const attributes = ['placeholder', 'aria-label', 'title'];

/// Labels @p element with @p key: its text, or with @p attribute one of its attributes.
export function label(element, key, args, attribute) {
  const data = attribute ? `i18n${camel(attribute)}` : 'i18n';
  element.dataset[data] = key;
  if (args && Object.keys(args).length) element.dataset[`${data}Args`] = JSON.stringify(args);
  else delete element.dataset[`${data}Args`];
  translate(element, attribute);
  return element;
}

/// Relabels every labelled element under @p root (the whole document by default).
export function apply(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) translate(element);
  for (const attribute of attributes)
    for (const element of root.querySelectorAll(`[data-i18n-${attribute}]`)) translate(element, attribute);
}

function camel(attribute) {
  return attribute.replace(/(^|-)(\w)/g, (m, dash, c) => c.toUpperCase());
}

function translate(element, attribute) {
  const data = attribute ? `i18n${camel(attribute)}` : 'i18n';
  const key = element.dataset[data];
  if (!key) return;
  const raw = element.dataset[`${data}Args`];
  const text = t(key, raw ? JSON.parse(raw) : {});
  if (attribute) element.setAttribute(attribute, text);
  else element.textContent = text;
}

/// The language saved by the user, else Indonesian.
export function initLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem(storageKey);
  } catch {
    // storage disabled: the default language
  }
  setLanguage(languages.includes(saved) ? saved : defaultLanguage, false);
}

export function setLanguage(lang, remember = true) {
  if (!languages.includes(lang)) return;
  current = lang;
  document.documentElement.lang = lang;
  if (remember) {
    try {
      localStorage.setItem(storageKey, lang);
    } catch {
      // storage disabled: the choice lasts until the page is left
    }
  }
  apply();
  for (const listener of listeners) listener(lang);
}

/// Calls @p listener after every language switch (for text that is not a label: dates).
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
