/* Librarian's reports (Chart.js served from node_modules, as monev's charts): the data comes from
   <script id="report-chart-data" type="application/json">; each chart has a table with the same numbers
   beside it, so nothing depends on the canvas. */
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var accent = "#0f6b5c", second = "#c2410c", third = "#1d4ed8";
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  make("chart-monthly", {
    type: "bar",
    data: {
      labels: data.months,
      datasets: [
        { label: data.labels.acquisitions, data: data.acquisitions, backgroundColor: accent },
        { label: data.labels.loans, data: data.loans, backgroundColor: second },
        { label: data.labels.returns, data: data.returns, backgroundColor: third },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } } },
  });

  data.groups.forEach(function (group) {
    make(group.id, {
      type: "bar",
      data: {
        labels: group.labels,
        datasets: [
          { label: data.labels.titles, data: group.titles, backgroundColor: accent },
          { label: data.labels.copies, data: group.copies, backgroundColor: second },
        ],
      },
      options: {
        indexAxis: group.labels.length > 8 ? "y" : "x",
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
    });
  });
})();
