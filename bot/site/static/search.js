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

  var municipalities = JSON.parse(form.dataset.municipalities || "[]");  // [[id, name], …]
  var SHOW_ALL_UP_TO = 12;  // municipality links under a result; more would drown it

  // The index holds each answer once. A common answer is a page in every municipality that
  // does not replace or hide it: link the reader's own (?m=) first, then the others.
  function group(results, home) {
    var groups = [], byKey = {};
    results.forEach(function (data) {
      var url = new URL(data.url, location.href);
      var parts = url.pathname.split("/").filter(Boolean);
      var key = parts.slice(-2).join("/"), own = parts[parts.length - 3];
      var pages = [];
      if (data.meta.scope === "common") {
        var hidden = (data.meta.hidden || "").split(" ");
        municipalities.forEach(function (m) {
          if (hidden.indexOf(m[0]) >= 0) return;
          var copy = parts.slice();
          copy[copy.length - 3] = m[0];
          pages.push({ id: m[0], name: m[1], url: "/" + copy.join("/") + "/" });
        });
      } else {
        var named = municipalities.filter(function (m) { return m[0] === own; })[0];
        pages.push({ id: own, name: named ? named[1] : own, url: url.pathname });
      }
      if (!byKey[key]) { byKey[key] = { title: data.meta.title, excerpt: data.excerpt, pages: [] }; groups.push(byKey[key]); }
      byKey[key].pages = byKey[key].pages.concat(pages);
    });
    groups.forEach(function (g) {
      g.pages.sort(function (a, b) { return (b.id === home) - (a.id === home); });
    });
    return groups;
  }

  async function run(query, home) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = form.dataset.searching;
    var engine = await load();
    var found = await engine.search(query);
    var results = await Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }));
    var groups = group(results, home);
    status.textContent = say(groups.length ? form.dataset.count : form.dataset.none,
                             { query: query, count: found.results.length > 20 ? found.results.length : groups.length });
    groups.slice(0, 20).forEach(function (g) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = g.pages[0].url;
      a.textContent = g.title;
      li.appendChild(a);
      var where = document.createElement("p");
      where.className = "meta";
      (g.pages.length <= SHOW_ALL_UP_TO ? g.pages : g.pages.slice(0, 1)).forEach(function (page, i) {
        if (i) where.appendChild(document.createTextNode(" · "));
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.name;
        where.appendChild(link);
      });
      li.appendChild(where);
      li.appendChild(excerpt(g.excerpt));
      list.appendChild(li);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    var params = new URLSearchParams(location.search);
    params.set("q", query);
    history.replaceState(null, "", "?" + params.toString());
    run(query, params.get("m"));
  });
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  if (input.value) run(input.value, params.get("m"));
})();
