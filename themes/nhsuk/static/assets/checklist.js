/* signpost checklists: ticks, owners, dates and notes, kept in this browser only
   (localStorage, one versioned key per site and page). No cookies, no network. */
(function (d, w) {
  'use strict';
  var OLD = 'signpost-checklist:v1:';
  var STATUSES = ['Not started', 'In progress', 'Done', 'Blocked'];
  var COLUMNS = ['Phase', 'Item', 'Done', 'Owner', 'Target date', 'Status', 'Notes', 'Link', 'ID'];
  // Optional columns: older files lack them. Times say when each field last changed, so two
  // readers' files can be combined field by field.
  var TIMES = { p: 'Progress changed', owner: 'Owner changed', date: 'Date changed', notes: 'Notes changed' };
  var FIELDS = ['owner', 'date', 'status', 'notes'];
  var GO_LIVE = 'go-live';
  var script = d.querySelector('script[data-checklist-site]');
  // Progress is keyed by the site (checklist_id) and the page's path without the baseurl,
  // so it survives the guide moving to another address.
  var SITE = (script && script.getAttribute('data-checklist-site')) || 'site';
  var BASE = (script && script.getAttribute('data-base')) || '';
  var PREFIX = 'signpost-checklist:v2:' + SITE + ':';

  // The same page whether its URL is written with or without .html, index or a slash.
  // `based`: the URL starts with the baseurl, which the key leaves out.
  function keyOf(url, based) {
    url = url.replace(/[?#].*$/, '');
    if (based && BASE && (url === BASE || url.indexOf(BASE + '/') === 0)) url = url.slice(BASE.length);
    return url.replace(/(\/index)?\.html$/, '').replace(/\/+$/, '') || '/';
  }
  // YYYY-MM-DD of a real day (years 1000-9999: date fields take 5-digit years), else ''.
  function validDate(v) {
    if (typeof v !== 'string' || !/^[1-9]\d{3}-\d{2}-\d{2}$/.test(v)) return '';
    var t = new Date(v + 'T00:00:00Z');
    return !isNaN(t.getTime()) && t.toISOString().slice(0, 10) === v ? v : '';
  }
  function str(v) { return typeof v === 'string' ? v.slice(0, 10000) : ''; }
  function num(v) { return typeof v === 'number' && v > 0 && v < 1e14 ? v : 0; }
  function times(a) {
    var out = {};
    Object.keys(TIMES).forEach(function (k) { if (a && num(a[k])) out[k] = a[k]; });
    return out;
  }
  // Saved state made safe: anything damaged or tampered with is dropped.
  function clean(s) {
    var out = { v: 2, items: {}, at: num(s.at) };
    var golive = validDate(s.golive);
    if (golive) out.golive = golive;
    Object.keys(s.items).forEach(function (id) {
      var r = s.items[id];
      if (!/^item-[0-9a-f]{12}$/.test(id) || !r || typeof r !== 'object') return;
      var done = r.done === true;
      out.items[id] = {
        done: done, owner: str(r.owner), date: validDate(r.date), notes: str(r.notes),
        status: STATUSES.indexOf(r.status) >= 0 ? r.status : done ? 'Done' : 'Not started',
        item: str(r.item), phase: str(r.phase), at: times(r.at)
      };
    });
    if (typeof s.total === 'number' && typeof s.done === 'number') { out.total = s.total; out.done = s.done; }
    // What the home page and other role pages show of this page: open items with a date or
    // blocked, and the phases' dates.
    out.att = Array.isArray(s.att) ? s.att.filter(function (a) { return Array.isArray(a) && a.length === 4; }).map(function (a) { return [str(a[0]), str(a[1]), validDate(a[2]), !!a[3]]; }) : [];
    out.ph = Array.isArray(s.ph) ? s.ph.filter(Array.isArray).map(function (p) { return [str(p[0]), validDate(p[1]), validDate(p[2])]; }) : [];
    out.title = str(s.title);
    return out;
  }
  function parse(raw) {
    var s = JSON.parse(raw);
    return s && (s.v === 1 || s.v === 2) && s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? clean(s) : null;
  }
  // Progress saved under the old keys (v1: baseurl + path) is carried over once, then the
  // old copy removed. The one saved under this baseurl wins, else the fullest.
  function migrate(path) {
    var best = null, from = null;
    for (var i = 0; i < w.localStorage.length; i++) {
      var k = w.localStorage.key(i);
      if (!k || k.indexOf(OLD) !== 0) continue;
      var rest = k.slice(OLD.length);
      var exact = rest === BASE + path;
      // Another baseurl: whole path segments before the page's path.
      if (!exact && !(rest.slice(-path.length) === path && /^(\/[^/]+)*$/.test(rest.slice(0, rest.length - path.length)))) continue;
      var s = null;
      try { s = parse(w.localStorage.getItem(k)); } catch (e) { /* unreadable: not carried */ }
      if (s && (!best || exact || (!best.exact && Object.keys(s.items).length > Object.keys(best.s.items).length))) { best = { s: s, exact: exact }; from = k; }
    }
    if (!best) return null;
    try {
      w.localStorage.setItem(PREFIX + path, JSON.stringify(best.s));
      w.localStorage.removeItem(from);
    } catch (e) { /* full storage: the old copy stays, and is read again next time */ }
    return best.s;
  }
  function load(path) {
    try {
      var raw = w.localStorage.getItem(PREFIX + path);
      return raw === null ? migrate(path) : parse(raw);
    } catch (e) { /* unreadable or blocked storage: start empty */ }
    return null;
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function text(el) { return el ? el.textContent.replace(/\s+/g, ' ').trim() : ''; }
  function el(name, cls, words) {
    var e = d.createElement(name);
    if (cls) e.className = cls;
    if (words) e.textContent = words;
    return e;
  }
  function tag(label, colour) { return el('strong', 'sp-tag sp-tag--' + colour, label); }
  function link(href, words) { var a = el('a', '', words); a.href = href; return a; }
  function addDays(iso, days) {
    var t = new Date(iso + 'T00:00:00Z');
    t.setUTCDate(t.getUTCDate() + days);
    return isNaN(t.getTime()) ? '' : validDate(t.toISOString().slice(0, 10));
  }
  function longDate(iso) {
    var t = new Date(iso + 'T00:00:00Z');
    return isNaN(t.getTime()) ? iso : t.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  function today() {
    var t = new Date();
    return t.getFullYear() + '-' + pad(t.getMonth() + 1) + '-' + pad(t.getDate());
  }
  var message = d.getElementById('sp-cl-message');
  var alarm = d.getElementById('sp-cl-alert');
  // Confirmations go to the status region, refusals to the alert region (announced at once).
  function say(words, error) {
    if (!message || !alarm) return;
    (error ? alarm : message).textContent = words;
    (error ? message : alarm).textContent = '';
  }
  // A saved page's open items that are overdue or blocked, soonest first.
  function attention(s) {
    var now = today();
    return s.att.filter(function (a) { return a[3] || (a[2] && a[2] < now); })
      .sort(function (a, b) { return (a[2] || '9999') < (b[2] || '9999') ? -1 : (a[2] || '9999') > (b[2] || '9999') ? 1 : 0; });
  }
  function attentionList(s, href) {
    var ul = el('ul', 'sp-attention__list');
    attention(s).forEach(function (a) {
      var li = el('li');
      li.appendChild(link(href + '#' + a[0], a[1]));
      li.appendChild(d.createTextNode(' '));
      li.appendChild(a[2] && a[2] < today() ? tag('Overdue', 'red') : tag('Blocked', 'red'));
      li.appendChild(d.createTextNode(a[2] && a[2] < today() ? ' (target date ' + longDate(a[2]) + (a[3] ? ', and blocked)' : ')') : ''));
      ul.appendChild(li);
    });
    return ul;
  }
  function countsOf(s) {
    var now = today(), list = attention(s);
    return {
      overdue: list.filter(function (a) { return a[2] && a[2] < now; }).length,
      blocked: list.filter(function (a) { return a[3]; }).length
    };
  }

  // Role cards and sidebar links: that role's progress, when the reader has saved any; the
  // cards also list what needs attention.
  var roles = [];
  d.querySelectorAll('[data-role-url]').forEach(function (card) {
    var url = card.getAttribute('data-role-url');
    var path = keyOf(url, true);
    var s = load(path);
    var name = text(card.querySelector('a, [aria-current]'));
    if (!roles.some(function (r) { return r.path === path; })) roles.push({ path: path, name: name, s: s });
    var out = card.querySelector('.sp-role-progress');
    if (!s || !s.total || !out) return;
    var c = countsOf(s);
    out.textContent = s.done + ' of ' + s.total + ' done' + (c.overdue ? ', ' + c.overdue + ' overdue' : '') + (c.blocked ? ', ' + c.blocked + ' blocked' : '');
    out.hidden = false;
    if (!card.classList.contains('sp-card')) return;
    var box = el('div', 'sp-role-attention');
    if (c.overdue + c.blocked) box.appendChild(attentionList(s, url));
    if (!s.golive) {
      var p = el('p', '', 'No Go Live date set, so no suggested dates. ');
      p.appendChild(link(url + '#sp-cl-golive', 'Set the Go Live date'));
      box.appendChild(p);
    }
    if (box.firstChild) card.appendChild(box);
  });

  // What checklist-files.js needs of this page; c.s is the saved state (none on a page without items).
  // (The page's items, key and title are added once known.)
  var api = {
    record: record, phaseDate: phaseDate, dueDate: dueDate, phases: phases, save: save, fill: fill, show: show,
    say: say, plural: plural, text: text, longDate: longDate, addDays: addDays, validDate: validDate, pad: pad,
    blank: blank, SITE: SITE, TIMES: TIMES, COLUMNS: COLUMNS, STATUSES: STATUSES, GO_LIVE: GO_LIVE, num: num,
    link: link, el: el, load: load, roles: roles, countsOf: countsOf, today: today
  };
  Object.defineProperty(api, 's', { get: function () { return state; }, set: function (v) { state = v; } });
  var files;
  // The file tools load the first time a reader uses one (from this site, like this file).
  function withFiles(then) {
    if (w.signpostChecklistFiles) { files = files || w.signpostChecklistFiles(api); then(files); return; }
    var s = el('script');
    s.src = (script ? script.src : BASE + '/assets/checklist.js').replace(/checklist\.js([?#].*)?$/, 'checklist-files.js');
    s.onload = function () { if (w.signpostChecklistFiles) withFiles(then); };
    s.onerror = function () { s.remove(); say('The export and import tools could not be loaded. Check the connection and try again.', true); };
    d.head.appendChild(s);
  }

  d.addEventListener('click', function (e) {
    if (e.target.getAttribute && e.target.getAttribute('data-action') === 'summary') withFiles(function (f) { f.copySummary(); });
  });
  d.querySelectorAll('[data-action=summary]').forEach(function (b) { b.hidden = false; });

  var els = d.querySelectorAll('.sp-check');
  if (!els.length) return;
  var root = d.getElementById('sp-checklist');
  var key = root ? keyOf(root.getAttribute('data-key')) : keyOf(w.location.pathname, true);
  var state = load(key) || { v: 2, items: {} };
  var $ = function (sel) { return root && root.querySelector(sel); };
  var golive = $('#sp-cl-golive');
  var title = text(d.querySelector('h1'));
  if (!roles.some(function (r) { return r.path === key; })) roles.push({ path: key, name: title });
  var groups = {};
  d.querySelectorAll('.sp-group').forEach(function (g) { groups[g.getAttribute('data-group')] = g; });

  var items = [].map.call(els, function (li) {
    var item = {
      li: li, id: li.id, box: li.querySelector('.sp-check__box'),
      label: li.querySelector('.sp-check__text'), meta: li.querySelector('.sp-check__meta'),
      group: li.getAttribute('data-group'), sub: li.getAttribute('data-subgroup'), fields: {}
    };
    FIELDS.forEach(function (f) { item.fields[f] = li.querySelector('[data-field=' + f + ']'); });
    var g = groups[item.group];
    item.phase = g ? g.getAttribute('data-title') : '';
    return item;
  });
  var byId = {};
  items.forEach(function (it) { byId[it.id] = it; });
  api.items = items;
  api.byId = byId;
  api.key = key;
  api.title = title;
  api.q = $;

  function blank(done) { return { done: done, owner: '', date: '', status: done ? 'Done' : 'Not started', notes: '', at: {} }; }
  function record(it) { return state.items[it.id] || blank(it.box.defaultChecked); }
  // The planner's dates for a group's phase, counted from the Go Live date.
  function weeks(groupId, which) {
    var g = groups[groupId];
    var n = g && g.getAttribute('data-' + which + '-week');
    return state.golive && n !== null && n !== undefined ? addDays(state.golive, Math.round(parseFloat(n) * 7)) : '';
  }
  function phaseDate(groupId) { return weeks(groupId, 'end'); }
  function dueDate(it) { return record(it).date || phaseDate(it.group); }
  // The phases this page maps to, once each, with their dates.
  function phases() {
    var seen = {}, out = [];
    Object.keys(groups).forEach(function (id) {
      var g = groups[id], p = g.getAttribute('data-phase');
      if (!p || seen[p] || !state.golive) return;
      seen[p] = 1;
      out.push({ id: p, name: g.getAttribute('data-phase-name'), start: weeks(id, 'start'), end: weeks(id, 'end') });
    });
    return out.sort(function (a, b) { return a.start < b.start ? -1 : a.start > b.start ? 1 : 0; });
  }

  // False (reader told) when the browser refuses, e.g. its storage is full.
  function summarise() {
    state.total = items.length;
    state.done = items.filter(function (it) { return record(it).done; }).length;
    state.title = title;
    state.att = items.filter(function (it) { var r = record(it); return !r.done && (dueDate(it) || r.status === 'Blocked'); })
      .map(function (it) { return [it.id, text(it.label), dueDate(it), record(it).status === 'Blocked']; });
    state.ph = phases().map(function (p) { return [p.name, p.start, p.end]; });
  }
  function save(quiet) {
    summarise();
    try {
      w.localStorage.setItem(PREFIX + key, JSON.stringify(state));
      return true;
    } catch (e) {
      var full = e && (e.name === 'QuotaExceededError' || e.code === 22 || e.code === 1014);
      if (!quiet) say('Your progress was not saved: ' + (full ? 'this browser’s storage for this site is full.' : 'this browser does not allow it.'), true);
      return false;
    }
  }
  // A reader's change to one item, with when each field changed: kept with its text, so an
  // export can still list it after the item leaves the page.
  function change(it, values) {
    var r = record(it);
    r.at = r.at || {};
    Object.keys(values).forEach(function (k) {
      r[k] = values[k];
      r.at[k === 'done' || k === 'status' ? 'p' : k] = Date.now();
    });
    r.item = text(it.label);
    r.phase = it.phase;
    state.items[it.id] = r;
    save();
    show();
  }

  function fill() {
    items.forEach(function (it) {
      var r = record(it);
      it.box.checked = r.done;
      FIELDS.forEach(function (f) { if (it.fields[f]) it.fields[f].value = r[f] || (f === 'status' ? 'Not started' : ''); });
    });
    if (golive) golive.value = state.golive || '';
  }

  // Everything derived from the state: item meta lines, group lines, counts, next items and
  // what needs attention.
  function show() {
    var now = today();
    var done = 0;
    var perGroup = {};
    items.forEach(function (it) {
      var r = record(it);
      var due = dueDate(it);
      var overdue = !r.done && due && due < now;
      if (r.done) done++;
      // An item counts in its phase and in its sub-group (a deeper heading), if any.
      [it.group, it.sub].forEach(function (id) {
        if (!id) return;
        var g = perGroup[id] = perGroup[id] || { done: 0, total: 0, overdue: 0, busy: 0, blocked: 0 };
        g.total++;
        if (r.done) g.done++;
        if (overdue) g.overdue++;
        if (r.status === 'Blocked') g.blocked++;
        if (r.status === 'In progress') g.busy++;
      });
      it.li.classList.toggle('sp-check--done', r.done);
      var meta = it.meta;
      meta.textContent = '';
      var parts = [];
      var suggested = phaseDate(it.group);
      if (r.owner) parts.push('Owner: ' + r.owner);
      // The reader's date and the planner's, side by side, as in the CSV.
      if (r.date) parts.push('Target date: ' + longDate(r.date));
      if (suggested) parts.push('Suggested date: ' + longDate(suggested) + ' (from the Go Live date)');
      if (r.status && r.status !== 'Not started' && r.status !== 'Done') parts.push('Status: ' + r.status);
      if (r.notes) parts.push('Notes: ' + r.notes);
      if (overdue) { meta.appendChild(tag('Overdue', 'red')); meta.appendChild(d.createTextNode(' ')); }
      meta.appendChild(d.createTextNode(parts.join('. ')));
    });
    Object.keys(groups).forEach(function (id) {
      var g = perGroup[id];
      var box = groups[id];
      if (!g) return;
      var status = g.done === g.total ? ['Done', 'green'] : g.overdue ? ['Overdue', 'red'] : g.blocked ? ['Blocked', 'red']
        : g.done || g.busy ? ['In progress', 'blue'] : ['Not started', 'grey'];
      box.textContent = '';
      var p = el('p', 'sp-group__progress', g.done + ' of ' + g.total + ' done ');
      p.appendChild(tag(status[0], status[1]));
      box.appendChild(p);
      var date = phaseDate(id);
      if (date) box.appendChild(el('p', 'sp-group__target', 'Suggested target: ' + longDate(date) + ', the end of ' + box.getAttribute('data-phase-name') + '.'));
      box.hidden = false;
    });
    var count = $('#sp-cl-count');
    var bar = $('#sp-cl-bar');
    var words = done + ' of ' + items.length + ' done';
    // Only a real change is announced (polite live region).
    if (count && count.textContent !== words) count.textContent = words;
    if (bar) { bar.max = items.length; bar.value = done; }
    var next = $('.sp-cl__next');
    if (next) {
      var open = items.filter(function (it) { return !record(it).done; });
      open.sort(function (a, b) {
        var x = dueDate(a) || '9999', y = dueDate(b) || '9999';
        return x < y ? -1 : x > y ? 1 : items.indexOf(a) - items.indexOf(b);
      });
      var list = next.querySelector('ol');
      list.textContent = '';
      open.slice(0, 5).forEach(function (it) {
        var li = el('li');
        li.appendChild(link('#' + it.id, text(it.label)));
        var due = dueDate(it);
        if (due) li.appendChild(d.createTextNode(' (by ' + longDate(due) + ')'));
        list.appendChild(li);
      });
      next.hidden = !open.length;
    }
    var panel = $('.sp-cl__attention');
    if (panel) {
      // Kept fresh for the home page, once the reader has saved anything.
      if (Object.keys(state.items).length || state.golive) save(true); else summarise();
      var c = countsOf(state);
      var body = panel.querySelector('div');
      body.textContent = '';
      body.appendChild(el('p', '', c.overdue + c.blocked ? c.overdue + ' overdue, ' + c.blocked + ' blocked:' : 'Nothing on this page is overdue or blocked.'));
      if (c.overdue + c.blocked) body.appendChild(attentionList(state, ''));
      if (!state.golive && golive) {
        var hint = el('p', '', 'No Go Live date is set, so items have no suggested dates: only their own target dates can be overdue. ');
        hint.appendChild(link('#sp-cl-golive', 'Set the Go Live date'));
        body.appendChild(hint);
      }
      panel.hidden = false;
    }
  }

  items.forEach(function (it) {
    it.box.addEventListener('change', function () {
      var r = record(it);
      var status = it.box.checked ? 'Done' : r.status === 'Done' ? 'Not started' : r.status;
      if (it.fields.status) it.fields.status.value = status;
      change(it, { done: it.box.checked, status: status });
    });
    FIELDS.forEach(function (f) {
      var field = it.fields[f];
      if (!field) return;
      field.addEventListener(f === 'status' || f === 'date' ? 'change' : 'input', function () {
        var values = {};
        values[f] = field.value;
        // Typing a year digit by digit passes through years like 0002: not saved, not fought.
        if (f === 'date' && field.value && !validDate(field.value)) return;
        if (f === 'status') { values.done = field.value === 'Done'; it.box.checked = values.done; }
        change(it, values);
      });
    });
    // A text with a link is not a <label> (no link inside a label): clicking the text
    // outside the link still ticks.
    if (it.label.tagName !== 'LABEL') {
      it.label.addEventListener('click', function (e) { if (!e.target.closest('a')) it.box.click(); });
    }
  });
  if (golive) {
    golive.addEventListener('change', function () {
      if (golive.value && !validDate(golive.value)) return;
      var before = items.map(dueDate);
      state.golive = golive.value;
      state.at = Date.now();
      save();
      show();
      var moved = items.filter(function (it, i) { return dueDate(it) !== before[i]; }).length;
      say('Go Live date ' + (state.golive ? 'set to ' + longDate(state.golive) : 'cleared') + ': ' + plural(moved, 'suggested target date') + ' changed.');
    });
  }
  if (root) {
    // Said when the reader leaves a date field holding a date the page cannot use.
    root.addEventListener('focusout', function (e) {
      var f = e.target;
      if (f.type === 'date' && f.value && !validDate(f.value)) say('“' + f.value + '” is not a date this page can use, so it was not saved.', true);
    });
    var file = $('#sp-cl-file');
    root.addEventListener('click', function (e) {
      var action = e.target.getAttribute && e.target.getAttribute('data-action');
      if (action === 'export') withFiles(function (f) { f.exportCsv(); });
      else if (action === 'calendar') withFiles(function (f) { f.exportIcs(); });
      else if (action === 'import') file.click();
      else if (action === 'print') w.print();
      else if (action === 'reset' && w.confirm('Clear every tick, owner, date and note on this page? This cannot be undone.')) {
        state = { v: 2, items: {} };
        try { w.localStorage.removeItem(PREFIX + key); } catch (err) { /* nothing was saved */ }
        fill();
        show();
        say('Cleared. Nothing is saved for this page now.');
      }
    });
    file.addEventListener('change', function () {
      var chosen = file.files[0];
      file.value = '';
      if (chosen) withFiles(function (f) { f.importFile(chosen); });
    });
  }

  // Tools first, so bad saved state can never hide export, import or reset.
  d.documentElement.classList.add('sp-cl-on');
  d.querySelectorAll('.sp-check__details,.sp-cl__tools').forEach(function (e) { e.hidden = false; });
  try {
    fill();
    show();
  } catch (e) {
    state = { v: 2, items: {} };
    fill();
    show();
    say('The progress saved for this page could not be read. Use Reset to clear it.', true);
  }
})(document, window);
