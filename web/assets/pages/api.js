// The API reference (`/api`): the OpenAPI document the service serves (GET /v1/openapi.json) rendered
// as a page, with no script or style from anywhere else. Every route with who may call it, its
// parameters, its request body, its answers with their examples, the error codes, and every schema
// the routes refer to (linked by name). A filter narrows the routes as you type. The document's own
// texts are in English (they are the API's); the page's labels follow the page's language.
import { request } from '../api.js';
import { h } from '../dom.js';

const methodOrder = ['get', 'post', 'put', 'patch', 'delete'];
const refPrefix = '#/components/schemas/';

/// The schema name a "$ref" points to ("SearchHit"), or null.
function refName(schema) {
  return typeof schema?.$ref === 'string' && schema.$ref.startsWith(refPrefix) ? schema.$ref.slice(refPrefix.length) : null;
}

/// An anchor id for a schema or an operation (letters, digits, '-' only).
function anchor(kind, name) {
  return `${kind}-${String(name).replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/// A schema's type as a short phrase, with a link when it is a named schema: "string", "SearchHit",
/// "array of SearchHit", "string | null", "one of …".
function typeOf(schema) {
  if (!schema || typeof schema !== 'object') return [h('code', { text: 'any' })];
  const name = refName(schema);
  if (name) return [h('a', { href: `#${anchor('schema', name)}`, text: name })];
  if (schema.type === 'array') return [h('code', { text: 'array' }), ' ', h('span', { i18n: 'api.of' }), ' ', ...typeOf(schema.items)];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) {
    const parts = [];
    alternatives.forEach((s, i) => parts.push(...(i ? [' | '] : []), ...typeOf(s)));
    return parts;
  }
  const types = [].concat(schema.type ?? (schema.properties ? 'object' : 'any'));
  const out = [h('code', { text: types.join(' | ') })];
  if (Array.isArray(schema.enum)) out.push(' ', h('span', { class: 'api-enum', text: schema.enum.map((v) => JSON.stringify(v)).join(', ') }));
  return out;
}

/// The constraints a reader needs beside the type: bounds, lengths, patterns, defaults.
function constraints(schema) {
  if (!schema || typeof schema !== 'object') return '';
  const out = [];
  for (const [key, text] of [
    ['minimum', '≥'],
    ['maximum', '≤'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
    ['maxItems', 'max items'],
    ['pattern', 'pattern'],
    ['default', 'default'],
  ])
    if (schema[key] !== undefined) out.push(`${text} ${typeof schema[key] === 'string' ? schema[key] : JSON.stringify(schema[key])}`);
  return out.join('; ');
}

/// The fields of an object schema as a table (name, type, required, description); other schemas as
/// one line with their type.
function schemaView(schema) {
  const name = refName(schema);
  if (name) return h('p', {}, h('span', { i18n: 'api.schema' }), ' ', ...typeOf(schema));
  if (!schema?.properties) {
    const detail = [schema?.description, constraints(schema)].filter(Boolean).join(' — ');
    return h('p', {}, ...typeOf(schema), detail ? ` — ${detail}` : '');
  }
  const required = new Set(schema.required ?? []);
  return h(
    'table',
    { class: 'api-fields' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col', i18n: 'api.field' }), h('th', { scope: 'col', i18n: 'api.type' }), h('th', { scope: 'col', i18n: 'api.description' })),
    ),
    h(
      'tbody',
      {},
      ...Object.entries(schema.properties).map(([field, s]) =>
        h(
          'tr',
          {},
          h('td', {}, h('code', { text: field }), required.has(field) ? h('span', { class: 'api-required', i18n: 'api.required' }) : null),
          h('td', {}, ...typeOf(s)),
          h('td', { text: [s?.description, constraints(s)].filter(Boolean).join(' — ') }),
        ),
      ),
    ),
  );
}

function example(value) {
  return h('pre', { class: 'api-example' }, h('code', { text: JSON.stringify(value, null, 2) }));
}

function parametersView(parameters) {
  if (!parameters?.length) return null;
  return h(
    'table',
    { class: 'api-fields' },
    h('caption', { i18n: 'api.parameters' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', i18n: 'api.name' }),
        h('th', { scope: 'col', i18n: 'api.in' }),
        h('th', { scope: 'col', i18n: 'api.type' }),
        h('th', { scope: 'col', i18n: 'api.description' }),
      ),
    ),
    h(
      'tbody',
      {},
      ...parameters.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, h('code', { text: p.name }), p.required ? h('span', { class: 'api-required', i18n: 'api.required' }) : null),
          h('td', { text: p.in }),
          h('td', {}, ...typeOf(p.schema)),
          h('td', { text: [p.description ?? p.schema?.description, constraints(p.schema)].filter(Boolean).join(' — ') }),
        ),
      ),
    ),
  );
}

function operationView(path, method, op) {
  const body = op.requestBody?.content?.['application/json'];
  const responses = Object.entries(op.responses ?? {});
  const id = anchor('op', op.operationId ?? `${method}-${path}`);
  return h(
    'section',
    { class: 'api-op', id, dataset: { search: `${method} ${path} ${op.summary ?? ''} ${op.operationId ?? ''}`.toLowerCase() }, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, h('span', { class: `api-method api-${method}`, text: method.toUpperCase() }), ' ', h('code', { text: path })),
    op.summary ? h('p', { class: 'api-summary', text: op.summary }) : null,
    op.description ? h('p', { class: 'hint', text: op.description }) : null,
    op.deprecated ? h('p', { class: 'api-deprecated', i18n: 'api.deprecated' }) : null,
    op['x-not-yet-described'] ? h('p', { class: 'hint', i18n: 'api.not_described' }) : null,
    parametersView(op.parameters),
    body
      ? h(
          'div',
          { class: 'api-body' },
          h('h4', { i18n: 'api.request_body' }),
          schemaView(body.schema),
          body.example !== undefined ? example(body.example) : null,
        )
      : null,
    h(
      'div',
      { class: 'api-responses' },
      h('h4', { i18n: 'api.responses' }),
      h(
        'dl',
        {},
        ...responses.flatMap(([status, r]) => {
          const content = r.content?.['application/json'] ?? r.content?.['text/plain'] ?? r.content?.['text/csv'];
          const detail = [h('span', { text: r.description ?? '' })];
          if (content?.schema && status.startsWith('2')) detail.push(schemaView(content.schema));
          else if (content?.schema) detail.push(' ', ...typeOf(content.schema));
          if (content?.example !== undefined) detail.push(example(content.example));
          return [h('dt', {}, h('code', { text: status })), h('dd', {}, ...detail)];
        }),
      ),
    ),
  );
}

function errorCodesView(codes) {
  if (!Array.isArray(codes) || !codes.length) return null;
  return h(
    'section',
    { class: 'api-errors', 'aria-labelledby': 'api-errors-title' },
    h('h2', { id: 'api-errors-title', i18n: 'api.error_codes' }),
    h('p', { class: 'hint', i18n: 'api.error_shape' }),
    h(
      'table',
      { class: 'api-fields' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col', i18n: 'api.code' }), h('th', { scope: 'col', i18n: 'api.status' }), h('th', { scope: 'col', i18n: 'api.meaning' })),
      ),
      h(
        'tbody',
        {},
        ...codes.map((c) => h('tr', {}, h('td', {}, h('code', { text: c.code })), h('td', { text: String(c.status ?? '') }), h('td', { text: c.meaning ?? '' }))),
      ),
    ),
  );
}

function schemasView(schemas) {
  const names = Object.keys(schemas ?? {}).sort();
  return h(
    'section',
    { class: 'api-schemas', 'aria-labelledby': 'api-schemas-title' },
    h('h2', { id: 'api-schemas-title', i18n: 'api.schemas' }),
    ...names.map((name) =>
      h(
        'section',
        { class: 'api-schema', id: anchor('schema', name), 'aria-labelledby': `${anchor('schema', name)}-title` },
        h('h3', { id: `${anchor('schema', name)}-title` }, h('code', { text: name })),
        schemas[name].description && schemas[name].properties ? h('p', { class: 'hint', text: schemas[name].description }) : null,
        schemaView(schemas[name]),
      ),
    ),
  );
}

/// The operations of the document in a stable order: by path, then GET, POST, PUT, PATCH, DELETE.
export function operations(doc) {
  const out = [];
  for (const path of Object.keys(doc.paths ?? {}).sort())
    for (const method of methodOrder) if (doc.paths[path][method]) out.push({ path, method, op: doc.paths[path][method] });
  return out;
}

export function render(main) {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, h('span', { i18n: 'api.loading' }));
  const filter = h('input', { id: 'api-filter', type: 'search', autocomplete: 'off', spellcheck: 'false' });
  const list = h('div', { id: 'api-operations' });
  const rest = h('div');
  main.replaceChildren(
    h(
      'section',
      { class: 'api-reference', 'aria-labelledby': 'api-title' },
      h('h1', { id: 'api-title', i18n: 'api.heading' }),
      h('p', { id: 'api-intro' }),
      h('p', {}, h('a', { href: '/v1/openapi.json', i18n: 'api.raw' })),
      h('div', { class: 'api-filter' }, h('label', { for: 'api-filter', i18n: 'api.filter' }), filter),
      status,
      h('h2', { i18n: 'api.routes' }),
      list,
      rest,
    ),
  );
  let count = 0;
  const applyFilter = () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const section of list.children) {
      const visible = words.every((w) => section.dataset.search.includes(w));
      section.hidden = !visible;
      shown += visible;
    }
    status.replaceChildren(h('span', { i18n: ['api.count', { n: shown, total: count }] }));
  };
  filter.addEventListener('input', applyFilter);
  const controller = new AbortController();
  request('/v1/openapi.json', { signal: controller.signal })
    .then(({ data: doc }) => {
      document.getElementById('api-intro')?.replaceChildren(
        h('span', { text: `${doc.info?.title ?? ''} ${doc.info?.version ?? ''} — OpenAPI ${doc.openapi ?? ''}. ` }),
        h('span', { text: doc.info?.description ?? '' }),
      );
      const ops = operations(doc);
      count = ops.length;
      list.replaceChildren(...ops.map(({ path, method, op }) => operationView(path, method, op)));
      rest.replaceChildren(...[errorCodesView(doc['x-error-codes']), schemasView(doc.components?.schemas)].filter(Boolean));
      applyFilter();
    })
    .catch((error) => {
      if (error.name === 'AbortError') return;
      status.replaceChildren(h('span', { i18n: 'api.failed' }), ' ', h('span', { text: String(error.message ?? error) }));
    });
  return () => controller.abort();
}
