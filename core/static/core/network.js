// The co-construction network: an ECharts force graph fed by the scoped JSON view.
(function () {
  var box = document.getElementById("network");
  if (!box || !window.echarts) return;
  var chart = echarts.init(box);
  // Names come from records users type: every value that reaches the tooltip's HTML is escaped.
  var esc = echarts.format.encodeHTML;
  fetch(box.dataset.src, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
    var categories = data.categories.map(function (name) { return {name: name}; });
    var index = {};
    data.categories.forEach(function (name, i) { index[name] = i; });
    var nodeCategory = {};
    data.links.forEach(function (l) { nodeCategory[l.source] = index[l.category]; nodeCategory[l.target] = nodeCategory[l.target] ?? index[l.category]; });
    chart.setOption({
      tooltip: {formatter: function (p) { return p.dataType === "edge" ? esc(p.data.category) + (p.data.pending ? "（待确认）" : "") : esc(p.data.name) + "：" + esc(String(p.data.value)) + " 条"; }},
      legend: [{data: data.categories, bottom: 0}],
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true, categories: categories,
        label: {show: data.nodes.length <= 80, position: "right", fontSize: 11},
        force: {repulsion: data.nodes.length < 50 ? 400 : 120, edgeLength: data.nodes.length < 50 ? [80, 180] : [40, 120]},
        data: data.nodes.map(function (n) { return {id: n.id, name: n.name, value: n.value, category: nodeCategory[n.id], symbolSize: 8 + Math.min(n.value, 10) * 3}; }),
        links: data.links.map(function (l) { return {source: l.source, target: l.target, category: l.category, pending: l.pending, pairing: l.pairing, lineStyle: {type: l.pending ? "dashed" : "solid"}}; })
      }]
    });
    chart.on("click", function (p) { if (p.dataType === "edge" && p.data.pairing) location.href = "/pairings/" + encodeURIComponent(p.data.pairing) + "/"; });
    box.dataset.rendered = String(data.nodes.length);
    var note = document.getElementById("network-note");
    note.textContent += "（关系图生成于 " + data.computed_at + "）";
    if (data.capped) note.textContent += "（仅显示最近的 1500 个共建关系）";
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
