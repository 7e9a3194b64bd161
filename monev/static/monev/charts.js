/* Monev charts (Chart.js, served by Simpul from node_modules, never from a CDN). The data comes from the
   page in <script id="monev-chart-data" type="application/json">; every chart has a table or list beside
   it with the same numbers, so nothing depends on the canvas. */
(function () {
  "use strict";
  var source = document.getElementById("monev-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var accent = "#0f6b5c";
  var palette = ["#0f6b5c", "#c2410c", "#1d4ed8", "#7c3aed", "#b45309", "#0e7490", "#be123c"];
  var gradeColours = { A: "#1d7a3a", B: "#2f6fb0", C: "#b7791f", TT: "#a94400" };
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  if (data.distribution) {
    make("chart-distribution", {
      type: "bar",
      data: {
        labels: data.distribution.labels,
        datasets: [{
          label: data.labels.units,
          data: data.distribution.counts,
          backgroundColor: data.distribution.labels.map(function (g) { return gradeColours[g] || accent; }),
        }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  if (data.components) {
    make("chart-components", {
      type: "bar",
      data: {
        labels: data.components.labels,
        datasets: [{ label: data.labels.percent, data: data.components.average, backgroundColor: accent }],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { min: 0, max: 100 } },
      },
    });
  }

  if (data.trend) {
    var datasets = data.trend.series.map(function (series, index) {
      var colour = palette[(index + 1) % palette.length];
      return { label: series.label, data: series.data, borderColor: colour, backgroundColor: colour, spanGaps: true, tension: 0.2 };
    });
    datasets.push({
      label: data.labels.average, data: data.trend.average, borderColor: "#5b6b70", borderDash: [6, 4],
      backgroundColor: "#5b6b70", spanGaps: true,
    });
    make("chart-trend", {
      type: "line",
      data: { labels: data.trend.years, datasets: datasets },
      options: {
        scales: { y: { suggestedMin: 40, suggestedMax: 100 } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
    });
  }

  if (data.history) {
    make("chart-history", {
      type: "line",
      data: {
        labels: data.history.years,
        datasets: [{ label: data.labels.score, data: data.history.totals, borderColor: accent, backgroundColor: accent, tension: 0.2 }],
      },
      options: { scales: { y: { suggestedMin: 40, suggestedMax: 100 } }, plugins: { legend: { display: false } } },
    });
  }

  if (data.radar) {
    make("chart-radar", {
      type: "radar",
      data: {
        labels: data.radar.labels,
        datasets: [
          { label: data.radar.name, data: data.radar.unit, borderColor: accent, backgroundColor: "rgba(15,107,92,.2)" },
          { label: data.labels.average, data: data.radar.average, borderColor: "#c2410c", backgroundColor: "rgba(194,65,12,.1)", borderDash: [6, 4] },
        ],
      },
      options: {
        scales: { r: { min: 0, max: 100, ticks: { stepSize: 20, backdropColor: "transparent" } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
    });
  }
})();
