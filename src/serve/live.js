// signpost serve: live reload over Server-Sent Events. Injected into previewed pages only.
(function () {
  "use strict";
  var me = document.currentScript;
  var paths = (me.getAttribute("data-paths") || "").split(" ");
  var version = me.getAttribute("data-version") || "0";
  var source = new EventSource(
    "/__signpost/events?v=" + encodeURIComponent(version) + "&path=" + encodeURIComponent(paths[0] || "")
  );

  function mine(list) {
    return list.indexOf("*") >= 0 || paths.some(function (p) { return list.indexOf(p) >= 0; });
  }

  source.addEventListener("reload", function (event) {
    if (mine(JSON.parse(event.data))) {
      window.location.reload();
    }
  });

  // A stylesheet changed: point its <link> at a fresh URL so the browser fetches it again,
  // keeping scroll position and form state.
  source.addEventListener("css", function (event) {
    var changed = JSON.parse(event.data);
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, window.location.href);
      var hit = changed.some(function (p) { return url.pathname.slice(-(p.length + 1)) === "/" + p; });
      if (hit) {
        url.searchParams.set("signpost-reload", String(Date.now()));
        link.href = url.href;
      }
    });
  });

  function overlay() {
    var box = document.getElementById("signpost-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "signpost-overlay";
      box.setAttribute("role", "alert");
      box.innerHTML = '<p class="signpost-overlay__title">The site did not build</p><pre></pre>' +
        '<p class="signpost-overlay__hint">Fix the file and save: this page updates by itself.</p>';
      document.body.appendChild(box);
    }
    return box;
  }

  source.addEventListener("build-error", function (event) {
    overlay().querySelector("pre").textContent = event.data;
  });

  source.addEventListener("build-ok", function () {
    var box = document.getElementById("signpost-overlay");
    if (box) {
      box.parentNode.removeChild(box);
    }
  });

  // The problems panel: the page's end is padded by its height, so nothing stays hidden
  // under it; Escape folds whichever part holds the focus, and focus stays on its summary.
  // Warnings the author opened stay open across the reloads that follow saves (errors are
  // open on every load: a save may have made new ones).
  var panel = document.getElementById("signpost-problems");
  if (panel) {
    Array.prototype.forEach.call(panel.querySelectorAll(".signpost-problems__warnings"), function (part) {
      var key = "signpost-problems:" + part.className;
      try {
        var saved = window.sessionStorage.getItem(key);
        if (saved !== null) {
          part.open = saved === "open";
        }
      } catch (e) { /* storage refused: the parts start as served */ }
      part.addEventListener("toggle", function () {
        try {
          window.sessionStorage.setItem(key, part.open ? "open" : "folded");
        } catch (e) { /* nothing to keep it in */ }
      });
    });
    var pad = function () {
      document.body.style.paddingBottom = (panel.offsetHeight + 32) + "px";
    };
    pad();
    panel.addEventListener("toggle", pad, true);
    window.addEventListener("resize", pad);
    panel.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var part = event.target.closest && event.target.closest("details[open]");
      if (part) {
        part.open = false;
        part.querySelector("summary").focus();
        event.preventDefault();
      }
    });
  }
})();
