/* signpost nhsuk theme: small progressive enhancements. Without JS the menu is shown and details stay native. */
(function (d, w) {
  'use strict';
  var root = d.documentElement;
  root.className += ' sp-js';

  // Header menu: collapse behind the toggle on small screens.
  var toggle = d.querySelector('.sp-header__toggle');
  var nav = toggle && d.getElementById(toggle.getAttribute('aria-controls'));
  if (nav) {
    var setOpen = function (open) {
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      nav.classList.toggle('sp-header__nav--open', open);
    };
    root.className += ' sp-js-menu';
    toggle.hidden = false;
    toggle.addEventListener('click', function () {
      setOpen(toggle.getAttribute('aria-expanded') !== 'true');
    });
    d.addEventListener('keydown', function (e) {
      var a = d.activeElement;
      if (e.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true' &&
          (a === toggle || nav.contains(a))) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Print: open every closed <details> so its text is printed, and restore afterwards.
  w.addEventListener('beforeprint', function () {
    d.querySelectorAll('details:not([open])').forEach(function (el) {
      el.open = true;
      el.setAttribute('data-sp-printed', '');
    });
  });
  w.addEventListener('afterprint', function () {
    d.querySelectorAll('details[data-sp-printed]').forEach(function (el) {
      el.open = false;
      el.removeAttribute('data-sp-printed');
    });
  });
})(document, window);
