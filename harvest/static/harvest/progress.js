/* Operator harvest page: while a run is active, poll the progress endpoint every 2 s and update the
   cards in place; when a run ends, reload once to show its problems. */
(function () {
  "use strict";
  var list = document.getElementById("harvest-sources");
  if (!list || !window.fetch || list.dataset.active !== "1") return;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "id");

  function set(card, field, value) {
    var node = card.querySelector('[data-field="' + field + '"]');
    if (node && value !== undefined && value !== null) node.textContent = value;
    return node;
  }

  function update(data) {
    var reload = false;
    data.sources.forEach(function (source) {
      var card = list.querySelector('[data-source-id="' + source.id + '"]');
      var run = source.run;
      if (!card || !run) return;
      if (card.dataset.runId !== String(run.id) || (card.dataset.active === "1" && !source.active)) reload = true;
      var status = set(card, "status", run.status_label);
      if (status) status.className = "status-badge status-" + run.status;
      set(card, "phase", run.phase_label);
      var bar = card.querySelector('[data-field="progress"]');
      if (bar && run.percent !== null) bar.value = run.percent;
      var progressText = card.querySelector('[data-field="progress-text"]');
      var unit = progressText ? progressText.dataset.unit : "";
      set(card, "progress-text", numbers.format(run.records_seen) +
        (run.complete_list_size ? " / " + numbers.format(run.complete_list_size) : "") + " " + unit +
        (run.percent !== null ? " (" + run.percent + "%)" : ""));
      ["created", "updated", "unchanged", "deleted", "failed", "skipped"].forEach(function (field) {
        set(card, field, numbers.format(run[field]));
      });
    });
    if (reload) window.location.reload();
    else if (data.active) window.setTimeout(poll, 2000);
  }

  function poll() {
    fetch(list.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 2000);
})();
