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

  // The same answer is a page in every municipality: one result per entry, with a link to each
  // municipality's page, the one the reader came from (?m=) first.
  function group(results, home) {
    var groups = [], byKey = {};
    results.forEach(function (data) {
      var parts = new URL(data.url, location.href).pathname.split("/").filter(Boolean);
      var key = parts.slice(-2).join("/"), municipality = parts[parts.length - 3];
      if (!byKey[key]) { byKey[key] = { title: data.meta.title, excerpt: data.excerpt, pages: [] }; groups.push(byKey[key]); }
      var page = { url: data.url, name: data.meta.municipality || municipality };
      if (municipality === home) byKey[key].pages.unshift(page); else byKey[key].pages.push(page);
    });
    return groups;
  }

  async function run(query, home) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = form.dataset.searching;
    var engine = await load();
    var found = await engine.search(query);
    var results = await Promise.all(found.results.slice(0, 60).map(function (r) { return r.data(); }));
    var groups = group(results, home);
    status.textContent = say(groups.length ? form.dataset.count : form.dataset.none,
                             { query: query, count: groups.length });
    groups.slice(0, 20).forEach(function (g) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = g.pages[0].url;
      a.textContent = g.title;
      li.appendChild(a);
      var where = document.createElement("p");
      where.className = "meta";
      g.pages.forEach(function (page, i) {
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
