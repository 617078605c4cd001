/* cmograph publish: search the labels of the site's resources in the browser, from a JSON index; no server. */
(function () {
  "use strict";
  var input = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) { return; }
  var entries = null;
  var LIMIT = 50;

  function load() {
    if (entries) { return Promise.resolve(entries); }
    return fetch(input.getAttribute("data-index"))
      .then(function (response) { return response.json(); })
      .then(function (data) { entries = data; return data; });
  }

  function show(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    load().then(function (items) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!words.length) { status.textContent = ""; return; }
      var found = items.filter(function (item) {
        var text = item.t.toLowerCase();
        return words.every(function (word) { return text.indexOf(word) >= 0; });
      });
      found.slice(0, LIMIT).forEach(function (item) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.u;
        link.textContent = item.t;
        entry.appendChild(link);
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = " (" + item.k + (item.e ? ", " + item.e : "") + ")";
        entry.appendChild(kind);
        list.appendChild(entry);
      });
      status.textContent = found.length === 0 ? "Nothing found." :
        found.length + " found" + (found.length > LIMIT ? ", the first " + LIMIT + " shown." : ".");
    }, function () {
      status.textContent = "The search index could not be loaded (open the site through a web server).";
    });
  }

  input.addEventListener("input", function () { show(input.value); });
  if (input.value) { show(input.value); }
}());
