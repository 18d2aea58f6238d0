// Search with Pagefind's index of the built pages (in the page's language); no other requests.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var pagefind = null;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  // Pagefind's excerpt is HTML with <mark>; keep only its text and the marks.
  function excerpt(html) {
    var p = document.createElement("p");
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  async function load() {
    if (!pagefind) {
      pagefind = await import(form.dataset.bundle + "pagefind.js");
      await pagefind.options({ baseUrl: new URL(form.dataset.base, location.href).pathname });
    }
    return pagefind;
  }

  async function run(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = form.dataset.searching;
    var engine = await load();
    var found = await engine.search(query);
    var results = await Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }));
    status.textContent = say(results.length ? form.dataset.count : form.dataset.none,
                             { query: query, count: found.results.length });
    results.forEach(function (data) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = data.url;
      a.textContent = data.meta.title;
      li.appendChild(a);
      if (data.meta.municipality) {
        var where = document.createElement("p");
        where.className = "meta";
        where.textContent = data.meta.municipality;
        li.appendChild(where);
      }
      li.appendChild(excerpt(data.excerpt));
      list.appendChild(li);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    run(query);
  });
  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) run(initial);
})();
