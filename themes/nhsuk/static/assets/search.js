// signpost search box: shown only with JavaScript. The results code, its styles and
// Pagefind's index load when the box is first used, not with the page.
(function (d) {
  'use strict';
  var box = d.querySelector('.sp-search');
  if (!box || !('noModule' in d.createElement('script'))) return;
  var form = box.querySelector('form');
  var assets = box.getAttribute('data-assets');
  var started = false;
  function start(e) {
    // The results code handles the search itself; a submit must not leave the page.
    if (e.type === 'submit') e.preventDefault();
    if (started) return;
    started = true;
    var css = d.createElement('link');
    css.rel = 'stylesheet';
    css.href = assets + 'search-results.css';
    d.head.appendChild(css);
    import(assets + 'search-results.js').then(function (m) {
      m.start(box);
    }, function () {
      started = false;
    });
  }
  box.hidden = false;
  form.addEventListener('focusin', start);
  form.addEventListener('submit', start);
})(document);
