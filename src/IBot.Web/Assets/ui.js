// ibot ui: interactive SVG charts of a run's curves (zoom by dragging, double-click to reset, hover values,
// log scale) and live updates by polling while the run trains. Plain JS, no library; text goes in with textContent.
'use strict';
(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  const W = 640, H = 260, L = 56, R = 12, T = 12, B = 30;

  function svg(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(name, cls, parent, text) {
    const e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (v === 0) return '0';
    const a = Math.abs(v);
    return a >= 1e5 || a < 1e-3 ? v.toExponential(3).replace(/\.?0+e/, 'e') : String(+v.toPrecision(5));
  }
  // Round steps (1, 2, 5 × 10^k); whole ones on an axis of iterations or epochs.
  function ticks(lo, hi, n, whole) {
    const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n || 1)));
    const err = (hi - lo) / n / step;
    let s = step * (err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1);
    if (whole) s = Math.max(1, s);
    const out = [];
    for (let v = Math.ceil(lo / s) * s; v <= hi + s * 1e-9; v += s) out.push(+v.toPrecision(12));
    return out;
  }

  class Chart {
    constructor(parent, key, title, xLabel) {
      this.box = html('div', 'chart', parent);
      this.box.dataset.chart = key;
      const head = html('div', 'chart-head', this.box);
      html('b', '', head, title);
      const label = html('label', '', head);
      this.logBox = html('input', 'log', label);
      this.logBox.type = 'checkbox';
      label.appendChild(document.createTextNode(' log scale'));
      this.logBox.addEventListener('change', () => this.render());
      const reset = html('button', 'reset', head, 'reset zoom');
      reset.type = 'button';
      reset.addEventListener('click', () => { this.zoom = null; this.render(); });
      this.svg = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot' }, this.box);
      this.legend = html('div', 'legend', this.box);
      this.tip = html('div', 'tip', this.box);
      this.xLabel = xLabel;
      this.series = [];
      this.zoom = null;
      this.svg.addEventListener('mousemove', e => this.hover(e));
      this.svg.addEventListener('mouseleave', () => { this.tip.style.display = 'none'; if (this.cursor) this.cursor.setAttribute('visibility', 'hidden'); });
      this.svg.addEventListener('mousedown', e => { this.dragFrom = this.dataX(e); e.preventDefault(); });
      this.svg.addEventListener('mouseup', e => {
        const to = this.dataX(e);
        if (this.dragFrom !== undefined && to !== undefined && Math.abs(to - this.dragFrom) > (this.xr[1] - this.xr[0]) / 100) {
          this.zoom = [Math.min(this.dragFrom, to), Math.max(this.dragFrom, to)];
          this.render();
        }
        this.dragFrom = undefined;
      });
      this.svg.addEventListener('dblclick', () => { this.zoom = null; this.render(); });
    }

    set(series) {
      this.series = series;
      this.box.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
      this.render();
    }

    dataX(e) {
      if (!this.xr) return undefined;
      const r = this.svg.getBoundingClientRect();
      const px = (e.clientX - r.left) * W / r.width;
      return this.xr[0] + (px - L) / (W - L - R) * (this.xr[1] - this.xr[0]);
    }

    render() {
      const log = this.logBox.checked;
      while (this.svg.firstChild) this.svg.removeChild(this.svg.firstChild);
      this.legend.textContent = '';
      const all = this.series.flatMap(s => s.points);
      if (all.length === 0) { svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, this.svg).textContent = 'no values yet'; this.xr = null; return; }
      let x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]));
      if (this.zoom) [x0, x1] = this.zoom;
      if (x1 === x0) { x0 -= 1; x1 += 1; }
      const seen = all.filter(p => p[0] >= x0 && p[0] <= x1 && (!log || p[1] > 0)).map(p => log ? Math.log10(p[1]) : p[1]);
      let y0 = seen.length ? Math.min(...seen) : 0, y1 = seen.length ? Math.max(...seen) : 1;
      if (y1 === y0) { y0 -= Math.abs(y0) * 0.1 || 1; y1 += Math.abs(y1) * 0.1 || 1; }
      const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
      this.xr = [x0, x1]; this.yr = [y0, y1]; this.log = log;
      const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R);
      const sy = y => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
      this.sx = sx; this.sy = sy;
      const axes = svg('g', { class: 'axes' }, this.svg);
      for (const t of ticks(x0, x1, 6, true)) {
        svg('line', { x1: sx(t), x2: sx(t), y1: T, y2: H - B, class: 'grid' }, axes);
        svg('text', { x: sx(t), y: H - B + 14, 'text-anchor': 'middle' }, axes).textContent = fmt(t);
      }
      for (const t of ticks(y0, y1, 5)) {
        svg('line', { x1: L, x2: W - R, y1: sy(t), y2: sy(t), class: 'grid' }, axes);
        svg('text', { x: L - 4, y: sy(t) + 4, 'text-anchor': 'end' }, axes).textContent = fmt(log ? Math.pow(10, t) : t);
      }
      svg('text', { x: W - R, y: H - 4, 'text-anchor': 'end', class: 'axis-label' }, axes).textContent = this.xLabel;
      const clip = 'c' + Math.random().toString(36).slice(2);
      svg('rect', { x: L, y: T, width: W - L - R, height: H - T - B }, svg('clipPath', { id: clip }, this.svg));
      const lines = svg('g', { 'clip-path': `url(#${clip})` }, this.svg);
      this.series.forEach((s, i) => {
        const color = COLORS[i % COLORS.length];
        const pts = s.points.filter(p => !log || p[1] > 0);
        const d = pts.map((p, j) => (j ? 'L' : 'M') + sx(p[0]).toFixed(1) + ',' + sy(log ? Math.log10(p[1]) : p[1]).toFixed(1)).join('');
        svg('path', { d, stroke: color, class: 'line', 'data-series': s.name }, lines);
        if (pts.length < 60) for (const p of pts) svg('circle', { cx: sx(p[0]), cy: sy(log ? Math.log10(p[1]) : p[1]), r: 2.5, fill: color }, lines);
        const item = html('span', 'item', this.legend);
        html('i', '', item).style.background = color;
        item.appendChild(document.createTextNode(s.name));
      });
      this.cursor = svg('line', { y1: T, y2: H - B, class: 'cursor', visibility: 'hidden' }, this.svg);
    }

    hover(e) {
      const x = this.dataX(e);
      if (x === undefined || !this.series.length) return;
      let best = null;
      for (const s of this.series) for (const p of s.points) if (best === null || Math.abs(p[0] - x) < Math.abs(best - x)) best = p[0];
      if (best === null) return;
      this.tip.textContent = '';
      html('div', 'tip-x', this.tip, `${this.xLabel} ${fmt(best)}`);
      for (const s of this.series) {
        const p = s.points.filter(q => q[0] === best).pop();
        if (p) html('div', 'tip-value', this.tip, `${s.name}: ${fmt(p[1])}`).dataset.value = String(p[1]);
      }
      this.tip.dataset.x = String(best);
      this.tip.style.display = 'block';
      this.cursor.setAttribute('x1', this.sx(best)); this.cursor.setAttribute('x2', this.sx(best));
      this.cursor.setAttribute('visibility', 'visible');
    }
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(r => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    });
  }

  // A term that is the total (the only objective, weight 1) would hide under the total's line: drawn once.
  function lossTerms(curves) {
    const losses = curves.filter(c => c.group === 'loss');
    const total = losses.find(c => c.name === 'loss');
    const same = c => total && c !== total && c.points.length === total.points.length && c.points.every((p, i) => p[0] === total.points[i][0] && p[1] === total.points[i][1]);
    return losses.filter(c => !same(c));
  }

  // The run page: loss terms and the learning rate by iteration, evaluations by epoch.
  function runCharts(box) {
    const id = box.dataset.run;
    const charts = {
      loss: new Chart(box, 'loss', 'Loss terms', 'iteration'),
      lr: new Chart(box, 'lr', 'Learning rate', 'iteration'),
      eval: new Chart(box, 'eval', 'Evaluations', 'epoch'),
    };
    let lines = -1;
    const status = document.getElementById('run-status');
    function update() {
      return getJson(`/api/runs/${encodeURIComponent(id)}/metrics`).then(doc => {
        if (status && status.textContent !== doc.status) { status.textContent = doc.status; status.className = 'status ' + doc.status; }
        if (doc.lines !== lines) {
          lines = doc.lines;
          charts.loss.set(lossTerms(doc.curves));
          charts.lr.set(doc.curves.filter(c => c.name === 'lr'));
          charts.eval.set(doc.curves.filter(c => c.group === 'eval'));
        }
        box.dataset.lines = String(doc.lines);
        return doc.status === 'running' || doc.status === 'queued';
      });
    }
    function poll() {
      update().then(live => { if (live) setTimeout(poll, 1000); }, () => setTimeout(poll, 3000));
    }
    if (box.dataset.live === 'true') poll(); else update();
  }

  // The compare page: each curve of any of the runs, the runs overlaid.
  function compareCharts(box) {
    const ids = box.dataset.runs.split(',');
    Promise.all(ids.map(id => getJson(`/api/runs/${encodeURIComponent(id)}/metrics`))).then(docs => {
      const names = [];
      // A loss term that is the total in every run is not drawn twice.
      const kept = docs.map(d => new Set(lossTerms(d.curves).map(c => c.name)));
      for (const d of docs) for (const c of d.curves)
        if (c.group !== 'schedule' && !names.some(n => n.name === c.name) && (c.group !== 'loss' || kept.some(k => k.has(c.name)))) names.push(c);
      for (const c of names) {
        const chart = new Chart(box, c.name, c.name, c.x);
        chart.set(docs.map((d, i) => ({ name: ids[i], points: (d.curves.find(x => x.name === c.name) || { points: [] }).points })));
      }
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    const run = document.getElementById('charts');
    if (run) runCharts(run);
    const compare = document.getElementById('compare-charts');
    if (compare) compareCharts(compare);
  });
})();
