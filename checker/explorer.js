// The β explorer, computed and drawn in the browser.
//
// One module, two hosts: anywidget passes the kernel's widget model to render(); a page with no
// kernel (an exported notebook) passes localModel(state), which has the same get/set/on/save_changes.
// Every input event recomputes v_t and v̂_t here and redraws the canvas; the kernel only hears the
// settings afterwards (save_changes), so it is never on the path of a redraw.

const COLORS = { data: "#7f7f7f", first: "#1f77b4", second: "#ff7f0e", spike: "#d62728", cursor: "#444" };
const INSET_DAYS = 56;                 // the second panel: the first 8 weeks, where bias correction acts
const SPIKE_BEFORE = 7, SPIKE_AFTER = 42; // the third panel, with a spike: a week before it to six weeks after
const DAY_MS = 86400000;

// --- the math (the same as checker.reference) ---------------------------------------------------

/** β = 1 − 10^(−u): u = 0 → 0, 1 → 0.9, 2 → 0.99, 3 → 0.999. */
function betaFromExponent(u) {
  return 1 - Math.pow(10, -u);
}

/** v_1 … v_T of v_t = β v_{t−1} + (1 − β) θ_t with v_0 = 0. thetas: array of T numbers. */
function ema(thetas, beta) {
  const v = new Float64Array(thetas.length);
  let previous = 0;
  for (let t = 0; t < thetas.length; t++) {
    previous = beta * previous + (1 - beta) * thetas[t];
    v[t] = previous;
  }
  return v;
}

/** 1 − β^t for t = 1 … T, as −expm1(t ln β), which stays accurate while β^t is close to 1. */
function biasFactor(t, beta) {
  return beta === 0 ? 1 : -Math.expm1(t * Math.log(beta));
}

/** v̂_t = v_t / (1 − β^t) for t = 1 … T. */
function emaBiasCorrected(thetas, beta) {
  const v = ema(thetas, beta);
  for (let t = 0; t < v.length; t++) {
    const factor = biasFactor(t + 1, beta);
    if (factor === 1) break;           // from here on, dividing by 1 changes nothing
    v[t] /= factor;
  }
  return v;
}

// --- words: the catalogue's templates, filled like Python's str.format --------------------------

function formatNumber(value, spec) {
  if (!spec) return String(value);
  const m = /^(\+)?(,)?(?:\.(\d+))?([fd%])?$/.exec(spec);
  if (!m) return String(value);
  const [, plus, comma, digits, kind] = m;
  let x = kind === "%" ? value * 100 : value;
  let s = digits !== undefined ? Math.abs(x).toFixed(Number(digits)) : String(Math.abs(x));
  if (comma) {
    const [whole, fraction] = s.split(".");
    s = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction !== undefined ? "." + fraction : "");
  }
  const negative = x < 0 && Number(s.replace(/,/g, "")) !== 0;
  return (negative ? "-" : plus ? "+" : "") + s + (kind === "%" ? "%" : "");
}

/** A template with {name} or {name:spec} fields; a {one, other} template is chosen by fields.n. */
function say(template, fields = {}) {
  if (template && typeof template === "object") template = fields.n === 1 ? template.one : template.other;
  return String(template ?? "").replace(/\{(\w+)(?::([^}]*))?\}/g, (_, name, spec) =>
    name in fields ? (typeof fields[name] === "number" ? formatNumber(fields[name], spec) : String(fields[name])) : "");
}

// --- a model for a page without a kernel --------------------------------------------------------

function localModel(state) {
  const listeners = {};
  return {
    get: (name) => state[name],
    set(name, value) {
      state[name] = value;
      (listeners["change:" + name] || []).forEach((f) => f());
    },
    on(event, callback) { (listeners[event] = listeners[event] || []).push(callback); },
    off() {},
    save_changes() {},
  };
}

// --- the page ----------------------------------------------------------------------------------

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  children.forEach((child) => node.append(child));
  return node;
}

function range(cls, min, max, step, label) {
  return element("input", { type: "range", class: cls, min, max, step, "aria-label": label });
}

function checkbox(cls, label) {
  const box = element("input", { type: "checkbox", class: cls });
  return [box, element("label", { class: "bx-check" }, [box, document.createTextNode(" " + label)])];
}

function isoDate(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function render({ model, el }) {
  const words = model.get("labels");
  const thetas = Float64Array.from(model.get("thetas"));
  const days = model.get("days");
  const T = thetas.length;
  const unit = model.get("unit");

  // controls
  const beta = range("bx-beta", 0, 3, 0.01, words.beta);
  const betaReadout = element("span", { class: "bx-readout bx-beta-readout" });
  const [compare, compareRow] = checkbox("bx-compare", words.compare);
  const second = range("bx-second", 0, 3, 0.01, words.second_beta);
  const secondReadout = element("span", { class: "bx-readout bx-second-readout" });
  const [corrected, correctedRow] = checkbox("bx-corrected", words.correction);
  const [both, bothRow] = checkbox("bx-both", words.both);
  const [spike, spikeRow] = checkbox("bx-spike", words.spike);
  const spikeSize = range("bx-spike-size", -30, 30, 1, words.spike_size);
  const spikeDay = range("bx-spike-day", 1, T, 1, words.spike_day);
  const spikeReadout = element("div", { class: "bx-readout bx-spike-readout" });
  const legend = element("div", { class: "bx-legend" });
  const pointer = element("div", { class: "bx-readout bx-pointer", text: words.pointer_hint });
  const canvas = element("canvas", { class: "bx-plot", role: "img", "aria-label": words.title });

  const root = element("div", { class: "beta-explorer" }, [
    element("div", { class: "bx-row" }, [element("span", { class: "bx-name", text: words.beta }), beta, betaReadout]),
    element("div", { class: "bx-row" }, [element("span", { class: "bx-name", text: words.second_beta }), second,
      secondReadout, compareRow]),
    element("div", { class: "bx-row" }, [correctedRow, bothRow]),
    element("div", { class: "bx-row" }, [spikeRow, element("span", { class: "bx-name", text: words.spike_size }),
      spikeSize, element("span", { class: "bx-name", text: words.spike_day }), spikeDay]),
    spikeReadout, canvas, legend, pointer,
  ]);
  // JupyterLab's keyboard shortcuts (arrow keys move between cells) must not take the controls' keys
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (event) => event.stopPropagation());
  el.replaceChildren(root);

  let hover = null;                    // the day index under the pointer, or null
  let lastViews = null;                // the panels as last drawn, to find the day under the pointer

  function settings() {
    return {
      beta: betaFromExponent(model.get("exponent")),
      second: betaFromExponent(model.get("compare_exponent")),
      compare: model.get("compare"), corrected: model.get("corrected"), both: model.get("both"),
      spike: model.get("spike"), size: model.get("spike_size"),
      day: Math.min(T, Math.max(1, Math.round(model.get("spike_day")))),
    };
  }

  function series(s) {
    let data = thetas;
    if (s.spike) {
      data = Float64Array.from(thetas);
      data[s.day - 1] += s.size;
    }
    const lines = [];
    const shown = s.compare ? [[s.beta, COLORS.first], [s.second, COLORS.second]] : [[s.beta, COLORS.first]];
    for (const [b, color] of shown) {
      const plain = ema(data, b);
      const hat = s.corrected || s.both ? emaBiasCorrected(data, b) : null;
      if (s.corrected || s.both) lines.push({ beta: b, color, values: hat, dashed: !s.corrected, label: words.legend_corrected });
      if (!s.corrected || s.both) lines.push({ beta: b, color, values: plain, dashed: s.corrected, label: words.legend_plain });
    }
    return { data, lines };
  }

  function syncControls(s) {
    beta.value = model.get("exponent");
    second.value = model.get("compare_exponent");
    compare.checked = s.compare;
    second.disabled = !s.compare;
    corrected.checked = s.corrected;
    both.checked = s.both;
    spike.checked = s.spike;
    spikeSize.value = s.size;
    spikeDay.value = s.day;
    spikeSize.disabled = spikeDay.disabled = !s.spike;
    betaReadout.textContent = say(words.readout, { beta: s.beta, n: Math.round(1 / (1 - s.beta)) });
    secondReadout.textContent = s.compare ? say(words.readout, { beta: s.second, n: Math.round(1 / (1 - s.second)) }) : "";
  }

  function describeSpike(s) {
    if (!s.spike) return "";
    const fields = { date: isoDate(days[s.day - 1]), t: s.day, size: s.size, unit, beta: s.beta,
      jump: (1 - s.beta) * s.size, half: s.beta > 0 ? Math.log(0.5) / Math.log(s.beta) : 0 };
    return say(s.beta > 0 ? words.spike_readout : words.spike_readout_zero, fields);
  }

  function describePointer(s, data) {
    if (hover === null) return words.pointer_hint;
    const t = hover + 1;
    const betas = s.compare ? [s.beta, s.second] : [s.beta];
    const factors = betas.map((b) => say(words.pointer_factor, { factor: biasFactor(t, b), beta: b })).join(" · ");
    const plain = ema(data, s.beta)[hover];
    const values = say(words.pointer_values, { v: plain, vhat: plain / biasFactor(t, s.beta), beta: s.beta, unit });
    return say(words.pointer, { date: isoDate(days[hover]), t, factors, values });
  }

  // drawing
  const margin = { left: 46, right: 12 };
  const panels = { main: { top: 22, height: 230 }, inset: { top: 292, height: 150 } };
  const heightCss = 468;

  // The width is measured when the element is resized, never during a draw: reading it there
  // would force the browser to lay the page out again on every input event.
  let available = 860;
  function measure() {
    available = el.clientWidth || available;
  }

  function layout() {
    const width = Math.max(420, Math.min(900, available - 4));
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(heightCss * ratio);
      canvas.style.width = width + "px";
      canvas.style.height = heightCss + "px";
    }
    return { width, ratio };
  }

  let yRange = null;
  /** The y-range of a panel: the whole data and 0 for the main one; for a zoomed panel, its own
   *  days of the data (the spike aside, drawn at the edge if it is off the scale) and of the lines. */
  function yLimits(view, data, lines, spikeIndex) {
    let lo = view.main ? 0 : Infinity, hi = view.main ? 0 : -Infinity;
    const take = (x) => { if (x < lo) lo = x; if (x > hi) hi = x; };
    for (let i = view.first; i <= view.last; i++) {
      if (view.main || i !== spikeIndex) take(data[i]);
      if (!view.main) lines.forEach((line) => take(line.values[i]));
    }
    const pad = 0.06 * (hi - lo || 1);
    return [lo - pad, hi + pad];
  }

  function draw() {
    const s = settings();
    syncControls(s);
    const { data, lines } = series(s);
    const { width, ratio } = layout();
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, heightCss);
    const plotWidth = width - margin.left - margin.right;
    const insetDays = Math.min(T, INSET_DAYS);
    const half = s.spike ? (plotWidth - margin.left) / 2 : plotWidth;
    const views = [
      { ...panels.main, main: true, left: margin.left, width: plotWidth, first: 0, last: T - 1, title: words.title,
        ticks: yearTicks },
      { ...panels.inset, left: margin.left, width: half, first: 0, last: insetDays - 1,
        title: say(words.inset_title, { n: insetDays }), ticks: dayTicks(0, insetDays - 1) },
    ];
    if (s.spike) {
      const first = Math.max(0, s.day - 1 - SPIKE_BEFORE), last = Math.min(T - 1, s.day - 1 + SPIKE_AFTER);
      views.push({ ...panels.inset, left: 2 * margin.left + half, width: half, first, last, spikeView: true,
        title: say(words.spike_title, { t: s.day }), ticks: dayTicks(first, last) });
    }
    for (const view of views) {
      const x = (i) => view.left + ((i - view.first) / Math.max(1, view.last - view.first)) * view.width;
      yRange = yLimits(view, data, lines, s.spike ? s.day - 1 : -1);
      const y = (value) => view.top + view.height * (1 - (value - yRange[0]) / (yRange[1] - yRange[0]));
      const plotWidth = view.width;
      frame(ctx, view, x, y, plotWidth);
      ctx.save();
      ctx.beginPath();
      ctx.rect(view.left, view.top, plotWidth, view.height);
      ctx.clip();
      if (view.main) ctx.drawImage(dots(s, view, data, x, y, width, ratio), 0, 0, width, heightCss);
      else drawDots(ctx, view, data, x, y);
      if (s.spike && s.day - 1 >= view.first && s.day - 1 <= view.last) {
        ctx.fillStyle = COLORS.spike;
        ctx.beginPath();
        const top = view.top + 5, bottom = view.top + view.height - 5;
        ctx.arc(x(s.day - 1), Math.min(bottom, Math.max(top, y(data[s.day - 1]))), 4, 0, 2 * Math.PI);
        ctx.fill();
      }
      if (view.spikeView) {
        const without = s.corrected ? emaBiasCorrected(thetas, s.beta) : ema(thetas, s.beta);
        ctx.strokeStyle = COLORS.first;
        ctx.globalAlpha = 0.45;
        ctx.lineWidth = 1.2;
        ctx.setLineDash([1.5, 2.5]);
        stroke(ctx, without, view, x, y);
        ctx.globalAlpha = 1;
      }
      for (const line of lines) {
        ctx.strokeStyle = line.color;
        ctx.lineWidth = line.dashed ? 1.4 : 1.9;
        ctx.setLineDash(line.dashed ? [5, 4] : []);
        stroke(ctx, line.values, view, x, y);
      }
      ctx.setLineDash([]);
      if (hover !== null && hover >= view.first && hover <= view.last) {
        ctx.strokeStyle = COLORS.cursor;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x(hover) + 0.5, view.top);
        ctx.lineTo(x(hover) + 0.5, view.top + view.height);
        ctx.stroke();
      }
      ctx.restore();
    }
    lastViews = views;
    drawLegend(s, lines);
    spikeReadout.textContent = describeSpike(s);
    pointer.textContent = describePointer(s, data);
  }

  function stroke(ctx, values, view, x, y) {
    ctx.beginPath();
    ctx.moveTo(x(view.first), y(values[view.first]));
    for (let i = view.first + 1; i <= view.last; i++) ctx.lineTo(x(i), y(values[i]));
    ctx.stroke();
  }

  function drawDots(ctx, view, data, x, y) {
    const dot = view.main ? 1.6 : 3;
    ctx.fillStyle = COLORS.data;
    ctx.globalAlpha = 0.55;
    for (let i = view.first; i <= view.last; i++) ctx.fillRect(x(i) - dot / 2, y(data[i]) - dot / 2, dot, dot);
    ctx.globalAlpha = 1;
  }

  // The main panel's 1,461 dots change only with the spike or the size: drawn once into a
  // picture of their own, then copied, so an input event redraws only the lines.
  let dotsCache = { key: null, canvas: null };
  function dots(s, view, data, x, y, width, ratio) {
    const key = [width, ratio, yRange[0], yRange[1], s.spike, s.size, s.day].join();
    if (dotsCache.key !== key) {
      const picture = document.createElement("canvas");
      picture.width = canvas.width;
      picture.height = canvas.height;
      const context = picture.getContext("2d");
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      drawDots(context, view, data, x, y);
      dotsCache = { key, canvas: picture };
    }
    return dotsCache.canvas;
  }

  const yearTicks = [];   // [index, "2013"] at each 1 January
  for (let i = 0; i < T; i++) {
    const date = isoDate(days[i]);
    if (date.endsWith("-01-01")) yearTicks.push([i, date.slice(0, 4)]);
  }

  function dayTicks(first, last) {
    const ticks = [[first, "t = " + (first + 1)]];
    const step = last - first > 35 ? 7 : 3;
    for (let t = Math.ceil((first + 2) / step) * step; t <= last + 1; t += step) {
      if (t - 1 - first >= step / 2) ticks.push([t - 1, String(t)]);
    }
    return ticks;
  }

  function frame(ctx, view, x, y, plotWidth) {
    ctx.strokeStyle = "#ccc";
    ctx.lineWidth = 1;
    ctx.strokeRect(view.left + 0.5, view.top + 0.5, plotWidth, view.height);
    ctx.fillStyle = "#333";
    ctx.font = "12px sans-serif";
    ctx.textBaseline = "bottom";
    ctx.textAlign = "left";
    ctx.fillText(view.title, view.left, view.top - 4);
    ctx.font = "11px sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    const step = niceStep((yRange[1] - yRange[0]) / 5);
    for (let v = Math.ceil(yRange[0] / step) * step; v <= yRange[1]; v += step) {
      const py = Math.round(y(v)) + 0.5;
      ctx.strokeStyle = "#eee";
      ctx.beginPath();
      ctx.moveTo(view.left, py);
      ctx.lineTo(view.left + plotWidth, py);
      ctx.stroke();
      ctx.fillText(formatNumber(Math.abs(v) < 1e-9 ? 0 : v, ".0f"), view.left - 5, py);
    }
    ctx.save();
    ctx.translate(view.left - 35, view.top + view.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(unit, 0, 0);
    ctx.restore();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const [i, label] of view.ticks) ctx.fillText(label, x(i), view.top + view.height + 3);
  }

  function niceStep(raw) {
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const scaled = raw / power;
    return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * power;
  }

  function drawLegend(s, lines) {
    const entries = [[COLORS.data, false, words.legend_data, "dot"]];
    for (const line of lines) entries.push([line.color, line.dashed, say(line.label, { beta: line.beta }), "line"]);
    if (s.spike) entries.push([COLORS.spike, false, words.legend_spike, "dot"]);
    legend.replaceChildren(...entries.map(([color, dashed, label, kind]) => element("span", { class: "bx-entry" }, [
      element("span", { class: `bx-swatch bx-${kind}${dashed ? " bx-dashed" : ""}`, style: `--bx-color: ${color}` }),
      document.createTextNode(label),
    ])));
  }

  function dayAt(event) {
    if (!lastViews) return null;
    const box = canvas.getBoundingClientRect();
    const px = event.clientX - box.left, py = event.clientY - box.top;
    for (const view of lastViews) {
      if (py < view.top - 4 || py > view.top + view.height + 4) continue;
      const share = (px - view.left) / view.width;
      if (share < 0 || share > 1) continue;
      return view.first + Math.round(share * (view.last - view.first));
    }
    return null;
  }

  // The kernel hears each setting right after the picture is drawn. Sending at once (not later)
  // matters: ipywidgets drops the kernel's echo of an older value only while a newer one is on its way.
  function control(input, name, read) {
    input.addEventListener("input", () => {
      model.set(name, read(input));   // its change listener redraws
      model.save_changes();
    });
  }
  control(beta, "exponent", (i) => Number(i.value));
  control(second, "compare_exponent", (i) => Number(i.value));
  control(compare, "compare", (i) => i.checked);
  control(corrected, "corrected", (i) => i.checked);
  control(both, "both", (i) => i.checked);
  control(spike, "spike", (i) => i.checked);
  control(spikeSize, "spike_size", (i) => Number(i.value));
  control(spikeDay, "spike_day", (i) => Number(i.value));
  canvas.addEventListener("pointermove", (event) => {
    const day = dayAt(event);
    if (day !== hover) { hover = day; draw(); }
  });
  canvas.addEventListener("pointerleave", () => { hover = null; draw(); });

  // settings changed from the kernel (explorer.exponent = 2 in a cell)
  const names = ["exponent", "compare_exponent", "compare", "corrected", "both", "spike", "spike_size", "spike_day"];
  const redraw = () => draw();
  names.forEach((name) => model.on("change:" + name, redraw));
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => { measure(); draw(); }) : null;
  if (resize) resize.observe(el);
  measure();
  draw();
  return () => {
    if (resize) resize.disconnect();
    names.forEach((name) => model.off("change:" + name, redraw));
  };
}

// anywidget calls render; the tests call the math
export default { render, ema, emaBiasCorrected, biasFactor, betaFromExponent, say, localModel };
