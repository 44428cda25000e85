// Draws the score-over-time chart of a challenge page from the JSON that the page embeds.
// Chart.js ships no date adapter, so time runs on a linear axis of milliseconds with formatted ticks.
(function () {
  "use strict";

  var HOUR = 3600 * 1000;
  var DAY = 24 * HOUR;

  function formatDate(ms) {
    return new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }

  function formatTime(ms) {
    return new Date(ms).toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  // The time axis' range: the scores' own, but at least a day around them. Left to itself, Chart.js widens
  // an axis whose values are all one (a challenge's first score) by 5% of the value: years of milliseconds.
  function timeRange(times) {
    var low = Math.min.apply(null, times), high = Math.max.apply(null, times);
    if (high - low >= DAY) return { min: undefined, max: undefined, step: undefined, format: formatDate };
    var start = Math.floor(((low + high) / 2 - DAY / 2) / HOUR) * HOUR;  // whole hours, ticks every four
    return { min: start, max: start + DAY, step: 4 * HOUR, format: formatTime };
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
    var range = timeRange(scores.map(function (p) { return p.x; }));
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
          x: { type: "linear", min: range.min, max: range.max, ticks: { callback: range.format, stepSize: range.step, maxTicksLimit: 7 } },
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
