// Draws the score-over-time chart of a challenge page from the JSON that the page embeds.
// Chart.js ships no date adapter, so time runs on a linear axis of milliseconds with formatted ticks.
(function () {
  "use strict";

  function formatDate(ms) {
    return new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }

  function draw() {
    var dataNode = document.getElementById("score-history-data");
    var canvas = document.getElementById("score-chart");
    if (!dataNode || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var points = JSON.parse(dataNode.textContent);
    var scores = points.map(function (p) { return { x: Date.parse(p.t), y: p.score }; });
    var best = points.map(function (p) { return { x: Date.parse(p.t), y: p.best }; });
    new window.Chart(canvas, {
      type: "scatter",
      data: {
        datasets: [
          { label: "Submission", data: scores, backgroundColor: "rgba(37, 99, 235, 0.55)", pointRadius: 4 },
          {
            label: "Best so far", data: best, type: "line", stepped: true, showLine: true,
            borderColor: "#b45309", backgroundColor: "#b45309", pointRadius: 0, borderWidth: 2
          }
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { type: "linear", ticks: { callback: formatDate, maxTicksLimit: 6 } },
          y: { title: { display: true, text: canvas.dataset.metric || "score" } }
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: function (items) { return new Date(items[0].parsed.x).toLocaleString(); }
            }
          }
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
