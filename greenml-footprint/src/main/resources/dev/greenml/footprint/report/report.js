// Draws the report's charts from the JSON in the element #greenml-data (built by ChartData).
// Text from the run files goes only to the canvas (labels, tooltips), never into the DOM as HTML.
// When a chart has drawn for the first time, the body's data-charts-rendered attribute counts it.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('greenml-data').textContent);
  var rendered = 0;

  Chart.register({
    id: 'greenmlRendered',
    afterRender: function (chart) {
      if (chart.$greenmlCounted) return;
      chart.$greenmlCounted = true;
      rendered++;
      document.body.setAttribute('data-charts-rendered', String(rendered));
    }
  });
  Chart.defaults.animation = false;            // draw at once: a report is read, not watched
  Chart.defaults.maintainAspectRatio = false;  // the .chart box sets the height
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  Chart.defaults.color = '#33413a';

  var COMPONENT_COLOURS = { cpu: '#d9822b', dram: '#3b7dd8', ram: '#3b7dd8', gpu: '#7b5ea7' };
  var PALETTE = ['#2e7d4f', '#c0392b', '#3b7dd8', '#d9822b', '#7b5ea7', '#16a2a2', '#8c6d31', '#d64d8a'];
  function colour(key, i) {
    var base = String(key).split(':')[0];
    return COMPONENT_COLOURS[base] && String(key) === base ? COMPONENT_COLOURS[base] : PALETTE[i % PALETTE.length];
  }

  // A unit for an axis from the largest value it shows.
  function energyUnit(maxJoules) {
    if (maxJoules >= 3.6e6) return { name: 'kWh', per: 3.6e6 };
    if (maxJoules >= 3.6e3) return { name: 'Wh', per: 3.6e3 };
    if (maxJoules >= 1 || !(maxJoules > 0)) return { name: 'J', per: 1 };
    return { name: 'mJ', per: 1e-3 };
  }
  function massUnit(maxGrams) {
    if (maxGrams >= 1e3) return { name: 'kg', per: 1e3 };
    if (maxGrams >= 1 || !(maxGrams > 0)) return { name: 'g', per: 1 };
    if (maxGrams >= 1e-3) return { name: 'mg', per: 1e-3 };
    return { name: 'µg', per: 1e-6 };
  }
  function max(values) {
    return values.reduce(function (m, v) { return v != null && v > m ? v : m; }, 0);
  }
  function round(v) {
    return v == null ? '—' : Number(v.toPrecision(3)).toString();
  }
  function axisTitle(text) { return { display: true, text: text }; }

  function powerChart(canvas, power, method) {
    var datasets = power.series.map(function (s, i) {
      return {
        label: s.component + ' (' + method + ')',
        data: s.watts.map(function (w, j) { return { x: power.t[j], y: w }; }),
        borderColor: colour(s.component, i), backgroundColor: colour(s.component, i),
        pointRadius: power.t.length > 60 ? 0 : 2, borderWidth: 2, tension: 0.1
      };
    });
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', title: axisTitle('time since start (s)') },
          y: { beginAtZero: true, title: axisTitle('power (W)') }
        },
        plugins: {
          // a long run samples every second for hours: draw at most ~1000 points per line, keeping its shape
          decimation: { enabled: true, algorithm: 'lttb', samples: 1000 },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + round(c.parsed.y) + ' W'; } } }
        }
      }
    });
  }

  function phasesChart(canvas, phases, energyMethod, co2eMethod) {
    var totals = phases.names.map(function (_, j) {
      return phases.components.reduce(function (s, c) { return s + (c.joules[j] || 0); }, 0);
    });
    var e = energyUnit(max(totals)), m = massUnit(max(phases.co2e_g));
    var datasets = phases.components.map(function (c, i) {
      return {
        label: c.component + ' energy (' + energyMethod + ')', stack: 'energy', yAxisID: 'y',
        data: c.joules.map(function (j) { return j == null ? null : j / e.per; }),
        backgroundColor: colour(c.component, i), $unit: e.name
      };
    });
    datasets.push({
      label: 'CO2e (' + co2eMethod + ')', stack: 'co2e', yAxisID: 'y2',
      data: phases.co2e_g.map(function (g) { return g == null ? null : g / m.per; }),
      backgroundColor: '#5d6b62', $unit: m.name
    });
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: phases.names, datasets: datasets },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: axisTitle('energy, IT (' + e.name + ')') },
          y2: { stacked: true, beginAtZero: true, position: 'right', grid: { drawOnChartArea: false },
                title: axisTitle('CO2e (' + m.name + ')') }
        },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return c.dataset.label + ': ' + round(c.parsed.y) + ' ' + c.dataset.$unit;
        } } } }
      }
    });
  }

  function historyChart(canvas, history, energyMethod) {
    var e = energyUnit(max(history.points.map(function (p) { return p.energy_j; })));
    var keys = [];
    history.points.forEach(function (p) {
      Object.keys(p.metrics).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    });
    keys.sort(function (a, b) { return /accuracy$/.test(a) - /accuracy$/.test(b) || (a < b ? -1 : a > b ? 1 : 0); });
    var hasLoss = false, hasAccuracy = false;
    var datasets = keys.map(function (k, i) {
      var accuracy = /accuracy$/.test(k);
      if (accuracy) hasAccuracy = true; else hasLoss = true;
      return {
        label: k, yAxisID: accuracy ? 'accuracy' : 'loss',
        data: history.points.filter(function (p) { return p.metrics[k] != null; })
          .map(function (p) { return { x: p.energy_j / e.per, y: p.metrics[k], epoch: p.epoch }; }),
        borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length],
        borderDash: accuracy ? [6, 3] : [], pointRadius: 3, borderWidth: 2
      };
    });
    var scales = { x: { type: 'linear', beginAtZero: true, title: axisTitle('cumulative energy, IT (' + e.name + ', ' + energyMethod + ')') } };
    if (hasLoss) scales.loss = { position: 'left', title: axisTitle('loss') };
    if (hasAccuracy) scales.accuracy = { position: 'right', min: 0, max: 1, title: axisTitle('accuracy'),
                                         grid: { drawOnChartArea: !hasLoss } };
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: { xAxisKey: 'x', yAxisKey: 'y' },
        scales: scales,
        plugins: { tooltip: { callbacks: { label: function (c) {
          var epoch = c.raw.epoch != null ? 'epoch ' + c.raw.epoch + ', ' : '';
          return c.dataset.label + ' ' + round(c.parsed.y) + ' (' + epoch + round(c.parsed.x) + ' ' + e.name + ')';
        } } } }
      }
    });
  }

  // Writes each run's name beside its "best" point: a comparison is read by name.
  var pointNames = {
    id: 'greenmlPointNames',
    afterDatasetsDraw: function (chart) {
      var meta = chart.getDatasetMeta(0), ctx = chart.ctx;
      ctx.save();
      ctx.font = '12px ' + Chart.defaults.font.family;
      ctx.fillStyle = '#1d2a22';
      meta.data.forEach(function (point, i) {
        var name = chart.data.datasets[0].data[i].name;
        var right = point.x > chart.chartArea.right - ctx.measureText(name).width - 12;
        ctx.textAlign = right ? 'right' : 'left';
        ctx.fillText(name, point.x + (right ? -9 : 9), point.y - 7);
      });
      ctx.restore();
    }
  };

  function comparisonChart(canvas, cmp) {
    var e = energyUnit(max(cmp.points.map(function (p) { return p.energy_j; })));
    function series(key) {
      return cmp.points.map(function (p) {
        return { x: p.energy_j / e.per, y: p[key], name: p.name, method: p.energy_method, basis: p.basis };
      });
    }
    var accuracy = /accuracy$/.test(cmp.metric);
    // test accuracy is one figure per run: one series; validation or loss: the best and the last epoch
    var test = cmp.metric === 'test_accuracy';
    var datasets = [{ label: test ? 'test accuracy' : 'best ' + cmp.metric, data: series('best'), backgroundColor: '#2e7d4f',
      borderColor: '#2e7d4f', pointRadius: 6 }];
    if (!test) {
      datasets.push({ label: 'final ' + cmp.metric, data: series('final'), backgroundColor: 'rgba(0,0,0,0)', borderColor: '#c0392b',
        pointStyle: 'triangle', pointRadius: 6, borderWidth: 2 });
    }
    return new Chart(canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        layout: { padding: { top: 16, right: 16 } },
        scales: {
          x: { beginAtZero: true, grace: '5%', title: axisTitle('total energy of the run, IT (' + e.name + ')') },
          y: { grace: '5%', title: axisTitle(accuracy ? cmp.metric : cmp.metric + ' (lower is better)') }
        },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return c.raw.name + ': ' + c.dataset.label + ' ' + round(c.parsed.y) + ' at ' + round(c.parsed.x) + ' ' + e.name
            + ' (' + c.raw.method + ')' + (c.raw.basis ? '; ' + c.raw.basis : '');
        } } } }
      },
      plugins: [pointNames]
    });
  }

  function draw(id, make) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    try {
      make(canvas);
    } catch (err) {
      window.greenmlRecordError('chart ' + id + ': ' + (err && err.stack || err));
    }
  }

  data.runs.forEach(function (run, i) {
    if (run.power) draw('power-' + i, function (c) { powerChart(c, run.power, run.energy_method); });
    if (run.phases) draw('phases-' + i, function (c) { phasesChart(c, run.phases, run.energy_method, run.co2e_method); });
    if (run.history) draw('history-' + i, function (c) { historyChart(c, run.history, run.history_energy_method); });
  });
  if (data.comparison && data.comparison.points.length) {
    draw('compare', function (c) { comparisonChart(c, data.comparison); });
  }
  document.getElementById('js-errors').textContent = window.greenmlErrors.join('\n');
})();
