/* signpost checklists: the file tools (CSV export and import, combining two readers'
   progress, calendar export). checklist.js loads this the first time a reader uses one, so
   pages load less; `c` is what checklist.js shares with it (c.s is the page's saved state, none on the home page). */
(function (d, w) {
  'use strict';
  w.signpostChecklistFiles = function (c) {
    var items = c.items;
    var byId = c.byId;
    var record = c.record;
    var phaseDate = c.phaseDate;
    var dueDate = c.dueDate;
    var phases = c.phases;
    var save = c.save;
    var fill = c.fill;
    var show = c.show;
    var say = c.say;
    var plural = c.plural;
    var text = c.text;
    var longDate = c.longDate;
    var addDays = c.addDays;
    var validDate = c.validDate;
    var pad = c.pad;
    var blank = c.blank;
    var key = c.key;
    var title = c.title;
    var SITE = c.SITE;
    var TIMES = c.TIMES;
    var COLUMNS = c.COLUMNS;
    var STATUSES = c.STATUSES;
    var GO_LIVE = c.GO_LIVE;
    var num = c.num;
    var link = c.link;
    var $ = c.q;
    var el = c.el, load = c.load, roles = c.roles, countsOf = c.countsOf, today = c.today;
    // Plain text for an email or chat message: per role, done of total, overdue, blocked, and
    // the next phase with its dates.
    function summary() {
      var lines = [(d.querySelector('.sp-header__service') ? text(d.querySelector('.sp-header__service')) + ': ' : '') + 'checklist status on ' + longDate(today())];
      roles.forEach(function (r) {
        var s = r.path === c.key && c.s ? c.s : load(r.path);
        if (!s || !s.total) { lines.push(r.name + ': no progress saved in this browser.'); return; }
        var n = countsOf(s);
        var line = r.name + ': ' + s.done + ' of ' + s.total + ' done, ' + n.overdue + ' overdue, ' + n.blocked + ' blocked.';
        var next = s.ph.filter(function (p) { return p[2] && p[2] >= today(); })[0];
        if (s.golive) line += ' Go Live ' + longDate(s.golive) + '.';
        else line += ' No Go Live date set.';
        if (next) line += ' Next phase: ' + next[0] + ', ' + longDate(next[1]) + ' to ' + longDate(next[2]) + '.';
        lines.push(line);
      });
      return lines.join('\n') + '\n';
    }
    function copySummary() {
      var words = summary();
      var done = function () { say('Copied the status of ' + plural(roles.length, 'role') + ' to the clipboard.'); };
      var fallback = function () {
        var t = el('textarea');
        t.value = words;
        t.setAttribute('readonly', '');
        t.style.position = 'fixed';
        t.style.opacity = '0';
        d.body.appendChild(t);
        t.select();
        var ok = false;
        try { ok = d.execCommand('copy'); } catch (e) { /* not allowed */ }
        t.remove();
        if (ok) done(); else say('This browser did not allow copying to the clipboard.', true);
      };
      if (w.navigator.clipboard && w.navigator.clipboard.writeText) w.navigator.clipboard.writeText(words).then(done, fallback);
      else fallback();
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
    function iso(t) { return t ? new Date(t).toISOString() : ''; }
    var HEAD = COLUMNS.slice(0, 5).concat('Suggested date', COLUMNS.slice(5), Object.keys(TIMES).map(function (k) { return TIMES[k]; }));
    function row(phase, item, r, suggested, href, id) {
      return [phase, item, r.done ? 'Yes' : 'No', r.owner, r.date, suggested, r.status || (r.done ? 'Done' : 'Not started'), r.notes, href, id]
        .concat(Object.keys(TIMES).map(function (k) { return iso(r.at && r.at[k]); }));
    }
    function toCsv() {
      var rows = [HEAD, ['Plan', 'Go Live date', '', '', c.s.golive || '', '', '', '', '', GO_LIVE, '', '', iso(c.s.at), '']];
      items.forEach(function (it) {
        var a = it.label.querySelector('a');
        rows.push(row(it.phase, text(it.label), record(it), phaseDate(it.group), a ? a.href : '', it.id));
      });
      // Saved items no longer on the page are kept and exported, never dropped.
      Object.keys(c.s.items).forEach(function (id) {
        var r = c.s.items[id];
        if (!byId[id]) rows.push(row(r.phase, r.item, r, '', '', id));
      });
      return '\ufeff' + rows.map(function (r) { return r.map(cell).join(','); }).join('\r\n') + '\r\n';
    }
    function parseCsv(src) {
      var rows = [[]], field = '', quoted = false, i = 0, line = 1;
      src = src.replace(/^\ufeff/, '');
      for (; i < src.length; i++) {
        var c = src[i];
        if (quoted) {
          if (c === '"' && src[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
        } else if (c === '"' && field === '') quoted = true;
        else if (c === ',') { rows[rows.length - 1].push(field); field = ''; }
        else if (c === '\n' || c === '\r') {
          if (c === '\r' && src[i + 1] === '\n') i++;
          rows[rows.length - 1].push(field); field = ''; rows.push([]); line++;
        } else field += c;
      }
      if (quoted) throw new Error('Row ' + line + ': a quoted field is never closed.');
      rows[rows.length - 1].push(field);
      return rows.filter(function (r) { return r.length > 1 || r[0] !== ''; });
    }
    function isoDate(v, n) {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) || /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
      if (!v) return '';
      // Excel saves dates the UK way, day first.
      var out = m && (m[1].length === 4 ? m[1] + '-' + m[2] + '-' + m[3] : m[3] + '-' + pad(+m[2]) + '-' + pad(+m[1]));
      if (!validDate(out)) throw new Error('Row ' + n + ': “' + v + '” is not a date (use YYYY-MM-DD).');
      return out;
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
      rows.slice(1).forEach(function (r, i) {
        var n = i + 2;
        if (r.length !== head.length) throw new Error('Row ' + n + ': it has ' + plural(r.length, 'field') + ', the header has ' + head.length + '.');
        // Free text (owner, notes, names) comes back exactly as exported; codes are trimmed.
        var exact = function (c) { return unguard(r[at[c]]); };
        var get = function (c) { return exact(c).trim(); };
        var stamps = {};
        Object.keys(TIMES).forEach(function (k) {
          var col = head.indexOf(TIMES[k].toLowerCase());
          var v = col < 0 ? '' : r[col].trim();
          if (!v) return;
          var t = Date.parse(v);
          if (!num(t)) throw new Error('Row ' + n + ': ' + TIMES[k] + ' “' + v + '” is not a time.');
          stamps[k] = t;
        });
        var id = get('ID');
        if (!/^item-[0-9a-f]{12}$/.test(id) && id !== GO_LIVE) throw new Error('Row ' + n + ': “' + id + '” is not a checklist item ID.');
        if (seen[id]) throw new Error('Row ' + n + ': item ' + id + ' is already in row ' + seen[id] + '.');
        seen[id] = n;
        var date = isoDate(get('Target date'), n);
        if (id === GO_LIVE) { changes.push({ golive: date, at: stamps.date || 0 }); return; }
        var doneText = get('Done').toLowerCase();
        var status = get('Status');
        var known = STATUSES.filter(function (s) { return s.toLowerCase() === status.toLowerCase(); })[0];
        if (status && !known) throw new Error('Row ' + n + ': status “' + status + '” is not one of ' + STATUSES.join(', ') + '.');
        if (['yes', 'no', ''].indexOf(doneText) < 0) throw new Error('Row ' + n + ': Done is “' + get('Done') + '”; use Yes or No.');
        var done = doneText ? doneText === 'yes' : known === 'Done';
        changes.push({ id: id, r: {
          done: done, owner: exact('Owner'), date: date, notes: exact('Notes'), phase: exact('Phase'), item: exact('Item'),
          status: done ? 'Done' : known && known !== 'Done' ? known : 'Not started', at: stamps
        } });
      });
      return changes;
    }

    // What an import would do, without doing it. Replace takes the file as it is. Combine
    // takes, per item and field, the newer change (a field without a time is older than any
    // with one); with no times on either side, a tick is kept and a blank filled.
    function apply(changes, combine) {
      var next = JSON.parse(JSON.stringify(c.s));
      var n = { ticked: 0, unticked: 0, status: 0, owner: 0, date: 0, notes: 0, golive: 0, conflict: 0 };
      var same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
      changes.forEach(function (c) {
        if (!c.id) {
          var mine = next.golive || '', tm = next.at || 0;
          if (mine === c.golive) return;
          if (combine && tm && c.at) n.conflict++;
          if (!combine || c.at > tm || (c.at === tm && !mine)) { next.golive = c.golive; next.at = c.at; n.golive++; }
          return;
        }
        var was = next.items[c.id] || (byId[c.id] ? blank(byId[c.id].box.defaultChecked) : blank(false));
        var r = combine ? JSON.parse(JSON.stringify(was)) : c.r;
        r.at = r.at || {};
        ['p', 'owner', 'date', 'notes'].forEach(function (k) {
          var a = k === 'p' ? [was.done, was.status] : was[k] || '';
          var b = k === 'p' ? [c.r.done, c.r.status] : c.r[k] || '';
          if (same(a, b)) return;
          var tm = (was.at && was.at[k]) || 0, tx = c.r.at[k] || 0;
          // Equal times (none on either side): a tick is kept, an untouched field filled.
          var take = !combine || tx > tm || (tx === tm && (k === 'p' ? (c.r.done && !was.done) || (!was.done && was.status === 'Not started') : !a));
          if (combine && tm && tx) n.conflict++;
          if (!take) return;
          if (k === 'p') {
            r.done = c.r.done;
            r.status = c.r.status;
            n[c.r.done && !was.done ? 'ticked' : !c.r.done && was.done ? 'unticked' : 'status']++;
          } else { r[k] = c.r[k]; n[k]++; }
          if (tx) r.at[k] = tx;
        });
        r.item = c.r.item || was.item || '';
        r.phase = c.r.phase || was.phase || '';
        next.items[c.id] = r;
      });
      return { s: next, n: n };
    }
    function report(n) {
      var parts = [];
      [['ticked', 'item', 'ticked'], ['unticked', 'item', 'unticked'], ['status', 'status', 'changed'], ['owner', 'owner', 'set'],
        ['date', 'target date', 'set'], ['notes', 'note', 'changed'], ['conflict', 'conflict', 'resolved by date (the newer change kept)']]
        .forEach(function (p) { if (n[p[0]]) parts.push(plural(n[p[0]], p[1]) + ' ' + p[2]); });
      if (n.golive) parts.push('the Go Live date changed');
      return parts.length ? parts.join(', ') : 'nothing changed';
    }
    var dialog = $ && $('.sp-cl__dialog');
    // Saved progress is never replaced without asking: Combine, Replace or Cancel.
    function ask(name, combined, replaced, then) {
      dialog.querySelector('.sp-cl__dialog-file').textContent = name;
      d.getElementById('sp-cl-combine-hint').textContent = 'The newer change of each field is kept: ' + combined + '.';
      d.getElementById('sp-cl-replace-hint').textContent = 'The file is taken as it is: ' + replaced + '.';
      dialog.onclose = function () { then(dialog.returnValue); };
      dialog.returnValue = '';
      dialog.showModal();
    }
    if (dialog) {
      dialog.addEventListener('click', function (e) {
        var choice = e.target.getAttribute('data-choice');
        if (choice !== null) dialog.close(choice);
      });
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
        var n = plural(changes.filter(function (c) { return c.id; }).length, 'item');
        var finish = function (choice) {
          if (!choice) { say('Import cancelled. Nothing was changed.'); return; }
          var result = apply(changes, choice === 'combine');
          var before = c.s;
          c.s = result.s;
          if (!save(true)) {
            c.s = before;
            fill();
            show();
            say('Nothing was imported from ' + file.name + ': it could not be saved (this browser’s storage is full).', true);
            return;
          }
          fill();
          show();
          say(choice === 'new' ? 'Imported ' + n + ' from ' + file.name + '.'
            : (choice === 'combine' ? 'Combined ' + n + ' from ' + file.name + ' with your progress: ' : 'Replaced your progress with ' + n + ' from ' + file.name + ': ') + report(result.n) + '.');
        };
        if (Object.keys(c.s.items).length || c.s.golive) ask(file.name, report(apply(changes, true).n), report(apply(changes, false).n), finish);
        else finish('new');
      };
      reader.onerror = function () { say('The file ' + file.name + ' could not be read.', true); };
      reader.readAsText(file);
    }
    function download(body, type, name) {
      var url = URL.createObjectURL(new Blob([body], { type: type }));
      var a = link(url);
      a.download = name;
      d.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }
    var slug = (key || '').split('/').pop() || 'checklist';
    function exportCsv() {
      download(toCsv(), 'text/csv;charset=utf-8', slug + '-checklist.csv');
      say('Exported ' + plural(items.length, 'item') + ' as ' + slug + '-checklist.csv.');
    }

    // iCalendar (RFC 5545): TEXT escaped (backslash, semicolon, comma, newline), lines folded
    // at 75 octets of UTF-8 without splitting a character, CRLF line ends.
    function esc(s) { return String(s).replace(/[\\;,]/g, '\\$&').replace(/\r?\n|\r/g, '\\n'); }
    function fold(line) {
      var out = '', size = 0;
      for (var i = 0; i < line.length; i++) {
        var c = line[i], code = line.charCodeAt(i);
        if (code >= 0xd800 && code < 0xdc00) c += line[++i];
        var bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 4 : 3;
        if (size + bytes > 75) { out += '\r\n '; size = 1; }
        out += c;
        size += bytes;
      }
      return out;
    }
    function day(iso) { return iso.replace(/-/g, ''); }
    function toIcs() {
      var now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
      var page = w.location.href.replace(/[?#].*$/, '');
      var where = SITE + key.replace(/\//g, '.');
      var lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//signpost//checklists//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:' + esc(title)];
      var count = { phase: 0, item: 0 };
      // All-day events; DTEND is the day after the last (exclusive). UIDs name the site, page
      // and item or phase, so a newer file updates the events a calendar already has.
      var event = function (uid, start, end, summary, description, url) {
        lines.push('BEGIN:VEVENT', 'UID:' + uid + '@' + SITE + '.signpost', 'DTSTAMP:' + now,
          'DTSTART;VALUE=DATE:' + day(start), 'DTEND;VALUE=DATE:' + day(addDays(end, 1)), 'SUMMARY:' + esc(summary),
          'DESCRIPTION:' + esc(description), 'URL:' + url, 'TRANSP:TRANSPARENT', 'END:VEVENT');
      };
      if (c.s.golive) event('go-live.' + where, c.s.golive, c.s.golive, 'Go Live: ' + title, 'The practice goes live on the new clinical system.\n' + page, page);
      phases().forEach(function (p) {
        count.phase++;
        event('phase-' + p.id + '.' + where, p.start, p.end, p.name + ' (' + title + ')', 'Phase of the migration, dated from the Go Live date ' + longDate(c.s.golive) + '.\n' + page, page);
      });
      items.forEach(function (it) {
        var r = record(it), due = dueDate(it);
        if (!due) return;
        count.item++;
        event(it.id, due, due, (r.done ? 'Done: ' : '') + text(it.label),
          text(it.label) + '\nOwner: ' + (r.owner || 'not set') + '\nStatus: ' + r.status + '\n' + (r.date ? 'Target date' : 'Suggested date, the end of ' + it.phase) + ': ' + longDate(due)
          + (r.notes ? '\nNotes: ' + r.notes : '') + '\n' + page + '#' + it.id, page + '#' + it.id);
      });
      lines.push('END:VCALENDAR');
      return { text: lines.map(fold).join('\r\n') + '\r\n', count: count };
    }
    function exportIcs() {
      var ics = toIcs();
      if (!c.s.golive && !ics.count.item) { say('Nothing to add to a calendar yet: set the Go Live date or a target date first.', true); return; }
      download(ics.text, 'text/calendar;charset=utf-8', slug + '-plan.ics');
      say('Saved ' + slug + '-plan.ics with ' + (c.s.golive ? 'the Go Live date, ' + plural(ics.count.phase, 'phase') + ' and ' : '')
        + plural(ics.count.item, 'item') + '. Open it with your calendar; a newer file updates these events.');
    }

    return { exportCsv: exportCsv, exportIcs: exportIcs, importFile: importFile, copySummary: copySummary };
  };
})(document, window);
