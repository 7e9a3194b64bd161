/* Import page: while the import runs, poll its progress every 2 s and update the bar and counters in
   place (as the operator's harvest page does); when it ends, reload once to show its problems. */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch || box.dataset.active !== "1") return;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "id");

  function set(field, value) {
    var node = box.querySelector('[data-field="' + field + '"]');
    if (node && value !== undefined && value !== null) node.textContent = value;
    return node;
  }

  function update(data) {
    if (!data.started) return window.setTimeout(poll, 2000);
    var status = set("status", data.status_label);
    if (status) status.className = "status-badge status-" + data.status;
    var bar = box.querySelector('[data-field="progress"]');
    if (bar && data.percent !== null) bar.value = data.percent;
    set("progress-text", numbers.format(data.records_seen) + (data.total ? " / " + numbers.format(data.total) : "") +
      (data.percent !== null ? " (" + data.percent + "%)" : ""));
    ["created", "updated", "unchanged", "failed"].forEach(function (field) { set(field, numbers.format(data[field])); });
    if (data.active) window.setTimeout(poll, 2000);
    else window.location.reload();
  }

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 2000);
})();
