/* revhub dashboard: draws every [data-chart] element from its JSON block with ECharts.
 *
 * The server builds each chart's spec (kind, categories, series, unit); this file only
 * turns it into ECharts options. Numbers are formatted with Intl.NumberFormat for the
 * page's locale and currency (the JSON block #revhub-config), the same way the server's
 * Babel formatting writes them. Tooltips are drawn on the canvas (renderMode richText):
 * the content security policy allows no inline styles, which HTML tooltips would need.
 * When a chart is drawn with data, its element gets data-rendered="true".
 */
(function () {
  "use strict";

  var PALETTE = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2",
    "#dc2626", "#65a30d", "#475569", "#c026d3", "#92400e", "#0f766e"];
  var UP = "#15803d", DOWN = "#b91c1c", TOTAL = "#1d4ed8", BAND = "#64748b";
  var charts = [];
  var config = readJson("revhub-config") || {};
  var locale = config.locale || "en-US";
  var currency = config.currency || "USD";

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    try { return JSON.parse(element.textContent); } catch (error) { return null; }
  }

  function numberFormat(options) {
    try { return new Intl.NumberFormat(locale, options); }
    catch (error) { return new Intl.NumberFormat("en-US", options); }
  }

  /* A function formatting values of `unit`; `compact` for axis labels. */
  function formatter(unit, compact) {
    var format, suffix = "";
    var notation = compact ? "compact" : "standard";
    if (unit === "money" || unit === "money_per_day") {
      format = numberFormat({ style: "currency", currency: currency, notation: notation,
        maximumFractionDigits: compact ? 1 : 0, minimumFractionDigits: 0 });
      if (unit === "money_per_day") { suffix = "/" + (config.day || "day"); }
    } else if (unit === "ratio") {
      format = numberFormat({ style: "percent", maximumFractionDigits: 1,
        minimumFractionDigits: compact ? 0 : 1 });
    } else if (unit === "count") {
      format = numberFormat({ notation: notation, maximumFractionDigits: compact ? 1 : 0 });
    } else if (unit === "days" || unit === "hours" || unit === "months") {
      format = numberFormat({ style: "unit", unit: unit.slice(0, -1),
        unitDisplay: compact ? "short" : "long", maximumFractionDigits: 1 });
    } else if (unit === "multiple") {
      format = numberFormat({ maximumFractionDigits: 2, minimumFractionDigits: compact ? 0 : 2 });
      suffix = "×";
    } else {
      format = numberFormat({ maximumFractionDigits: 1 });
    }
    return function (value) {
      if (value === null || value === undefined || value === "-" || isNaN(value)) { return "—"; }
      return format.format(value) + suffix;
    };
  }

  function tooltip(spec, extra) {
    var base = { trigger: "axis", renderMode: "richText", confine: true,
      valueFormatter: formatter(spec.unit, false) };
    return Object.assign(base, extra || {});
  }

  function legend(spec) {
    return { show: spec.series.length > 1, type: "scroll", top: 0 };
  }

  function grid(spec) {
    return { left: 12, right: 16, top: spec.series.length > 1 ? 36 : 16, bottom: 24 };
  }

  function axes(spec) {
    var zeroBased = spec.kind !== "line" || spec.unit === "money" || spec.unit === "count";
    var few = spec.categories.length <= 8;
    return {
      xAxis: { type: "category", data: spec.categories, axisTick: { alignWithLabel: true },
        axisLabel: few ? { interval: 0, overflow: "break", width: 90 } : {} },
      yAxis: { type: "value", scale: !zeroBased, minInterval: spec.unit === "count" ? 1 : 0,
        axisLabel: { formatter: formatter(spec.unit, true) } }
    };
  }

  function seriesOf(spec, type) {
    return spec.series.map(function (series, index) {
      var kind = series.kind || type;
      var out = { name: series.name, type: kind, data: series.values.map(blank),
        stack: kind === "bar" ? series.stack : undefined, connectNulls: false,
        showSymbol: spec.categories.length <= 16, emphasis: { focus: "series" } };
      if (series.color) { out.itemStyle = { color: series.color }; }
      if (kind === "line" && type === "bar") { out.z = 10; out.lineStyle = { width: 2.5 }; }
      return out;
    });
  }

  function blank(value) { return value === null || value === undefined ? "-" : value; }

  function lineOrBar(spec) {
    var type = spec.kind === "line" ? "line" : "bar";
    return Object.assign({ color: PALETTE, grid: grid(spec), legend: legend(spec),
      tooltip: tooltip(spec), series: seriesOf(spec, type) }, axes(spec));
  }

  function sparkline(spec) {
    return {
      color: PALETTE, grid: { left: 2, right: 2, top: 4, bottom: 4 },
      tooltip: tooltip(spec, { position: "top" }),
      xAxis: { type: "category", data: spec.categories, show: false, boundaryGap: false },
      yAxis: { type: "value", show: false, scale: true },
      series: [{ type: "line", data: spec.series[0].values.map(blank), showSymbol: false,
        lineStyle: { width: 1.5 }, areaStyle: { opacity: 0.12 } }]
    };
  }

  /* Floating bars: each step from the running total, the last one the total itself. */
  function waterfall(spec) {
    var values = spec.series[0].values.map(function (v) { return v || 0; });
    var base = [], rise = [], fall = [], running = 0;
    values.forEach(function (value, index) {
      var last = index === values.length - 1;
      var total = last || (spec.opening_total && index === 0);
      var from = total ? 0 : running, to = total ? value : running + value;
      var low = Math.min(from, to), high = Math.max(from, to);
      var color = total ? TOTAL : (value >= 0 ? UP : DOWN);
      if (low >= 0) { base.push(low); rise.push(item(high - low, color)); fall.push("-"); }
      else if (high <= 0) { base.push(high); rise.push("-"); fall.push(item(low - high, color)); }
      else { base.push(0); rise.push(item(high, color)); fall.push(item(low, color)); }
      running = last ? running : to;
    });
    var show = formatter(spec.unit, false);
    return Object.assign({ grid: grid({ series: [] }), legend: { show: false },
      tooltip: tooltip(spec, { formatter: function (params) {
        var index = params[0].dataIndex;
        return spec.categories[index] + ": " + show(values[index]);
      } }),
      series: [
        { type: "bar", stack: "w", data: base, itemStyle: { color: "transparent" },
          emphasis: { disabled: true }, tooltip: { show: false } },
        { type: "bar", stack: "w", name: spec.series[0].name, data: rise },
        { type: "bar", stack: "w", name: spec.series[0].name, data: fall }
      ] }, axes(spec));
  }

  /* A shaded range (P10–P90) behind bars or lines: the series marked band "low" and
   * "high" become a transparent base and the range above it — a floating bar beside bars,
   * a shaded area between lines. The tooltip lists every series' own values. */
  function band(spec) {
    var edges = { low: null, high: null }, shown = [];
    spec.series.forEach(function (series) {
      if (series.band) { edges[series.band] = series; } else { shown.push(series); }
    });
    var bars = shown.some(function (series) { return series.kind === "bar"; });
    var type = bars ? "bar" : "line";
    var ranged = edges.low && edges.high;
    var option = lineOrBar(Object.assign({}, spec, { kind: type, series: shown }));
    option.legend = legend({ series: ranged ? spec.series : shown });
    option.grid = grid({ series: ranged ? spec.series : shown });
    if (ranged) {
      var name = edges.low.name + "–" + edges.high.name;
      var base = edges.low.values.map(blank);
      var height = edges.high.values.map(function (high, index) {
        var low = edges.low.values[index];
        return high === null || low === null || high === undefined || low === undefined ?
          "-" : high - low;
      });
      var quiet = { disabled: true };
      if (bars) {
        option.series.push(
          { type: "bar", stack: "band", data: base, itemStyle: { color: "transparent" },
            emphasis: quiet, silent: true },
          { type: "bar", stack: "band", name: name, data: height, barMaxWidth: 28,
            itemStyle: { color: BAND, opacity: 0.45 } });
      } else {
        option.series.push(
          { type: "line", stack: "band", data: base, symbol: "none", silent: true,
            lineStyle: { opacity: 0 }, emphasis: quiet },
          { type: "line", stack: "band", name: name, data: height, symbol: "none",
            itemStyle: { color: BAND }, lineStyle: { opacity: 0 },
            areaStyle: { color: BAND, opacity: 0.3 }, emphasis: quiet });
      }
      option.legend.data = shown.map(function (series) { return series.name; }).concat([name]);
    }
    var show = formatter(spec.unit, false);
    option.tooltip = tooltip(spec, { formatter: function (params) {
      var index = params[0].dataIndex;
      return [spec.categories[index]].concat(spec.series.map(function (series) {
        return series.name + ": " + show(series.values[index]);
      })).join("\n");
    } });
    return option;
  }

  function item(value, color) { return { value: value, itemStyle: { color: color } }; }

  function heatmap(spec) {
    var data = [], show = formatter(spec.unit, false);
    spec.series.forEach(function (row, y) {
      row.values.forEach(function (value, x) {
        if (value !== null && value !== undefined) { data.push([x, y, value]); }
      });
    });
    var scale = spec.scale || [0, 1];
    return {
      grid: { left: 12, right: 16, top: 8, bottom: 84 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (params) {
        return spec.series[params.value[1]].name + ", month " +
          spec.categories[params.value[0]] + ": " + show(params.value[2]);
      } },
      xAxis: { type: "category", data: spec.categories, name: "Months since first paid",
        nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "category", data: spec.series.map(function (s) { return s.name; }),
        inverse: true },
      visualMap: { min: scale[0], max: scale[1], calculable: false, orient: "horizontal",
        left: "center", bottom: 0, itemHeight: 120, formatter: formatter(spec.unit, true),
        inRange: { color: ["#fef3c7", "#60a5fa", "#1e3a8a"] } },
      series: [{ type: "heatmap", data: data, emphasis: { itemStyle: { borderColor: "#111" } } }]
    };
  }

  function funnel(spec) {
    var show = formatter(spec.unit, false);
    var data = spec.categories.map(function (name, index) {
      return { name: name, value: spec.series[0].values[index] || 0 };
    });
    return {
      color: PALETTE,
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (params) {
        return params.name + ": " + show(params.value);
      } },
      series: [{ type: "funnel", sort: "none", left: "5%", width: "60%", top: 8, bottom: 8,
        gap: 2, minSize: "12%", data: data,
        label: { show: true, position: "right", color: "#1f2933", formatter: function (params) {
          return params.name + ": " + show(params.value);
        } }, labelLine: { show: true } }]
    };
  }

  function optionFor(spec) {
    if (spec.compact) { return sparkline(spec); }
    if (spec.kind === "waterfall") { return waterfall(spec); }
    if (spec.kind === "band") { return band(spec); }
    if (spec.kind === "heatmap") { return heatmap(spec); }
    if (spec.kind === "funnel") { return funnel(spec); }
    return lineOrBar(spec);
  }

  function hasData(spec) {
    return spec.series.some(function (series) {
      return series.values.some(function (v) { return v !== null && v !== undefined; });
    });
  }

  function draw(element) {
    if (element.getAttribute("data-rendered") || typeof echarts === "undefined") { return; }
    var spec = readJson(element.getAttribute("data-chart"));
    if (!spec) { return; }
    var chart = echarts.init(element, null, { renderer: "canvas", locale: "EN" });
    chart.setOption(optionFor(spec));
    charts.push(chart);
    element.setAttribute("data-rendered", hasData(spec) ? "true" : "empty");
  }

  function drawAll(root) {
    var elements = (root || document).querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(elements, draw);
  }

  var pending = null;
  function resizeAll() {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () {
      charts.forEach(function (chart) { if (!chart.isDisposed()) { chart.resize(); } });
    }, 120);
  }

  /* Filter bars: a changed select applies at once; empty fields stay out of the URL. */
  function wireFilters(root) {
    var forms = (root || document).querySelectorAll("form[data-filters]");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.getAttribute("data-wired")) { return; }
      form.setAttribute("data-wired", "true");
      form.addEventListener("change", function (event) {
        if (event.target.tagName === "SELECT") { form.requestSubmit(); }
      });
      form.addEventListener("submit", function () {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name && field.value === "") { field.disabled = true; }
        });
      });
    });
  }

  function start() {
    drawAll(document);
    wireFilters(document);
    window.addEventListener("resize", resizeAll);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      drawAll(event.target);
      wireFilters(event.target);
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-filters] [disabled]"),
        function (field) { field.disabled = false; });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
