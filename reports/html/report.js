// perfadvise HTML report: breakdown, sortable tables and a canvas timeline, drawn from the JSON
// block #data. Vanilla JS, no network. Every profile string goes through textContent or canvas
// fillText, never innerHTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var KIND = ['API call', 'sync wait', 'NVTX range', 'kernel', 'memcpy', 'memset', 'finding'];
  var KIND_COLOR = ['#8c9bb0', '#e5534b', '#a371f7', null, '#e69b2e', '#4fa3e0', '#ff7b72'];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function ms(v) {
    var a = Math.abs(v);
    if (a >= 1000) return v.toFixed(0) + ' ms';
    if (a >= 10) return v.toFixed(1) + ' ms';
    if (a >= 1) return v.toFixed(2) + ' ms';
    return v.toFixed(3) + ' ms';
  }
  function ns(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(3) + ' s';
    if (a >= 1e6) return (v / 1e6).toFixed(3) + ' ms';
    if (a >= 1e3) return (v / 1e3).toFixed(1) + ' us';
    return v.toFixed(0) + ' ns';
  }
  function hue(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    return 'hsl(' + (Math.abs(h) % 360) + ',55%,58%)';
  }

  // ---- step breakdown ------------------------------------------------------------------------
  function breakdown() {
    var host = document.getElementById('breakdown-body');
    host.textContent = '';
    data.processes.forEach(function (p) {
      var b = p.breakdown;
      if (!b || !(b.wall_ms > 0)) {
        host.appendChild(el('p', {class: 'muted', text: p.label + ': no measured steps'}));
        return;
      }
      var parts = [];
      var cats = Object.keys(b.categories_ms);
      var catSum = cats.reduce(function (s, c) { return s + b.categories_ms[c]; }, 0);
      var scale = catSum > b.busy_ms && catSum > 0 ? b.busy_ms / catSum : 1;
      cats.sort(function (x, y) { return b.categories_ms[y] - b.categories_ms[x]; });
      cats.forEach(function (c) { parts.push([c, b.categories_ms[c] * scale, hue(c), 'GPU busy']); });
      if (catSum * scale < b.busy_ms - 1e-9) {
        parts.push(['other GPU work', b.busy_ms - catSum * scale, '#9aa5b1', 'GPU busy']);
      }
      parts.push(['idle: host waits in a sync', b.idle_host_wait_ms, '#e5534b', 'GPU idle']);
      parts.push(['idle: launch gaps', b.idle_launch_gap_ms, '#f0b429', 'GPU idle']);
      parts.push(['idle: other (data, Python)', b.idle_other_ms, '#c9d1d9', 'GPU idle']);
      var bar = el('div', {class: 'stack'});
      var rows = [];
      parts.forEach(function (part) {
        if (!(part[1] > 0)) return;
        var share = part[1] / b.wall_ms;
        var seg = el('div', {title: part[0] + ': ' + ms(part[1])});
        seg.style.width = (share * 100).toFixed(3) + '%';
        seg.style.background = part[2];
        bar.appendChild(seg);
        var sw = el('span', {class: 'swatch'});
        sw.style.background = part[2];
        rows.push([el('span', {}, [sw, document.createTextNode(part[0])]), part[3], ms(part[1]),
                   (share * 100).toFixed(1) + '%']);
      });
      host.appendChild(el('p', {text: p.label + ': median step ' + ms(b.wall_ms) + ', GPU busy ' +
                                      ms(b.busy_ms) + ', ' + Math.round(b.launches) + ' kernel launches'}));
      host.appendChild(bar);
      var table = el('table');
      table.appendChild(el('thead', {}, [el('tr', {}, [el('th', {text: 'where the time goes'}),
        el('th', {text: ''}), el('th', {class: 'num', text: 'ms / step'}), el('th', {class: 'num', text: 'share'})])]));
      var body = el('tbody');
      rows.forEach(function (r) {
        body.appendChild(el('tr', {}, [el('td', {}, [r[0]]), el('td', {class: 'muted', text: r[1]}),
          el('td', {class: 'num', text: r[2]}), el('td', {class: 'num', text: r[3]})]));
      });
      table.appendChild(body);
      host.appendChild(table);
    });
  }

  // ---- sortable, filterable tables -----------------------------------------------------------
  function sortableTable(host, columns, rows, filterInput) {
    var state = {key: columns.findIndex(function (c) { return c.sort; }), dir: -1, filter: ''};
    function render() {
      host.textContent = '';
      var table = el('table');
      var head = el('tr');
      columns.forEach(function (c, i) {
        var th = el('th', {class: 'sortable' + (c.num ? ' num' : '') +
          (state.key === i ? (state.dir > 0 ? ' sorted-asc' : ' sorted-desc') : ''), text: c.label});
        th.addEventListener('click', function () {
          state.dir = state.key === i ? -state.dir : (c.num ? -1 : 1);
          state.key = i;
          render();
        });
        head.appendChild(th);
      });
      table.appendChild(el('thead', {}, [head]));
      var shown = rows.filter(function (r) {
        return !state.filter || String(r[0]).toLowerCase().indexOf(state.filter) >= 0;
      });
      if (state.key >= 0) {
        var k = state.key;
        shown.sort(function (a, b) { return a[k] < b[k] ? -state.dir : a[k] > b[k] ? state.dir : 0; });
      }
      var body = el('tbody');
      shown.slice(0, 1000).forEach(function (r) {
        body.appendChild(el('tr', {}, columns.map(function (c, i) {
          return el('td', {class: c.num ? 'num' : 'code', text: c.fmt ? c.fmt(r[i]) : String(r[i])});
        })));
      });
      table.appendChild(body);
      host.appendChild(table);
    }
    if (filterInput) filterInput.addEventListener('input', function () {
      state.filter = filterInput.value.toLowerCase();
      render();
    });
    render();
  }

  // Kernels by framework op (perfadvise run --torch-ops) and by Python line (--kernel-lines N).
  function contextTables(count, fixed) {
    var ops = [], lines = [], kernels = 0, withOp = 0, sampled = 0;
    data.processes.forEach(function (p) {
      if (!p.context) return;
      ops = ops.concat(p.context.by_op);
      lines = lines.concat(p.context.by_line);
      kernels += p.context.kernels; withOp += p.context.kernels_with_op; sampled += p.context.kernels_sampled;
    });
    document.getElementById('context-count').textContent = kernels ?
        count(withOp) + ' of ' + count(kernels) + ' kernels in an op, ' + count(sampled) + ' with a sampled line' : '';
    var opHost = document.getElementById('ops-table');
    if (ops.length) {
      sortableTable(opHost, [
        {label: 'op'}, {label: 'kernels', num: true, fmt: count}, {label: 'total', num: true, fmt: ms},
        {label: 'per step', num: true, fmt: ms, sort: true}, {label: 'costliest kernel'}, {label: 'costliest GEMM'}
      ], ops, null);
    } else {
      opHost.appendChild(el('p', {class: 'muted', text: 'No kernel ran inside a PyTorch op range: ' +
          'record with perfadvise run --torch-ops to attribute kernels to ops.'}));
    }
    var lineHost = document.getElementById('lines-table');
    if (lines.length) {
      sortableTable(lineHost, [
        {label: 'Python line'}, {label: 'function'}, {label: 'sampled launches', num: true, fmt: count},
        {label: 'est. total', num: true, fmt: ms}, {label: 'est. per step', num: true, fmt: ms, sort: true}
      ], lines, null);
    } else {
      lineHost.appendChild(el('p', {class: 'muted', text: 'No kernel launch carries a Python line: ' +
          'record with perfadvise run --kernel-lines 64 to sample one launch in 64.'}));
    }
  }

  function tables() {
    var kernels = [], syncs = [], names = 0;
    data.processes.forEach(function (p) {
      kernels = kernels.concat(p.kernels.rows);
      names += p.kernels.total_names;
      syncs = syncs.concat(p.syncs);
    });
    document.getElementById('kernels-count').textContent =
        kernels.length < names ? kernels.length + ' of ' + names + ' names, by total time' : names + ' names';
    var count = function (v) { return v.toLocaleString('en-US'); };
    var fixed = function (v) { return v.toFixed(2); };
    sortableTable(document.getElementById('kernels-table'), [
      {label: 'kernel'}, {label: 'calls', num: true, fmt: count}, {label: 'total', num: true, fmt: ms, sort: true},
      {label: 'mean', num: true, fmt: ms}, {label: 'min', num: true, fmt: ms}, {label: 'max', num: true, fmt: ms},
      {label: 'grid'}, {label: 'block'}, {label: 'regs', num: true}, {label: 'per step', num: true, fmt: fixed}
    ], kernels, document.getElementById('kernels-filter'));
    contextTables(count, fixed);
    var host = document.getElementById('syncs-table');
    if (!syncs.length) { host.appendChild(el('p', {class: 'muted', text: 'No host syncs were recorded.'})); return; }
    sortableTable(host, [
      {label: 'Python line'}, {label: 'function'}, {label: 'op'}, {label: 'CUDA call'},
      {label: 'count', num: true, fmt: count}, {label: 'total', num: true, fmt: ms},
      {label: 'per step', num: true, fmt: fixed}, {label: 'wait / step', num: true, fmt: ms, sort: true}
    ], syncs, null);
  }

  function provenance() {
    var host = document.getElementById('provenance');
    (data.analysis.profile.provenance || []).forEach(function (p) {
      var gpus = (p.devices || []).map(function (d) { return d.name; }).join(', ');
      host.appendChild(el('div', {text: p.path + ' \u00b7 ' + (p.command || '') + ' \u00b7 pid ' + p.pid +
        ' on ' + p.hostname + ' \u00b7 ' + gpus + ' \u00b7 driver ' + p.driver_version + ', CUPTI ' +
        p.cupti_version + ', schema v' + p.schema_version + ', recorded by perfadvise ' + p.tool_version +
        (p.dropped_records ? ' \u00b7 ' + p.dropped_records + ' records dropped' : '')}));
    });
    host.appendChild(el('div', {text: 'Report by ' + data.analysis.tool.name + ' ' + data.analysis.tool.version}));
  }

  breakdown();
  tables();
  provenance();
  window.perfadvise = {data: data};
  window.perfadvise.timeline = createTimeline(data.timeline);

  // ---- the canvas timeline -------------------------------------------------------------------
  function createTimeline(tl) {
    var canvas = document.getElementById('tl-canvas');
    var ctx = canvas.getContext('2d');
    var GUTTER = 190, ROW = 16, AXIS = 24, GAP = 6, MAX_ROWS = 6;
    var tracks = tl.tracks.map(function (t) {
      var n = t.s.length, maxDur = 0;
      var s = new Float64Array(t.s), d = new Float64Array(t.d);
      for (var i = 0; i < n; i++) if (d[i] > maxDur) maxDur = d[i];
      return {name: t.name, gpu: t.gpu, rows: Math.min(t.rows, MAX_ROWS), s: s, d: d,
              n: Int32Array.from(t.n), k: Uint8Array.from(t.k), r: Uint8Array.from(t.r),
              maxDur: maxDur, colors: {}};
    });
    var y = AXIS;
    tracks.forEach(function (t) { t.y = y; y += t.rows * ROW + GAP; });
    var height = Math.max(y + 4, 80);
    var span = Math.max(tl.t1 - tl.t0, 1);
    var view = {t0: tl.t0 - span * 0.01, t1: tl.t1 + span * 0.01};
    var highlight = {};
    var selected = null, pending = false, lastDrawn = 0;
    if (tl.note) {
      var note = document.getElementById('tl-note');
      note.textContent = tl.note;
      note.hidden = false;
    }

    // The canvas width is read once per frame: reading layout per event would dominate a frame.
    var cachedWidth = 0, scale = 1;
    function width() { return cachedWidth || canvas.clientWidth || 800; }
    function measure() {
      cachedWidth = canvas.clientWidth || 800;
      scale = (cachedWidth - GUTTER) / (view.t1 - view.t0);
    }
    function xOf(t) { return GUTTER + (t - view.t0) * scale; }
    function tOf(x) { return view.t0 + (x - GUTTER) / (width() - GUTTER) * (view.t1 - view.t0); }
    function lowerBound(arr, v) {
      var lo = 0, hi = arr.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] < v) lo = mid + 1; else hi = mid; }
      return lo;
    }
    function colorOf(t, i) {
      var k = t.k[i];
      if (KIND_COLOR[k]) return KIND_COLOR[k];
      var id = t.n[i];
      return t.colors[id] || (t.colors[id] = hue(tl.strings[id]));
    }

    function resize() {
      cachedWidth = 0;
      var ratio = window.devicePixelRatio || 1;
      canvas.style.height = height + 'px';
      canvas.width = Math.round(width() * ratio);
      canvas.height = Math.round(height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      draw();
    }
    function request() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; draw(); });
    }

    // Enough decimals that neighbouring ticks never read the same.
    function tickLabel(t, step) {
      var digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / 1e6))));
      return (t / 1e6).toFixed(digits) + ' ms';
    }

    function drawAxis(w) {
      var styles = getComputedStyle(document.body);
      ctx.fillStyle = styles.color;
      ctx.font = '11px ' + styles.fontFamily;
      var range = view.t1 - view.t0, step = Math.pow(10, Math.floor(Math.log10(range / 8)));
      if (range / step > 16) step *= 5; else if (range / step > 8) step *= 2;
      for (var t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
        var x = xOf(t);
        ctx.fillRect(x, AXIS - 6, 1, 6);
        ctx.fillText(tickLabel(t, step), x + 3, AXIS - 9);
      }
      ctx.globalAlpha = 0.07;
      (tl.steps || []).forEach(function (st, i) {
        if (i % 2) return;
        var x0 = Math.max(GUTTER, xOf(st[0])), x1 = Math.min(w, xOf(st[1]));
        if (x1 > x0) ctx.fillRect(x0, AXIS, x1 - x0, height - AXIS);
      });
      ctx.globalAlpha = 1;
    }

    // Level of detail: events narrower than a pixel merge into one block per row.
    function drawTrack(t, w) {
      var i = lowerBound(t.s, view.t0 - t.maxDur), n = t.s.length;
      var pend = [], count = 0;
      for (var r = 0; r < t.rows; r++) pend.push(null);
      function flush(r) {
        var p = pend[r];
        if (!p) return;
        ctx.fillStyle = p.c;
        ctx.fillRect(p.x0, t.y + r * ROW + 1, Math.max(1, p.x1 - p.x0), ROW - 2);
        pend[r] = null;
      }
      for (; i < n && t.s[i] <= view.t1; i++) {
        if (t.s[i] + t.d[i] < view.t0) continue;
        var row = Math.min(t.r[i], t.rows - 1);
        var sx = GUTTER + (t.s[i] - view.t0) * scale;
        var x0 = sx < GUTTER ? GUTTER : sx, x1 = sx + t.d[i] * scale;
        if (x1 > w) x1 = w;
        count++;
        if (x1 - x0 < 1) {
          var p = pend[row];
          if (p && x0 <= p.x1 + 1) { p.x1 = Math.max(p.x1, x1); if (t.k[i] === 1) p.c = KIND_COLOR[1]; continue; }
          flush(row);
          pend[row] = {x0: x0, x1: Math.max(x1, x0 + 1), c: colorOf(t, i)};
          continue;
        }
        flush(row);
        var yy = t.y + row * ROW + 1;
        ctx.fillStyle = colorOf(t, i);
        ctx.fillRect(x0, yy, x1 - x0, ROW - 2);
        if (x1 - x0 > 40) {
          ctx.fillStyle = '#111';
          ctx.save();
          ctx.beginPath();
          ctx.rect(x0, yy, x1 - x0 - 2, ROW - 2);
          ctx.clip();
          ctx.fillText(tl.strings[t.n[i]], x0 + 3, yy + ROW - 5);
          ctx.restore();
        }
      }
      for (var rr = 0; rr < t.rows; rr++) flush(rr);
      return count;
    }

    function drawMarks(ti, w) {
      var marks = Object.keys(highlight).map(function (k) { return k.split(':').map(Number); });
      if (selected) marks.push([selected[0], selected[1], 1]);
      marks.forEach(function (m) {
        var t = tracks[m[0]];
        if (!t || m[1] >= t.s.length) return;
        var x0 = Math.max(GUTTER, xOf(t.s[m[1]])), x1 = Math.min(w, xOf(t.s[m[1]] + t.d[m[1]]));
        if (x1 < GUTTER || x0 > w) return;
        var yy = t.y + Math.min(t.r[m[1]], t.rows - 1) * ROW;
        ctx.strokeStyle = m[2] ? '#0969da' : '#ff2d55';
        ctx.lineWidth = 2;
        ctx.strokeRect(x0 - 2, yy, Math.max(4, x1 - x0 + 4), ROW);
      });
    }

    function draw() {
      measure();
      var w = cachedWidth, styles = getComputedStyle(document.body);
      ctx.clearRect(0, 0, w, height);
      drawAxis(w);
      ctx.font = '11px ' + styles.fontFamily;
      lastDrawn = 0;
      tracks.forEach(function (t) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(GUTTER, t.y, w - GUTTER, t.rows * ROW);
        ctx.clip();
        lastDrawn += drawTrack(t, w);
        ctx.restore();
      });
      drawMarks(null, w);
      ctx.fillStyle = styles.backgroundColor === 'rgba(0, 0, 0, 0)' ? '#fff' : styles.backgroundColor;
      ctx.fillRect(0, AXIS, GUTTER - 4, height - AXIS);
      tracks.forEach(function (t) {
        ctx.fillStyle = t.gpu ? '#1a7f37' : styles.color;
        ctx.fillText(t.name.length > 30 ? t.name.slice(0, 29) + '\u2026' : t.name, 6, t.y + 12);
      });
      document.getElementById('tl-range').textContent =
          ns(view.t0) + ' \u2013 ' + ns(view.t1) + ' (' + ns(view.t1 - view.t0) + ')';
    }

    function setView(t0, t1) {
      var minSpan = 1000;
      if (t1 - t0 < minSpan) { var c = (t0 + t1) / 2; t0 = c - minSpan / 2; t1 = c + minSpan / 2; }
      view.t0 = t0; view.t1 = t1;
      request();
    }

    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      var rect = canvas.getBoundingClientRect();
      var at = tOf(Math.max(GUTTER, e.clientX - rect.left));
      var f = Math.exp(e.deltaY * 0.002);
      setView(at - (at - view.t0) * f, at + (view.t1 - at) * f);
    }, {passive: false});
    var drag = null;
    canvas.addEventListener('mousedown', function (e) { drag = {x: e.clientX, t0: view.t0, t1: view.t1, moved: false}; });
    window.addEventListener('mousemove', function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x;
      if (Math.abs(dx) > 2) drag.moved = true;
      var dt = dx / (width() - GUTTER) * (drag.t1 - drag.t0);
      setView(drag.t0 - dt, drag.t1 - dt);
    });
    window.addEventListener('mouseup', function (e) {
      if (drag && !drag.moved) pick(e);
      drag = null;
    });

    function pick(e) {
      var rect = canvas.getBoundingClientRect();
      var x = e.clientX - rect.left, yy = e.clientY - rect.top;
      if (x < GUTTER) return;
      var t = tracks.find(function (tr) { return yy >= tr.y && yy < tr.y + tr.rows * ROW; });
      if (!t) return;
      var row = Math.floor((yy - t.y) / ROW), at = tOf(x), slack = 3 * (view.t1 - view.t0) / (width() - GUTTER);
      var best = -1;
      for (var i = lowerBound(t.s, at - t.maxDur - slack); i < t.s.length && t.s[i] <= at + slack; i++) {
        if (Math.min(t.r[i], t.rows - 1) !== row) continue;
        if (t.s[i] - slack <= at && at <= t.s[i] + t.d[i] + slack) best = i;
      }
      if (best < 0) return;
      select(tracks.indexOf(t), best);
    }

    function select(ti, i) {
      selected = [ti, i];
      var t = tracks[ti], host = document.getElementById('tl-details');
      host.textContent = '';
      var rows = [['name', tl.strings[t.n[i]]], ['kind', KIND[t.k[i]]], ['track', t.name],
                  ['start', ns(t.s[i])], ['duration', ns(t.d[i])]];
      (tl.details[ti + ':' + i] || []).forEach(function (kv) { rows.push(kv); });
      var table = el('table');
      rows.forEach(function (kv) {
        table.appendChild(el('tr', {}, [el('td', {text: kv[0]}), el('td', {}, [el('pre', {text: String(kv[1])})])]));
      });
      host.appendChild(table);
      request();
    }

    function focusFinding(f) {
      var ev = (tl.evidence || [])[f] || [];
      highlight = {};
      if (!ev.length) {
        document.getElementById('tl-details').textContent =
            'This finding has no evidence events inside the embedded timeline.';
        return false;
      }
      var t0 = Infinity, t1 = -Infinity;
      // Zoom on the first evidence event with context around it; all of them stay outlined.
      var first = tracks[ev[0][0]];
      t0 = first.s[ev[0][1]];
      t1 = t0 + first.d[ev[0][1]];
      ev.forEach(function (m) { highlight[m[0] + ':' + m[1]] = 1; });
      var pad = Math.max((t1 - t0) * 1.5, 200000);
      setView(t0 - pad, t1 + pad);
      select(ev[0][0], ev[0][1]);
      document.getElementById('timeline').scrollIntoView({block: 'start'});
      return true;
    }

    Array.prototype.forEach.call(document.querySelectorAll('.show-in-timeline'), function (a) {
      a.addEventListener('click', function (e) {
        e.preventDefault();
        focusFinding(Number(a.getAttribute('data-finding')));
      });
    });
    document.getElementById('tl-fit').addEventListener('click', function () {
      setView(tl.t0 - span * 0.01, tl.t1 + span * 0.01);
    });
    document.getElementById('tl-step').addEventListener('click', function () {
      var st = (tl.steps || [])[Math.floor((tl.steps || []).length / 2)];
      if (st) setView(st[0], st[1]);
    });
    window.addEventListener('resize', resize);
    resize();
    window.perfadvise.timelineView = function () { return {t0: view.t0, t1: view.t1}; };
    window.perfadvise.focusFinding = focusFinding;
    window.perfadvise.drawnEvents = function () { return lastDrawn; };
    return {draw: draw};
  }
})();
