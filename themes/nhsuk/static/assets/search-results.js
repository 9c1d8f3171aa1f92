// signpost search results (loaded by search.js when the box is first used): Pagefind's
// index is imported on first use too, and only the chunks a query needs are fetched.
const d = document;

export function start(box) {
  var input = d.getElementById('sp-search-input');
  var panel = d.getElementById('sp-search-results');
  var status = d.getElementById('sp-search-status');
  var loading = null;
  var asked = 0;
  var timer = 0;

  function load() {
    if (!loading) {
      loading = import(box.getAttribute('data-bundle') + 'pagefind.js').then(function (pf) {
        return pf.options({ baseUrl: box.getAttribute('data-base'), excerptLength: 24 }).then(function () {
          return pf;
        });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // Pagefind's excerpt is HTML with <mark> around the words found: keep only text and marks.
  function excerpt(html) {
    var t = d.createElement('template');
    var p = el('p', 'sp-search__excerpt');
    t.innerHTML = html;
    t.content.childNodes.forEach(function (n) {
      p.appendChild(n.nodeName === 'MARK' ? el('mark', '', n.textContent) : d.createTextNode(n.textContent));
    });
    return p;
  }

  function link(href, text, cls) {
    var a = el('a', cls, text);
    a.href = href;
    return a;
  }

  function show(query, found, total) {
    var words = total === 1 ? '1 result' : total + ' results';
    var said = (total ? words : 'No results') + ' for \u2018' + query + '\u2019' +
      (found.length < total ? ', showing the first ' + found.length : '');
    panel.textContent = '';
    panel.appendChild(el('p', 'sp-search__summary', said));
    var list = el('ol', 'sp-search__list');
    found.forEach(function (r) {
      var item = el('li', 'sp-search__result');
      var title = el('p', 'sp-search__title');
      title.appendChild(link(r.url, r.meta.title || r.url, 'sp-search__link'));
      item.appendChild(title);
      var subs = (r.sub_results || []).filter(function (s) { return s.url.indexOf('#') > 0; }).slice(0, 3);
      if (!subs.length) item.appendChild(excerpt(r.excerpt));
      if (subs.length) {
        var sections = el('ul', 'sp-search__sections');
        subs.forEach(function (s) {
          var li = el('li', 'sp-search__section');
          li.appendChild(link(s.url, s.title, 'sp-search__section-link'));
          li.appendChild(excerpt(s.excerpt));
          sections.appendChild(li);
        });
        item.appendChild(sections);
      }
      list.appendChild(item);
    });
    if (found.length) panel.appendChild(list);
    panel.hidden = false;
    status.textContent = said;
  }

  function close() {
    panel.hidden = true;
  }

  function run() {
    var query = input.value.trim();
    var mine = ++asked;
    clearTimeout(timer);
    if (!query) {
      close();
      status.textContent = '';
      return;
    }
    load().then(function (pf) {
      return pf.search(query);
    }).then(function (search) {
      if (mine !== asked || !search) return;
      return Promise.all(search.results.slice(0, 8).map(function (r) { return r.data(); })).then(function (found) {
        if (mine === asked) show(query, found, search.results.length);
      });
    }).catch(function () {
      if (mine === asked) status.textContent = 'Search is not available just now.';
    });
  }

  // Closed results stay closed when focus comes back (Escape returns it here): typing or
  // Enter shows them again.
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  box.querySelector('form').addEventListener('submit', run);
  box.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !panel.hidden) {
      close();
      input.focus();
    }
  });
  // Results sit over the page: leaving the box closes them, so they never hide what has focus.
  d.addEventListener('focusin', function (e) {
    if (!box.contains(e.target)) close();
  });
  d.addEventListener('click', function (e) {
    if (!box.contains(e.target)) close();
  });
  load();
  if (input.value.trim()) run();
}
