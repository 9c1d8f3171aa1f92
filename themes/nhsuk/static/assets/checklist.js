/* signpost checklists: ticks, owners, dates and notes, kept in this browser only
   (localStorage, one versioned key per site and page). No cookies, no network. */
(function (d, w) {
  'use strict';
  var PREFIX = 'signpost-checklist:v1:';
  var STATUSES = ['Not started', 'In progress', 'Done', 'Blocked'];
  var COLUMNS = ['Phase', 'Item', 'Done', 'Owner', 'Target date', 'Status', 'Notes', 'Link', 'ID'];
  var FIELDS = ['owner', 'date', 'status', 'notes'];
  var GO_LIVE = 'go-live';

  // The same page whether its URL is written with or without .html, index or a slash.
  function keyOf(url) {
    return url.replace(/[?#].*$/, '').replace(/(\/index)?\.html$/, '').replace(/\/+$/, '') || '/';
  }
  // YYYY-MM-DD of a real day (years 1000-9999: date fields take 5-digit years), else ''.
  function validDate(v) {
    if (typeof v !== 'string' || !/^[1-9]\d{3}-\d{2}-\d{2}$/.test(v)) return '';
    var t = new Date(v + 'T00:00:00Z');
    return !isNaN(t.getTime()) && t.toISOString().slice(0, 10) === v ? v : '';
  }
  function str(v) { return typeof v === 'string' ? v.slice(0, 10000) : ''; }
  // Saved state made safe: anything damaged or tampered with is dropped.
  function clean(s) {
    var out = { v: 1, items: {} };
    var golive = validDate(s.golive);
    if (golive) out.golive = golive;
    Object.keys(s.items).forEach(function (id) {
      var r = s.items[id];
      if (!/^item-[0-9a-f]{12}$/.test(id) || !r || typeof r !== 'object') return;
      var done = r.done === true;
      out.items[id] = {
        done: done, owner: str(r.owner), date: validDate(r.date), notes: str(r.notes),
        status: STATUSES.indexOf(r.status) >= 0 ? r.status : done ? 'Done' : 'Not started',
        item: str(r.item), phase: str(r.phase)
      };
    });
    if (typeof s.total === 'number' && typeof s.done === 'number') { out.total = s.total; out.done = s.done; }
    return out;
  }
  function load(key) {
    try {
      var s = JSON.parse(w.localStorage.getItem(PREFIX + key));
      if (s && s.v === 1 && s.items && typeof s.items === 'object' && !Array.isArray(s.items)) return clean(s);
    } catch (e) { /* unreadable or blocked storage: start empty */ }
    return null;
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function text(el) { return el ? el.textContent.replace(/\s+/g, ' ').trim() : ''; }
  function tag(label, colour) {
    var s = d.createElement('strong');
    s.className = 'sp-tag sp-tag--' + colour;
    s.textContent = label;
    return s;
  }

  // Role cards and sidebar links: that role's progress, when the reader has saved any.
  d.querySelectorAll('[data-role-url]').forEach(function (el) {
    var s = load(keyOf(el.getAttribute('data-role-url')));
    var out = el.querySelector('.sp-role-progress');
    if (s && s.total && out) {
      out.textContent = s.done + ' of ' + s.total + ' done';
      out.hidden = false;
    }
  });

  var els = d.querySelectorAll('.sp-check');
  if (!els.length) return;
  var root = d.getElementById('sp-checklist');
  var key = keyOf(root ? root.getAttribute('data-key') : w.location.pathname);
  var state = load(key) || { v: 1, items: {} };
  var $ = function (sel) { return root && root.querySelector(sel); };
  var golive = $('#sp-cl-golive');
  var message = $('#sp-cl-message');
  var alarm = $('#sp-cl-alert');
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

  function record(it) {
    var r = state.items[it.id];
    return r || { done: it.box.defaultChecked, owner: '', date: '', status: it.box.defaultChecked ? 'Done' : 'Not started', notes: '' };
  }
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
  // The planner's date for a group: the end of its phase, counted from the Go Live date.
  function phaseDate(groupId) {
    var g = groups[groupId];
    var end = g && g.getAttribute('data-end-week');
    return state.golive && end !== null && end !== undefined ? addDays(state.golive, Math.round(parseFloat(end) * 7)) : '';
  }
  function dueDate(it) { return record(it).date || phaseDate(it.group); }

  // False (reader told) when the browser refuses, e.g. its storage is full.
  function save() {
    var done = items.filter(function (it) { return record(it).done; }).length;
    state.total = items.length;
    state.done = done;
    try {
      w.localStorage.setItem(PREFIX + key, JSON.stringify(state));
      return true;
    } catch (e) {
      var full = e && (e.name === 'QuotaExceededError' || e.code === 22 || e.code === 1014);
      say('Your progress was not saved: ' + (full ? 'this browser’s storage for this site is full.' : 'this browser does not allow it.'), true);
      return false;
    }
  }
  // Confirmations go to the status region, refusals to the alert region (announced at once).
  function say(words, error) {
    if (!message || !alarm) return;
    (error ? alarm : message).textContent = words;
    (error ? message : alarm).textContent = '';
  }
  // A reader's change to one item: kept with its text, so an export can still list it
  // after the item leaves the page.
  function change(it, values) {
    var r = record(it);
    Object.keys(values).forEach(function (k) { r[k] = values[k]; });
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

  // Everything derived from the state: item meta lines, group lines, counts, next items.
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
      if (r.owner) parts.push('Owner: ' + r.owner);
      if (due) parts.push('Target: ' + longDate(due) + (r.date ? '' : ' (from the Go Live date)'));
      if (r.status && r.status !== 'Not started' && r.status !== 'Done') parts.push('Status: ' + r.status);
      if (r.notes) parts.push('Notes: ' + r.notes);
      if (overdue) { meta.appendChild(tag('Overdue', 'red')); meta.appendChild(d.createTextNode(' ')); }
      meta.appendChild(d.createTextNode(parts.join('. ')));
    });
    Object.keys(groups).forEach(function (id) {
      var el = groups[id];
      var g = perGroup[id];
      if (!g) return;
      var status = g.done === g.total ? ['Done', 'green'] : g.overdue ? ['Overdue', 'red'] : g.blocked ? ['Blocked', 'red']
        : g.done || g.busy ? ['In progress', 'blue'] : ['Not started', 'grey'];
      el.textContent = '';
      var p = d.createElement('p');
      p.className = 'sp-group__progress';
      p.appendChild(d.createTextNode(g.done + ' of ' + g.total + ' done '));
      p.appendChild(tag(status[0], status[1]));
      el.appendChild(p);
      var date = phaseDate(id);
      if (date) {
        var t = d.createElement('p');
        t.className = 'sp-group__target';
        t.textContent = 'Suggested target: ' + longDate(date) + ', the end of ' + el.getAttribute('data-phase-name') + '.';
        el.appendChild(t);
      }
      el.hidden = false;
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
        var li = d.createElement('li');
        var a = d.createElement('a');
        a.href = '#' + it.id;
        a.textContent = text(it.label);
        li.appendChild(a);
        var due = dueDate(it);
        if (due) li.appendChild(d.createTextNode(' (by ' + longDate(due) + ')'));
        list.appendChild(li);
      });
      next.hidden = !open.length;
    }
  }

  // CSV: RFC 4180, UTF-8 with a byte order mark so Excel reads it as UTF-8.
  // A cell starting with = + - @ TAB CR (OWASP's list; also LF and NUL) would be run as a
  // formula by a spreadsheet: it gets a leading ' and quotes. So does one that already starts
  // with ' before such a character, so import takes exactly one ' off and gives back the
  // reader's text as it was.
  var FORMULA = /^'*[=+\-@\t\r\n\0]/;
  function cell(value) {
    var s = String(value === undefined || value === null ? '' : value);
    var guarded = FORMULA.test(s);
    if (guarded) s = "'" + s;
    return guarded || /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function unguard(s) { return /^'/.test(s) && FORMULA.test(s) ? s.slice(1) : s; }
  function toCsv() {
    var rows = [COLUMNS];
    rows.push(['Plan', 'Go Live date', '', '', state.golive || '', '', '', '', GO_LIVE]);
    items.forEach(function (it) {
      var r = record(it);
      var link = it.label.querySelector('a');
      rows.push([it.phase, text(it.label), r.done ? 'Yes' : 'No', r.owner, r.date, r.status || (r.done ? 'Done' : 'Not started'), r.notes, link ? link.href : '', it.id]);
    });
    // Saved items no longer on the page are kept and exported, never dropped.
    Object.keys(state.items).forEach(function (id) {
      var r = state.items[id];
      if (!byId[id]) rows.push([r.phase, r.item, r.done ? 'Yes' : 'No', r.owner, r.date, r.status, r.notes, '', id]);
    });
    return '\ufeff' + rows.map(function (row) { return row.map(cell).join(','); }).join('\r\n') + '\r\n';
  }
  function parseCsv(src) {
    var rows = [[]], field = '', quoted = false, i = 0, row = 1;
    src = src.replace(/^\ufeff/, '');
    for (; i < src.length; i++) {
      var c = src[i];
      if (quoted) {
        if (c === '"' && src[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"' && field === '') quoted = true;
      else if (c === ',') { rows[rows.length - 1].push(field); field = ''; }
      else if (c === '\n' || c === '\r') {
        if (c === '\r' && src[i + 1] === '\n') i++;
        rows[rows.length - 1].push(field); field = ''; rows.push([]); row++;
      } else field += c;
    }
    if (quoted) throw new Error('Row ' + row + ': a quoted field is never closed.');
    rows[rows.length - 1].push(field);
    return rows.filter(function (r) { return r.length > 1 || r[0] !== ''; });
  }
  function isoDate(v, row) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) || /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
    if (!v) return '';
    // Excel saves dates the UK way, day first.
    var iso = m && (m[1].length === 4 ? m[1] + '-' + m[2] + '-' + m[3] : m[3] + '-' + pad(+m[2]) + '-' + pad(+m[1]));
    if (!iso || isNaN(Date.parse(iso + 'T00:00:00Z')) || new Date(iso + 'T00:00:00Z').toISOString().slice(0, 10) !== iso) {
      throw new Error('Row ' + row + ': “' + v + '” is not a date (use YYYY-MM-DD).');
    }
    return iso;
  }
  // Checks the whole file before changing anything, so a bad file loses nothing.
  function readCsv(src) {
    var rows = parseCsv(src);
    if (!rows.length) throw new Error('The file is empty.');
    var head = rows[0].map(function (h) { return h.trim().toLowerCase(); });
    var at = {};
    COLUMNS.forEach(function (c) {
      at[c] = head.indexOf(c.toLowerCase());
      if (at[c] < 0) throw new Error('Row 1: there is no “' + c + '” column. Export a file from this page to see the columns.');
    });
    var seen = {}, changes = [];
    rows.slice(1).forEach(function (r, n) {
      var row = n + 2;
      if (r.length !== head.length) throw new Error('Row ' + row + ': it has ' + plural(r.length, 'field') + ', the header has ' + head.length + '.');
      // Free text (owner, notes, names) comes back exactly as exported; codes are trimmed.
      var exact = function (c) { return unguard(r[at[c]]); };
      var get = function (c) { return exact(c).trim(); };
      var id = get('ID');
      if (!/^item-[0-9a-f]{12}$/.test(id) && id !== GO_LIVE) throw new Error('Row ' + row + ': “' + id + '” is not a checklist item ID.');
      if (seen[id]) throw new Error('Row ' + row + ': item ' + id + ' is already in row ' + seen[id] + '.');
      seen[id] = row;
      var date = isoDate(get('Target date'), row);
      if (id === GO_LIVE) { changes.push({ golive: date }); return; }
      var doneText = get('Done').toLowerCase();
      var status = get('Status');
      var known = STATUSES.filter(function (s) { return s.toLowerCase() === status.toLowerCase(); })[0];
      if (status && !known) throw new Error('Row ' + row + ': status “' + status + '” is not one of ' + STATUSES.join(', ') + '.');
      if (['yes', 'no', ''].indexOf(doneText) < 0) throw new Error('Row ' + row + ': Done is “' + get('Done') + '”; use Yes or No.');
      var done = doneText ? doneText === 'yes' : known === 'Done';
      changes.push({ id: id, r: {
        done: done, owner: exact('Owner'), date: date, notes: exact('Notes'), phase: exact('Phase'), item: exact('Item'),
        status: done ? 'Done' : known && known !== 'Done' ? known : 'Not started'
      } });
    });
    return changes;
  }
  function importFile(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var changes;
      try {
        changes = readCsv(String(reader.result));
      } catch (e) {
        say('Nothing was imported from ' + file.name + '. ' + e.message, true);
        return;
      }
      // Replacing saved progress is asked first, saying what would change.
      if (Object.keys(state.items).length || state.golive) {
        var n = { tick: 0, owner: 0, date: 0, note: 0 };
        changes.forEach(function (c) {
          if (!c.id) { n.date += (c.golive || '') !== (state.golive || ''); return; }
          var r = byId[c.id] ? record(byId[c.id]) : state.items[c.id] || {};
          n.tick += !!r.done !== c.r.done;
          n.owner += (r.owner || '') !== c.r.owner;
          n.date += (r.date || '') !== c.r.date;
          n.note += (r.notes || '') !== c.r.notes;
        });
        var what = Object.keys(n).map(function (k) { return plural(n[k], k); }).join(', ');
        if (!w.confirm('Import ' + file.name + '? It replaces the progress saved in this browser for this page. Changes: ' + what + '.')) {
          say('Import cancelled. Nothing was changed.');
          return;
        }
      }
      var before = JSON.stringify(state);
      changes.forEach(function (c) {
        if (c.id) state.items[c.id] = c.r; else state.golive = c.golive;
      });
      if (!save()) {
        state = JSON.parse(before);
        fill();
        show();
        say('Nothing was imported from ' + file.name + ': it could not be saved (this browser’s storage is full).', true);
        return;
      }
      fill();
      show();
      say('Imported ' + plural(changes.filter(function (c) { return c.id; }).length, 'item') + ' from ' + file.name + '.');
    };
    reader.onerror = function () { say('The file ' + file.name + ' could not be read.', true); };
    reader.readAsText(file);
  }
  function exportCsv() {
    var url = URL.createObjectURL(new Blob([toCsv()], { type: 'text/csv;charset=utf-8' }));
    var a = d.createElement('a');
    a.href = url;
    a.download = (key.split('/').pop() || 'checklist') + '-checklist.csv';
    d.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    say('Exported ' + plural(items.length, 'item') + ' as ' + a.download + '.');
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
      if (action === 'export') exportCsv();
      else if (action === 'import') file.click();
      else if (action === 'print') w.print();
      else if (action === 'reset' && w.confirm('Clear every tick, owner, date and note on this page? This cannot be undone.')) {
        state = { v: 1, items: {} };
        try { w.localStorage.removeItem(PREFIX + key); } catch (err) { /* nothing was saved */ }
        fill();
        show();
        say('Cleared. Nothing is saved for this page now.');
      }
    });
    file.addEventListener('change', function () {
      if (file.files[0]) importFile(file.files[0]);
      file.value = '';
    });
  }

  // Tools first, so bad saved state can never hide export, import or reset.
  d.documentElement.classList.add('sp-cl-on');
  d.querySelectorAll('.sp-check__details,.sp-cl__tools').forEach(function (el) { el.hidden = false; });
  try {
    fill();
    show();
  } catch (e) {
    state = { v: 1, items: {} };
    fill();
    show();
    say('The progress saved for this page could not be read. Use Reset to clear it.', true);
  }
})(document, window);
