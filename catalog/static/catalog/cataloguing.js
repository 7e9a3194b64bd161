/* Cataloguing pages (/kelola/katalog/): add rows to the record form's formsets, authority suggestions
   (a <datalist> filled from the small JSON endpoints), the duplicate warning while typing, "select all"
   on the catalogue list, and the move-over progress. Every page works without it. */
(function () {
  "use strict";
  if (!window.fetch) return;

  function debounce(fn, ms) {
    var timer = null;
    return function () { var args = arguments; clearTimeout(timer); timer = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }

  // --- formset rows ---------------------------------------------------------------------------------
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var rows = document.querySelector('[data-rows="' + prefix + '"]');
    var template = document.getElementById(prefix + "-template");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!rows || !template || !total) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      wireAuthorities(row);
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    });
  });

  // --- authority suggestions --------------------------------------------------------------------------
  var form = document.querySelector(".record-form");
  var authorityUrl = form ? form.getAttribute("data-authority-url") : null;
  var listCount = 0;

  function wireAuthorities(root) {
    if (!authorityUrl) return;
    root.querySelectorAll("[data-authority]").forEach(function (input) {
      if (input.getAttribute("list")) return;
      var list = document.createElement("datalist");
      list.id = "authority-list-" + (listCount += 1);
      input.setAttribute("list", list.id);
      input.parentNode.appendChild(list);
      var kind = input.getAttribute("data-authority");
      input.addEventListener("input", debounce(function () {
        var text = input.value.trim();
        if (text.length < 2) return;
        getJSON(authorityUrl + kind + "/?q=" + encodeURIComponent(text)).then(function (data) {
          if (!data || input.value.trim() !== text) return;
          list.textContent = "";
          (data.results || []).forEach(function (row) {
            var option = document.createElement("option");
            option.value = row.name;
            list.appendChild(option);
          });
        });
      }, 200));
    });
  }
  if (form) wireAuthorities(form);

  // --- duplicate warning --------------------------------------------------------------------------------
  var warning = document.getElementById("duplicate-warning");
  if (form && warning) {
    var title = form.querySelector("[name=title]");
    var isbn = form.querySelector("[name=isbn_issn]");
    var firstAuthor = function () {
      var input = form.querySelector("[name=authors-0-name]");
      return input ? input.value.trim() : "";
    };
    var recordId = form.getAttribute("data-record-id") || "";
    var check = debounce(function () {
      var params = new URLSearchParams({ judul: title.value.trim(), isbn: isbn.value.trim(), pengarang: firstAuthor(), kecuali: recordId });
      if (params.get("judul").length < 3 && params.get("isbn").length < 10) { warning.hidden = true; return; }
      getJSON(form.getAttribute("data-duplicates-url") + "?" + params.toString()).then(function (data) {
        if (!data) return;
        var found = data.duplicates || [];
        warning.textContent = "";
        if (!found.length) { warning.hidden = true; return; }
        var heading = document.createElement("p");
        heading.textContent = warning.getAttribute("data-heading");
        warning.appendChild(heading);
        var list = document.createElement("ul");
        found.forEach(function (duplicate) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = duplicate.url;
          link.textContent = duplicate.title;
          item.appendChild(link);
          var why = duplicate.reason === "isbn" ? warning.getAttribute("data-label-isbn") : warning.getAttribute("data-label-title");
          var extra = [duplicate.authors.join("; "), duplicate.publish_year, why].filter(Boolean).join(" · ");
          item.appendChild(document.createTextNode(" — " + extra));
          list.appendChild(item);
        });
        warning.appendChild(list);
        warning.hidden = false;
      });
    }, 350);
    [title, isbn].forEach(function (input) { if (input) input.addEventListener("input", check); });
    form.addEventListener("input", function (event) { if (event.target.name === "authors-0-name") check(); });
    if (title && title.value) check();
  }

  // --- select all on the catalogue list ------------------------------------------------------------------
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("form").querySelectorAll("input[name=ids]").forEach(function (item) { item.checked = box.checked; });
    });
  });

  // --- move-over progress ---------------------------------------------------------------------------------
  var moveOver = document.getElementById("move-over");
  if (moveOver && moveOver.getAttribute("data-active") === "1") {
    var rounds = 0;
    var poll = function () {
      rounds += 1;
      getJSON(moveOver.getAttribute("data-status-url")).then(function (data) {
        if (!data) { if (rounds < 600) setTimeout(poll, 3000); return; }
        moveOver.querySelector("[data-field=status_label]").textContent = data.status_label;
        var message = moveOver.querySelector("[data-field=message]");
        message.textContent = data.message || "";
        message.hidden = !data.message;
        var runs = moveOver.querySelector("[data-runs]");
        if (data.runs.length) {
          runs.textContent = "";
          data.runs.forEach(function (run) {
            var item = document.createElement("li");
            var label = document.createElement("span");
            label.textContent = run.source + " — " + run.status_label;
            var bar = document.createElement("progress");
            bar.max = 100;
            if (run.percent !== null) bar.value = run.percent;
            var counts = document.createElement("small");
            counts.className = "muted";
            counts.textContent = run.records_seen + (run.total ? " / " + run.total : "");
            item.appendChild(label); item.appendChild(bar); item.appendChild(counts);
            runs.appendChild(item);
          });
        }
        if (data.active) { if (rounds < 600) setTimeout(poll, 1500); }
        else { window.location.reload(); }
      });
    };
    setTimeout(poll, 1000);
  }
})();
