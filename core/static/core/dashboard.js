// Dashboard charts (ECharts), drawn from the JSON the page embeds; clicking a bar or slice opens the records.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var dark = document.body.classList.contains("screen");
  var charts = [];
  // Labels come from records users type (organisation names): tooltips build HTML, so every value is escaped.
  var esc = echarts.format.encodeHTML;
  function itemTip(p) { return esc(p.name) + "：" + esc(String(p.value)); }
  function axisTip(ps) {
    return esc(ps[0].axisValue) + ps.map(function (p) { return "<br>" + p.marker + esc(p.seriesName) + "：" + esc(String(p.value)); }).join("");
  }

  function isEmpty(rows) { return !rows.length || rows.every(function (r) { return !r.value; }); }

  // A chart with nothing to draw says so instead of showing bare axes.
  function empty(id) {
    var box = document.getElementById(id);
    if (!box) return;
    var note = document.createElement("p");
    note.className = "chart-empty muted";
    note.textContent = "暂无数据";
    box.replaceChildren(note);
    box.dataset.rendered = "empty";
  }

  function chart(id, option, links) {
    var box = document.getElementById(id);
    if (!box) return;
    var c = echarts.init(box, dark ? "dark" : null);
    c.setOption(option);
    c.on("click", function (p) {
      var link = links && (links[p.dataIndex] || links[p.seriesIndex]);
      if (link) location.href = link;
    });
    box.dataset.rendered = "1";
    charts.push(c);
  }

  function bars(id, rows) {
    if (isEmpty(rows)) return empty(id);
    chart(id, {
      tooltip: {formatter: itemTip}, grid: {left: 40, right: 10, top: 20, bottom: 40},
      xAxis: {type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: {interval: 0, rotate: rows.length > 5 ? 30 : 0}},
      yAxis: {type: "value"}, series: [{type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: {color: "#b71c1c"}}]
    }, rows.map(function (r) { return r.link; }));
  }

  bars("chart-members", data.members);
  bars("chart-ages", data.ages);
  bars("chart-honours", data.honours);
  if (isEmpty(data.education)) empty("chart-education"); else chart("chart-education", {
    tooltip: {trigger: "item", formatter: itemTip},
    series: [{type: "pie", radius: ["35%", "65%"], data: data.education.map(function (r) { return {name: r.label, value: r.value}; })}]
  }, data.education.map(function (r) { return r.link; }));
  if (!data.activities.total) empty("chart-activities"); else chart("chart-activities", {
    tooltip: {trigger: "axis", formatter: axisTip}, legend: {bottom: 0, type: "scroll"}, grid: {left: 40, right: 10, top: 20, bottom: 60},
    xAxis: {type: "category", data: data.activities.months}, yAxis: {type: "value"},
    series: data.activities.series.map(function (s) { return {name: s.name, type: "bar", stack: "all", data: s.data}; })
  }, data.activities.series.map(function (s) { return s.link; }));
  var dual = data.dual_leaders;
  if (dual.ratio === null) empty("chart-dual"); else chart("chart-dual", {
    series: [{type: "gauge", min: 0, max: 100, progress: {show: true}, detail: {formatter: "{value}%"},
      data: [{value: dual.ratio === null ? 0 : Math.round(dual.ratio * 1000) / 10, name: "目标 " + Math.round(dual.target * 100) + "%"}]}]
  }, [dual.link]);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  if (document.body.classList.contains("screen")) {
    setTimeout(function () { location.reload(); }, 300000);  // the meeting-room screen refreshes itself
  }
})();
