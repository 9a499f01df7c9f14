// Switchyard dashboard: polls the admin API and draws with uPlot (served by the gateway).
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  if (params.has('token')) {
    sessionStorage.setItem('switchyard-token', params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.size > 0 ? `?${params}` : ''));
  }
  const token = sessionStorage.getItem('switchyard-token');
  const api = async (path) => {
    const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return res.json();
  };
  const $ = (id) => document.getElementById(id);
  const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const cell = (text, cls) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  const fillTable = (id, rows) => {
    const body = $(id).tBodies[0];
    body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      tr.append(...cells.map((c) => (c instanceof HTMLElement ? c : cell(String(c)))));
      return tr;
    }));
  };

  // --- heatmap ------------------------------------------------------------------------------
  let heatmap = { slices: [], buckets: [], sliceMs: 1000 };
  let chart;
  // The server's buckets are ~2% wide (HDR-style precision); drawn one by one they are hairlines.
  // The picture folds them into display bands, BANDS_PER_DECADE per power of ten of latency.
  const BANDS_PER_DECADE = 10;
  const bandOf = (ms) => Math.floor(Math.log10(Math.max(ms, 0.001)) * BANDS_PER_DECADE);
  const drawCells = (u) => {
    const { ctx } = u;
    const columns = heatmap.slices.map((s) => {
      const bands = new Map();
      for (const [pos, n] of s.cells) {
        const [low, high] = heatmap.buckets[pos];
        const band = bandOf(Math.sqrt(Math.max(low, 0.001) * Math.max(high, 0.001)));
        bands.set(band, (bands.get(band) ?? 0) + n);
      }
      return { start: s.start, bands };
    });
    let max = 1;
    for (const c of columns) for (const n of c.bands.values()) max = Math.max(max, n);
    let drawn = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    for (const c of columns) {
      const x0 = u.valToPos(c.start / 1000, 'x', true);
      const x1 = u.valToPos((c.start + heatmap.sliceMs) / 1000, 'x', true);
      for (const [band, n] of c.bands) {
        const y0 = u.valToPos(10 ** ((band + 1) / BANDS_PER_DECADE), 'y', true);
        const y1 = u.valToPos(10 ** (band / BANDS_PER_DECADE), 'y', true);
        const heat = Math.log1p(n) / Math.log1p(max);
        ctx.fillStyle = `hsl(${Math.round(220 - 220 * heat)}, 85%, ${Math.round(88 - 40 * heat)}%)`;
        ctx.fillRect(x0, y0, Math.max(1, x1 - x0 - 0.5), Math.max(1, y1 - y0 - 0.5));
        drawn++;
      }
    }
    ctx.restore();
    $('heatmap').dataset.cells = String(drawn);
  };
  const makeChart = () => {
    const el = $('heatmap');
    chart = new uPlot(
      {
        width: Math.max(400, el.clientWidth - 10),
        height: 320,
        scales: { x: { time: true }, y: { distr: 3, log: 10 } },
        axes: [{}, { label: 'latency (ms)', size: 60 }],
        series: [{}, { label: 'p50 ms', stroke: '#1d232b', width: 1 }, { label: 'p99 ms', stroke: '#b4261a', width: 1, dash: [4, 3] }],
        hooks: { drawClear: [drawCells] },
      },
      [[], [], []],
      el,
    );
  };
  const showHeatmap = () => {
    const xs = heatmap.slices.map((s) => (s.start + heatmap.sliceMs / 2) / 1000);
    const floor = (v) => Math.max(v, 0.001);
    chart.setData([xs, heatmap.slices.map((s) => floor(s.p50)), heatmap.slices.map((s) => floor(s.p99))]);
    if (xs.length === 0) $('heatmap').dataset.cells = '0';
  };

  // --- polling ------------------------------------------------------------------------------
  let previous;
  const refreshKeys = async () => {
    const index = await api('/admin/heatmap');
    const select = $('heatmap-key');
    const wanted = [...index.routes.map((r) => `route=${encodeURIComponent(r)}`), ...index.upstreams.map((u) => `upstream=${encodeURIComponent(u)}`)];
    const labels = [...index.routes.map((r) => `route ${r}`), ...index.upstreams.map((u) => `upstream ${u}`)];
    const current = select.value;
    if ([...select.options].map((o) => o.value).join() !== wanted.join()) {
      select.replaceChildren(...wanted.map((v, i) => new Option(labels[i], v)));
      const firstRoute = wanted.find((v) => v.startsWith('route=') && !v.includes('(unmatched)'));
      select.value = wanted.includes(current) ? current : (firstRoute ?? wanted[0] ?? '');
    }
  };
  const refresh = async () => {
    const windowSpec = $('window').value;
    await refreshKeys();
    const key = $('heatmap-key').value;
    const [state, correlation] = await Promise.all([api('/dashboard/state'), api(`/admin/correlation?from=${windowSpec}&limit=15`)]);
    if (key) {
      heatmap = await api(`/admin/heatmap?${key}&from=${windowSpec}`);
      showHeatmap();
    }
    const seconds = previous ? (state.now - previous.now) / 1000 : 0;
    const before = new Map((previous?.routes ?? []).map((r) => [r.route, r]));
    fillTable('routes', state.routes.map((r) => {
      const p = before.get(r.route);
      const rate = p && seconds > 0 ? (r.requests - p.requests) / seconds : NaN;
      const errRate = p && seconds > 0 ? (r.errors - p.errors) / seconds : NaN;
      return [r.route, fmt(rate), fmt(errRate, 2), fmt((100 * r.errors) / Math.max(1, r.requests), 2), fmt(r.lastMinute.p50, 2), fmt(r.lastMinute.p99, 2), r.requests];
    }));
    previous = state;
    fillTable('upstreams', state.upstreams.map((u) => {
      const up = u.endpoints.filter((e) => e.healthy && e.ejection !== 'ejected').length;
      const endpoints = u.endpoints.length === 0 ? '–' : cell(`${up} / ${u.endpoints.length}`, up < u.endpoints.length ? 'down' : '');
      return [u.name, u.type, endpoints, u.stats?.active ?? '–', u.stats?.idle ?? '–', u.stats?.queued ?? '–', u.stats?.max ?? '–', fmt(u.lastMinute.p50, 2), fmt(u.lastMinute.p99, 2)];
    }));
    fillTable('connections', state.upstreams.flatMap((u) => u.connections.map((c) => [u.name, c.endpoint, c.state, fmt(c.ageMs / 1000, 0), c.requests, c.bytesIn, c.bytesOut, c.lastError ?? '–'])));
    fillTable('fpm', state.fpm.map((f) => [f.upstream, cell(f.up ? 'up' : `down (${f.scrapeErrors} errors)`, f.up ? '' : 'down'), f.status?.activeProcesses ?? '–', f.status?.idleProcesses ?? '–', f.status?.listenQueue ?? '–', f.status?.maxChildrenReached ?? '–', f.status?.slowRequests ?? '–', f.slowlogEntries]));
    const s = correlation.summary;
    $('summary').textContent = `Verdicts: gateway paused ${s['gateway-paused']}, php-fpm saturated ${s['php-fpm-saturated']}, upstream slow ${s['upstream-slow']}, none ${s.gateway}`;
    fillTable('correlation', correlation.requests.map((r) => [
      new Date(r.end).toLocaleTimeString(),
      fmt(r.durationMs, 1),
      `${r.method} ${r.path}`,
      r.status,
      cell(r.verdict, `verdict-${r.verdict}`),
      fmt(r.shares.gatewayPauseMs, 1),
      fmt(r.shares.saturationMs, 1),
      fmt(r.shares.upstreamMs, 1),
      r.overlapping.map((e) => e.kind).join(', ') || '–',
      r.traceId ?? '–',
    ]));
    $('status').textContent = `updated ${new Date().toLocaleTimeString()}`;
  };
  // --- delivery: rollouts and the shadow diff report -----------------------------------------
  const none = (id, text) => {
    const td = cell(text, 'none');
    td.colSpan = $(id).tHead.rows[0].cells.length;
    const tr = document.createElement('tr');
    tr.append(td);
    $(id).tBodies[0].replaceChildren(tr);
  };
  const fill = (id, rows, empty) => (rows.length === 0 ? none(id, empty) : fillTable(id, rows));
  const num = (v, digits = 3) => (v === null || v === undefined ? '–' : fmt(Number(v), digits));
  const steps = (r) => {
    const span = document.createElement('span');
    span.append(...(r.steps ?? []).map((s, i) => {
      const b = document.createElement(i === r.step ? 'b' : 'span');
      b.textContent = `${s.weight}%`;
      b.className = i < r.step ? 'step done' : 'step';
      return b;
    }));
    const td = document.createElement('td');
    td.append(span);
    return td;
  };
  const showRollouts = (rollouts) => {
    fill('rollouts', rollouts.map((r) => {
      const last = [...r.decisions].reverse().find((d) => d.metric !== null);
      return [r.route, r.canary, cell(r.state, `state-${r.state}`), `${r.step + 1} / ${(r.steps ?? []).length || '?'}`, r.weight, steps(r), last ? cell(`${last.metric} ${last.verdict}`, `verdict-${last.verdict}`) : '–'];
    }), 'no rollouts configured');
    const decisions = rollouts.flatMap((r) => r.decisions.map((d) => ({ ...d, route: r.route }))).sort((a, b) => b.time.localeCompare(a.time)).slice(0, 30);
    fill('decisions', decisions.map((d) => {
      const verdict = cell(d.verdict ?? '–', d.verdict ? `verdict-${d.verdict}` : '');
      if (d.detail) verdict.title = d.detail;
      return [new Date(d.time).toLocaleTimeString(), d.route, d.step + 1, d.metric ?? '–', num(d.canary), num(d.baseline), num(d.threshold), verdict, d.action, d.by];
    }), 'no decisions yet');
  };
  const shown = (v) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));
  const showShadow = (routes) => {
    fill('shadow', routes.map((r) => [r.route, r.target, r.compared, r.mismatched, cell(fmt(100 * r.mismatchRate, 2), r.mismatched > 0 ? 'down' : ''), r.noData.timeout, r.noData.failed, r.noData.tooLarge, r.noData.overCapacity, r.noData.busy]), 'no shadowed routes');
    fill('shadow-fields', routes.flatMap((r) => r.fields.map((f) => [r.route, f.pointer === '' ? '(whole body)' : f.pointer, f.mismatched, f.noise, cell(f.mismatched > 0 ? 'mismatch' : 'noise', f.mismatched > 0 ? 'verdict-fail' : 'noise')])), 'no differing fields');
    const samples = routes.flatMap((r) => r.samples.map((s) => ({ ...s, route: r.route }))).sort((a, b) => b.time.localeCompare(a.time)).slice(0, 20);
    fill('shadow-samples', samples.map((s) => [new Date(s.time).toLocaleTimeString(), s.route, `${s.method} ${s.path}`, cell(s.differences.map((d) => `${d.pointer === '' ? '(body)' : d.pointer}: ${shown(d.baseline)} → ${shown(d.target)}`).join('; '), 'diff')]), 'no mismatches');
  };
  // Each panel on its own: a gateway without rollouts or shadows still draws the rest.
  const refreshDelivery = async () => {
    await Promise.all([
      api('/admin/rollouts').then((v) => showRollouts(v.rollouts), (err) => none('rollouts', `unavailable: ${err.message}`)),
      api('/admin/shadow').then((v) => showShadow(v.routes), (err) => none('shadow', `unavailable: ${err.message}`)),
    ]);
  };

  const loop = async () => {
    try {
      await Promise.all([refresh(), refreshDelivery()]);
    } catch (err) {
      $('status').textContent = `error: ${err.message}`;
    }
    setTimeout(loop, 2000);
  };
  makeChart();
  $('heatmap-key').addEventListener('change', () => void refresh().catch(() => {}));
  $('window').addEventListener('change', () => void refresh().catch(() => {}));
  void loop();
})();
