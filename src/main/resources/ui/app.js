// shortr web UI: one script, no build step, no framework. Every user-supplied string reaches the page through
// textContent or an attribute set with setAttribute (h() below), never through innerHTML, so titles, targets
// and tags cannot inject markup. All data comes from the public API, authenticated by the session cookie; every
// state-changing call carries the session's CSRF token.
'use strict';
(() => {
  const me = document.currentScript;
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  const toastEl = document.getElementById('toast');
  let session = { signedIn: false };
  let afterSignIn = null; // the view asked for before signing in
  const can = (scope) => (session.scopes || []).includes(scope) || (session.scopes || []).includes('admin');

  // ---- DOM ---------------------------------------------------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid == null || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }
  function show(...nodes) {
    main.replaceChildren(...nodes);
    main.focus({ preventScroll: true });
  }
  let toastTimer;
  function toast(text) {
    toastEl.textContent = text;
    toastEl.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => toastEl.classList.remove('show'), 2500);
  }
  function field(id, label, input, hint) {
    input.id = id;
    if (hint) input.setAttribute('aria-describedby', id + '-hint');
    return h('div', {}, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null);
  }
  function errorBox() {
    return h('p', { class: 'error', role: 'alert', hidden: true });
  }
  // shows an error under a form; the fields it names (by their API name, in `inputs`) are marked and the first focused
  function showError(box, err, inputs) {
    box.hidden = false;
    box.textContent = err instanceof ApiError ? err.message : 'Something went wrong: ' + err;
    if (!box.id) box.id = 'err-' + Math.random().toString(36).slice(2);
    let first = null;
    for (const name of (err && err.fields) || []) {
      const input = inputs && inputs[name];
      if (!input) continue;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', box.id);
      first = first || input;
    }
    if (first) first.focus();
  }
  function clearError(box, inputs) {
    box.hidden = true;
    for (const input of Object.values(inputs || {})) input.removeAttribute('aria-invalid');
  }
  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      toast('Copied ' + text);
    } catch (e) {
      toast('Copy failed; select the link and copy it by hand');
    }
  }
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const when = (iso) => (iso ? fmt.format(new Date(iso)) : '');

  // ---- API ---------------------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
      // field errors that say more than the detail does
      const extra = (problem && problem.errors || []).map((e) => e.detail).filter((d) => d && !this.message.includes(d));
      if (extra.length) this.message += ' (' + extra.join('; ') + ')';
      this.status = status;
      this.problem = problem;
      this.fields = (problem && problem.errors || []).map((e) => e.field);
    }
  }
  async function call(method, path, body, retried) {
    const headers = { accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && session.csrfToken) headers['x-csrf-token'] = session.csrfToken;
    const res = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.ok) return res;
    let problem = null;
    try { problem = await res.json(); } catch (e) { /* not JSON */ }
    if (res.status === 403 && !retried && problem && String(problem.type).endsWith('/csrf')) {
      await loadSession(); // the server restarted: its CSRF secret is new
      return call(method, path, body, true);
    }
    if (res.status === 401 && path !== '/ui/session') {
      if (location.hash !== '#/signin') afterSignIn = location.hash;
      await loadSession().catch(() => {}); // the server forgets a dead cookie
      session = { signedIn: false };
      renderNav();
      location.hash = '#/signin';
    }
    throw new ApiError(res.status, problem);
  }
  const json = async (method, path, body) => {
    const res = await call(method, path, body);
    return res.status === 204 ? null : res.json();
  };
  async function loadSession() {
    session = await (await fetch('/ui/session', { credentials: 'same-origin', headers: { accept: 'application/json' } })).json();
    renderNav();
  }
  const enc = encodeURIComponent;

  // ---- navigation --------------------------------------------------------------------------------------------
  function renderNav() {
    if (!session.signedIn) {
      nav.replaceChildren();
      return;
    }
    nav.replaceChildren(
      h('a', { href: '#/' }, 'Links'),
      h('a', { href: '#/bulk' }, 'Bulk'),
      h('span', { class: 'who' }, 'Key: ', session.name),
      h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'));
  }
  async function signOut() {
    try {
      await call('DELETE', '/ui/session');
    } catch (e) { /* signed out anyway */ }
    session = { signedIn: false };
    renderNav();
    location.hash = '#/signin';
  }
  async function route() {
    const hash = location.hash || '#/';
    if (!session.signedIn && hash !== '#/signin') {
      afterSignIn = hash;
      location.hash = '#/signin';
      return;
    }
    const detail = hash.match(/^#\/l\/([^/?#]+)$/);
    try {
      if (hash === '#/signin') return viewSignIn();
      if (hash === '#/bulk') return viewBulk();
      if (detail) return await viewDetail(decodeURIComponent(detail[1]));
      return await viewLinks();
    } catch (e) {
      show(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message || String(e)));
    }
  }

  // ---- sign-in -----------------------------------------------------------------------------------------------
  function viewSignIn() {
    if (session.signedIn) {
      location.hash = '#/';
      return;
    }
    document.title = 'Sign in · shortr';
    const key = h('input', { type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
    const err = errorBox();
    const form = h('form', { class: 'card signin', 'aria-labelledby': 'signin-h' },
      h('h1', { id: 'signin-h' }, 'Sign in'),
      field('key', 'API key', key, 'An API key (sk_…) from the first start, or from "shortr keys create". It is kept in a cookie scripts cannot read.'),
      err,
      h('p', {}, h('button', { type: 'submit' }, 'Sign in')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.hidden = true;
      try {
        session = await json('POST', '/ui/session', { key: key.value.trim() });
        renderNav();
        location.hash = afterSignIn && afterSignIn !== '#/signin' ? afterSignIn : '#/';
        afterSignIn = null;
      } catch (e) {
        showError(err, e);
        key.focus();
      }
    });
    show(form);
    key.focus();
  }

  // ---- create ------------------------------------------------------------------------------------------------
  const REDIRECT_HINT = '301/308 are permanent: browsers cache them, so later edits and clicks may never reach shortr; '
    + '302/307 are temporary: every visit comes back, so edits apply at once and every click counts.';
  function linkFields(prefix, link) {
    const l = link || {};
    const inputs = {
      redirect: h('select', {},
        h('option', { value: '' }, 'Default (302)'),
        [301, 302, 307, 308].map((s) => h('option', { value: s, selected: link && l.redirect === s }, String(s)))),
      cacheSeconds: h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', value: l.cacheSeconds ?? '' }),
      expiresAt: h('input', { type: 'datetime-local', value: l.expiresAt ? toLocalInput(l.expiresAt) : '' }),
      maxClicks: h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', value: l.maxClicks ?? '' }),
      tags: h('input', { type: 'text', value: (l.tags || []).join(', '), autocomplete: 'off' }),
      title: h('input', { type: 'text', value: l.title ?? '', maxlength: 500 }),
      forwardQuery: h('input', { type: 'checkbox', checked: !!l.forwardQuery }),
    };
    const grid = h('div', { class: 'grid' },
      field(prefix + 'redirect', 'Redirect type', inputs.redirect, REDIRECT_HINT),
      field(prefix + 'cache', 'Cache lifetime (seconds)', inputs.cacheSeconds, 'How long browsers and CDNs may keep the redirect. Empty: the server default.'),
      field(prefix + 'expires', 'Expires', inputs.expiresAt, 'After this the link answers 410 Gone.'),
      field(prefix + 'max', 'Max clicks', inputs.maxClicks, 'After this many clicks the link answers 410 Gone.'),
      field(prefix + 'tags', 'Tags', inputs.tags, 'Comma-separated.'),
      field(prefix + 'title', 'Title', inputs.title),
      h('div', {}, h('label', { class: 'check', for: prefix + 'fwd' }, (inputs.forwardQuery.id = prefix + 'fwd', inputs.forwardQuery), 'Forward query string'),
        h('p', { class: 'hint' }, 'Appends the short URL\'s ?query to the target.')));
    return { inputs, grid };
  }
  function toLocalInput(iso) {
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  // the JSON of the optional fields; for a patch, empty fields are sent as null (cleared)
  function linkBody(inputs, patch) {
    const b = {};
    const num = (el) => (el.value === '' ? null : Number(el.value));
    const put = (k, v) => { if (patch || (v !== null && v !== '' && !(Array.isArray(v) && !v.length))) b[k] = v; };
    if (inputs.redirect.value !== '' || !patch) put('redirect', inputs.redirect.value === '' ? null : Number(inputs.redirect.value));
    put('cacheSeconds', num(inputs.cacheSeconds));
    put('expiresAt', inputs.expiresAt.value ? new Date(inputs.expiresAt.value).toISOString() : null);
    put('maxClicks', num(inputs.maxClicks));
    put('tags', inputs.tags.value.split(',').map((t) => t.trim()).filter(Boolean));
    put('title', inputs.title.value.trim() === '' ? null : inputs.title.value.trim());
    if (patch || inputs.forwardQuery.checked) b.forwardQuery = inputs.forwardQuery.checked;
    return b;
  }
  function createForm(onCreated) {
    const url = h('input', { type: 'url', required: true, placeholder: 'https://example.com/a/long/address', autocomplete: 'off', spellcheck: 'false' });
    const alias = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', pattern: '[A-Za-z0-9_-]{1,64}' });
    const { inputs, grid } = linkFields('c-');
    const err = errorBox();
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, 'Shorten');
    const form = h('form', { class: 'card', 'aria-labelledby': 'create-h' },
      h('h1', { id: 'create-h' }, 'Shorten a link'),
      h('div', { class: 'row' }, h('div', { class: 'grow' }, h('label', { for: 'url' }, 'Long URL'), (url.id = 'url', url)), button),
      h('details', {}, h('summary', {}, 'Advanced options'),
        h('div', { class: 'grid' }, field('alias', 'Custom alias', alias, 'Letters, digits, - and _. Empty: a random code.')), grid),
      err, result);
    const named = { url, code: alias, ...inputs };
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (button.disabled) return;
      clearError(err, named);
      button.disabled = true;
      try {
        const body = { url: url.value.trim(), ...linkBody(inputs, false) };
        if (alias.value.trim()) body.code = alias.value.trim();
        const link = await json('POST', '/api/v1/links', body);
        result.replaceChildren(
          h('span', { class: 'ok' }, '✓'),
          h('a', { class: 'short', href: link.shortUrl, target: '_blank', rel: 'noopener' }, link.shortUrl),
          h('button', { type: 'button', class: 'secondary', onclick: () => copy(link.shortUrl) }, 'Copy'),
          h('a', { class: 'button secondary', href: '#/l/' + enc(link.code) }, 'Details'));
        // every field back to its default: options set for one link must not slip into the next
        form.reset();
        url.focus();
        onCreated(link);
      } catch (e) {
        showError(err, e, named);
      } finally {
        button.disabled = false;
      }
    });
    return { form, focus: () => url.focus() };
  }

  // ---- list --------------------------------------------------------------------------------------------------
  const listState = { q: '', tag: '', sort: 'newest' };
  async function viewLinks() {
    document.title = 'Links · shortr';
    const tbody = h('tbody');
    const more = h('div', { class: 'more' });
    const status = h('p', { class: 'muted', 'aria-live': 'polite' });
    const q = h('input', { type: 'search', value: listState.q, placeholder: 'Code, target or title' });
    const tag = h('input', { type: 'text', value: listState.tag, autocomplete: 'off' });
    const sort = h('select', {}, h('option', { value: 'newest' }, 'Newest first'), h('option', { value: 'oldest' }, 'Oldest first'));
    sort.value = listState.sort;
    let cursor = null;
    let loaded = 0;
    let generation = 0; // a newer search makes the answers to older ones stale
    let busy = false;
    async function load(reset) {
      if (busy && !reset) return; // "Load more" pressed twice
      const mine = reset ? ++generation : generation;
      busy = true;
      const p = new URLSearchParams({ limit: '25', sort: listState.sort });
      if (listState.q) p.set('q', listState.q);
      if (listState.tag) p.set('tag', listState.tag);
      if (!reset && cursor) p.set('cursor', cursor);
      status.textContent = 'Loading…';
      const button = more.querySelector('button');
      if (button) button.disabled = true;
      try {
        const page = await json('GET', '/api/v1/links?' + p);
        if (mine !== generation) return;
        if (reset) {
          tbody.replaceChildren();
          loaded = 0;
        }
        const rows = page.items.map((l) => linkRow(l, () => { load(true); heading.focus(); }));
        tbody.append(...rows);
        loaded += page.items.length;
        cursor = page.nextCursor;
        status.textContent = loaded ? loaded + (cursor ? '+' : '') + ' links' : 'No links yet' + (listState.q || listState.tag ? ' match.' : '.');
        more.replaceChildren(cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => load(false) }, 'Load more') : '');
        if (!reset && rows.length) rows[0].querySelector('a').focus(); // on from where the new rows start
      } catch (e) {
        if (mine === generation) status.textContent = 'Could not load the links: ' + e.message;
        if (button) button.disabled = false;
      } finally {
        if (mine === generation) busy = false;
      }
    }
    let debounce;
    const refilter = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        listState.q = q.value.trim();
        listState.tag = tag.value.trim();
        listState.sort = sort.value;
        load(true);
      }, 250);
    };
    q.addEventListener('input', refilter);
    tag.addEventListener('input', refilter);
    sort.addEventListener('change', refilter);
    const create = can('links:write') ? createForm(() => load(true)) : null;
    const heading = h('h2', { id: 'links-h', tabindex: -1 }, 'Your links');
    show(create ? create.form : h('p', { class: 'card muted' }, 'This key can read links but not create or change them.'),
      h('section', { class: 'card', 'aria-labelledby': 'links-h' },
        heading,
        h('div', { class: 'filters', role: 'search' }, field('q', 'Search', q), field('tagf', 'Tag', tag), field('sort', 'Sort', sort)),
        status,
        h('table', { class: 'links' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Short link'), h('th', { scope: 'col' }, 'Target'),
            h('th', { scope: 'col' }, 'Tags'), h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
          tbody),
        more));
    if (create) create.focus();
    await load(true);
  }
  function linkRow(l, reload) {
    return h('tr', {},
      h('td', { 'data-label': 'Short link' },
        h('a', { href: '#/l/' + enc(l.code) }, l.code),
        l.disabled ? h('span', { class: 'badge' }, 'disabled') : null,
        l.title ? h('div', { class: 'muted' }, l.title) : null),
      h('td', { class: 'target', 'data-label': 'Target' }, h('a', { href: l.url, rel: 'noopener noreferrer nofollow', target: '_blank' }, l.url)),
      h('td', { 'data-label': 'Tags' }, (l.tags || []).map((t) => h('span', { class: 'tag' }, t))),
      h('td', { 'data-label': 'Created' }, h('time', { datetime: l.createdAt }, when(l.createdAt))),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'link', onclick: () => copy(l.shortUrl), 'aria-label': 'Copy ' + l.shortUrl }, 'Copy'),
        h('a', { class: 'button secondary', href: '#/l/' + enc(l.code), 'aria-label': 'Details of ' + l.code }, 'Details'),
        can('links:write') ? h('button', { type: 'button', class: 'link', onclick: () => confirmDelete(l, reload), 'aria-label': 'Delete ' + l.code }, 'Delete') : null));
  }
  function confirmDelete(l, after) {
    const dialog = h('dialog', { 'aria-labelledby': 'del-h' },
      h('h2', { id: 'del-h' }, 'Delete ' + l.code + '?'),
      h('p', {}, 'The short link stops working (410 Gone) and its statistics are deleted. This cannot be undone.'),
      h('form', { method: 'dialog', class: 'row' },
        h('button', { value: 'cancel', class: 'secondary', autofocus: true }, 'Cancel'),
        h('button', { value: 'delete', class: 'danger' }, 'Delete')));
    dialog.addEventListener('close', async () => {
      dialog.remove();
      if (dialog.returnValue !== 'delete') return;
      try {
        await call('DELETE', '/api/v1/links/' + enc(l.code));
        toast('Deleted ' + l.code);
        after();
      } catch (e) {
        const box = h('p', { class: 'error', role: 'alert' }, 'Could not delete ' + l.code + ': ' + e.message);
        main.prepend(box);
        box.scrollIntoView({ block: 'nearest' });
      }
    });
    document.body.append(dialog);
    dialog.showModal();
  }

  // ---- bulk --------------------------------------------------------------------------------------------------
  function viewBulk() {
    document.title = 'Bulk · shortr';
    const text = h('textarea', { required: true, spellcheck: 'false', placeholder: 'https://example.com/one\nhttps://example.com/two' });
    const tags = h('input', { type: 'text', autocomplete: 'off' });
    const err = errorBox();
    const out = h('div', { 'aria-live': 'polite' });
    const button = h('button', { type: 'submit' }, 'Shorten all');
    const form = h('form', { class: 'card', 'aria-labelledby': 'bulk-h' },
      h('h1', { id: 'bulk-h' }, 'Bulk shorten'),
      field('bulk-urls', 'URLs, one per line (up to 1000)', text),
      h('div', { class: 'grid' }, field('bulk-tags', 'Tags for all', tags, 'Comma-separated.')),
      err, h('p', {}, button), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.hidden = true;
      const urls = text.value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
      if (!urls.length) return showError(err, new ApiError(400, { detail: 'paste at least one URL' }));
      if (urls.length > 1000) return showError(err, new ApiError(400, { detail: 'at most 1000 URLs at a time' }));
      const tagList = tags.value.split(',').map((t) => t.trim()).filter(Boolean);
      button.disabled = true;
      try {
        const res = await json('POST', '/api/v1/links/bulk', { links: urls.map((u) => (tagList.length ? { url: u, tags: tagList } : { url: u })) });
        const ok = res.items.filter((i) => i.status < 300).length;
        const all = res.items.map((i) => (i.link ? i.link.shortUrl : '')).filter(Boolean).join('\n');
        out.replaceChildren(
          h('p', {}, ok + ' of ' + urls.length + ' created. ', all ? h('button', { type: 'button', class: 'secondary', onclick: () => copy(all) }, 'Copy all short URLs') : null),
          h('table', { class: 'bulk-out' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'URL'), h('th', { scope: 'col' }, 'Result'))),
            h('tbody', {}, res.items.map((i, n) => h('tr', {},
              h('td', { class: 'target' }, urls[n]),
              h('td', {}, i.link ? h('a', { href: '#/l/' + enc(i.link.code) }, i.link.shortUrl)
                : h('span', { class: 'error' }, (i.problem && (i.problem.detail || i.problem.title)) || 'HTTP ' + i.status)))))));
      } catch (e) {
        showError(err, e);
      } finally {
        button.disabled = false;
      }
    });
    show(form);
    text.focus();
  }

  // ---- detail ------------------------------------------------------------------------------------------------
  async function viewDetail(code, opts) {
    const link = await json('GET', '/api/v1/links/' + enc(code));
    document.title = link.code + ' · shortr';
    const statsBox = h('section', { class: 'card', 'aria-labelledby': 'stats-h' });
    (opts && opts.keepFocus ? (...nodes) => main.replaceChildren(...nodes) : show)(
      h('h1', {}, 'Link ', h('code', {}, link.code), link.disabled ? h('span', { class: 'badge' }, 'disabled') : null,
        link.expiresAt && Date.parse(link.expiresAt) <= Date.now() ? h('span', { class: 'badge' }, 'expired') : null),
      infoCard(link),
      statsBox,
      qrCard(link),
      can('links:write') ? editCard(link) : null);
    await renderStats(statsBox, link);
  }
  function infoCard(link) {
    return h('section', { class: 'card', 'aria-label': 'Link' },
      h('div', { class: 'result' },
        h('a', { class: 'short', href: link.shortUrl, target: '_blank', rel: 'noopener' }, link.shortUrl),
        h('button', { type: 'button', class: 'secondary', onclick: () => copy(link.shortUrl) }, 'Copy'),
        h('a', { class: 'button secondary', href: link.shortUrl + '+', target: '_blank', rel: 'noopener' }, 'Preview page')),
      h('dl', { class: 'props' },
        h('dt', {}, 'Target'), h('dd', {}, h('a', { href: link.url, rel: 'noopener noreferrer nofollow', target: '_blank' }, link.url)),
        h('dt', {}, 'Title'), h('dd', {}, link.title || '—'),
        h('dt', {}, 'Redirect'), h('dd', {}, String(link.redirect)),
        h('dt', {}, 'Tags'), h('dd', {}, (link.tags || []).length ? link.tags.map((t) => h('span', { class: 'tag' }, t)) : '—'),
        h('dt', {}, 'Created'), h('dd', {}, when(link.createdAt)),
        h('dt', {}, 'Expires'), h('dd', {}, link.expiresAt ? when(link.expiresAt) : 'never'),
        h('dt', {}, 'Max clicks'), h('dd', {}, link.maxClicks ?? 'no limit')));
  }
  // a day in the browser's own time zone, as the date inputs and the stats API's from/to want it
  function isoDay(d) {
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
  }
  const zone = (() => {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    } catch (e) {
      return 'UTC';
    }
  })();
  async function renderStats(box, link) {
    const today = new Date();
    const from = h('input', { type: 'date', value: isoDay(new Date(today.getTime() - 29 * 864e5)), max: isoDay(today) });
    const to = h('input', { type: 'date', value: isoDay(today), max: isoDay(today) });
    const err = errorBox();
    const body = h('div', { 'aria-live': 'polite' });
    const apply = h('button', { type: 'submit', class: 'secondary' }, 'Show');
    const form = h('form', { class: 'filters', 'aria-label': 'Date range' }, field('from', 'From', from), field('to', 'To', to), h('div', {}, apply));
    async function load() {
      err.hidden = true;
      try {
        // days in the browser's time zone; hours when the range is two days or less
        const days = (Date.parse(to.value) - Date.parse(from.value)) / 864e5 + 1;
        const p = new URLSearchParams({ from: from.value, to: to.value, tz: zone, granularity: days <= 2 ? 'hour' : 'day', top: '10' });
        const s = await json('GET', '/api/v1/links/' + enc(link.code) + '/stats?' + p);
        body.replaceChildren(...statsView(s));
        drawChart(body.querySelector('.chart'), s.series).catch((e) => {
          const chart = body.querySelector('.chart');
          if (chart) chart.replaceChildren(h('p', { class: 'error' }, 'The chart could not be drawn: ' + e.message));
        });
      } catch (e) {
        showError(err, e);
      }
    }
    form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
    box.replaceChildren(h('h2', { id: 'stats-h' }, 'Clicks'), form, err, body);
    await load();
  }
  function statsView(s) {
    const t = s.totals || {};
    const card = (label, n) => h('div', { class: 'stat' }, h('b', {}, (n ?? 0).toLocaleString()), label);
    const top = (title, list) => h('div', {}, h('h3', {}, title),
      list && list.length ? h('ul', { class: 'bars' }, list.map((e) => h('li', {},
        h('span', {}, e.value), h('span', {}, e.clicks.toLocaleString()),
        h('meter', { min: 0, max: list[0].clicks || 1, value: e.clicks, 'aria-label': e.value + ': ' + e.clicks + ' clicks' }))))
        : h('p', { class: 'muted' }, 'None yet.'));
    const tops = s.top || {};
    return [
      h('div', { class: 'cards' }, card('clicks (all time)', s.clicks), card('clicks in range', t.clicks), card('humans', t.humans), card('bots', t.bots), card('unique visitors', t.uniques)),
      h('div', { class: 'legend', 'aria-hidden': 'true' }, h('span', { class: 'h' }, 'humans'), h('span', { class: 'b' }, 'bots')),
      h('div', { class: 'chart', role: 'img', 'aria-label': 'Clicks over time: ' + (t.humans || 0) + ' from humans and ' + (t.bots || 0) + ' from bots in the range' }),
      h('div', { class: 'tops' }, top('Referrers', tops.referrers), top('Countries', tops.countries), top('Browsers', tops.browsers),
        top('Operating systems', tops.os), top('Devices', tops.devices)),
    ];
  }
  let uplotLoading;
  function uplot() {
    if (window.uPlot) return Promise.resolve(window.uPlot);
    if (!uplotLoading) {
      uplotLoading = new Promise((resolve, reject) => {
        document.head.append(h('link', { rel: 'stylesheet', href: me.dataset.uplotCss }));
        const s = h('script', { src: me.dataset.uplot });
        s.onload = () => resolve(window.uPlot);
        s.onerror = () => reject(new Error('the chart library did not load'));
        document.head.append(s);
      });
    }
    return uplotLoading;
  }
  async function drawChart(el, series) {
    if (!el) return;
    const U = await uplot();
    const css = getComputedStyle(document.documentElement);
    const color = (v) => css.getPropertyValue(v).trim();
    const xs = series.map((p) => Date.parse(p.start) / 1000);
    const opts = {
      width: Math.max(280, el.clientWidth || 600), height: 240,
      legend: { show: false },
      axes: [{ stroke: color('--muted'), grid: { stroke: color('--line') } }, { stroke: color('--muted'), grid: { stroke: color('--line') } }],
      series: [{}, { label: 'humans', stroke: color('--human'), width: 2, fill: color('--human') + '22' }, { label: 'bots', stroke: color('--bot'), width: 2 }],
      scales: { y: { range: (u, min, max) => [0, Math.max(4, max)] } },
    };
    el.replaceChildren();
    const plot = new U(opts, [xs, series.map((p) => p.humans), series.map((p) => p.bots)], el);
    // follow the card's width (a rotated phone, a resized window)
    if (window.ResizeObserver) {
      const watch = new ResizeObserver(() => {
        if (!el.isConnected) return watch.disconnect();
        const w = Math.max(280, el.clientWidth);
        if (w !== plot.width) plot.setSize({ width: w, height: 240 });
      });
      watch.observe(el);
    }
    // the colours come from the stylesheet: draw again when the colour scheme flips
    if (window.matchMedia) {
      matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
        if (el.isConnected) drawChart(el, series).catch(() => {});
      }, { once: true });
    }
  }
  function qrCard(link) {
    const img = h('img', { alt: 'QR code for ' + link.shortUrl, width: 160, height: 160 });
    const path = (format) => '/api/v1/links/' + enc(link.code) + '/qr?format=' + format + '&size=512&margin=4';
    call('GET', path('svg')).then((r) => r.blob()).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => { img.alt = 'QR code unavailable'; });
    async function download(format) {
      try {
        const blob = await (await call('GET', path(format))).blob();
        const a = h('a', { href: URL.createObjectURL(blob), download: link.code + '.' + format });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 10000);
      } catch (e) {
        toast(e.message);
      }
    }
    return h('section', { class: 'card', 'aria-labelledby': 'qr-h' }, h('h2', { id: 'qr-h' }, 'QR code'),
      h('div', { class: 'qr' }, img, h('div', {},
        h('button', { type: 'button', class: 'secondary', onclick: () => download('svg') }, 'Download SVG'), ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => download('png') }, 'Download PNG'))));
  }
  function editCard(link) {
    const url = h('input', { type: 'url', required: true, value: link.url, spellcheck: 'false' });
    const disabled = h('input', { type: 'checkbox', checked: link.disabled });
    const { inputs, grid } = linkFields('e-', link);
    const err = errorBox();
    const form = h('form', { class: 'card', 'aria-labelledby': 'edit-h' },
      h('h2', { id: 'edit-h' }, 'Edit'),
      field('e-url', 'Target URL', url),
      grid,
      h('div', { class: 'grid' }, h('label', { class: 'check', for: 'e-disabled' }, (disabled.id = 'e-disabled', disabled), 'Disabled (answers 410 Gone)')),
      err,
      h('p', { class: 'row' }, h('button', { type: 'submit' }, 'Save'),
        h('button', { type: 'button', class: 'danger', onclick: () => confirmDelete(link, () => { location.hash = '#/'; }) }, 'Delete link')));
    const save = form.querySelector('button[type=submit]');
    const named = { url, disabled, ...inputs };
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (save.disabled) return;
      clearError(err, named);
      // only what was changed here: a field left alone keeps whatever it is on the server (an edit made
      // elsewhere meanwhile, an expiry's seconds)
      const all = { url: url.value.trim(), ...linkBody(inputs, true), disabled: disabled.checked };
      const before = { url: link.url, redirect: link.redirect, cacheSeconds: link.cacheSeconds ?? null,
        expiresAt: link.expiresAt ? toLocalInput(link.expiresAt) : null, maxClicks: link.maxClicks ?? null,
        tags: (link.tags || []).join(','), title: link.title ?? null, forwardQuery: !!link.forwardQuery, disabled: !!link.disabled };
      const now = { ...all, expiresAt: inputs.expiresAt.value || null, tags: (all.tags || []).join(','),
        redirect: inputs.redirect.value === '' ? link.redirect : Number(inputs.redirect.value) };
      const body = {};
      for (const k of Object.keys(before)) if (now[k] !== before[k]) body[k] = all[k];
      if (!Object.keys(body).length) {
        toast('Nothing changed');
        return;
      }
      save.disabled = true;
      try {
        const updated = await json('PATCH', '/api/v1/links/' + enc(link.code), body);
        toast('Saved');
        const detail = await viewDetail(updated.code, { keepFocus: true });
        const again = main.querySelector('form[aria-labelledby=edit-h] button[type=submit]');
        if (again) again.focus();
        return detail;
      } catch (e) {
        showError(err, e, named);
      } finally {
        save.disabled = false;
      }
    });
    return form;
  }

  // ---- start -------------------------------------------------------------------------------------------------
  // the skip link moves focus into the content; as a plain #main link it would change the route
  document.querySelector('.skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', route);
  loadSession().then(route, (e) => show(h('p', { class: 'error', role: 'alert' }, 'Cannot reach the server: ' + e.message)));
})();
