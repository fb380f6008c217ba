// kerasgen studio: draws strokes on a canvas and asks the server (kerasgen.studio) to move the
// GAN's latent until its image matches them. Plain JavaScript, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  info: null,      // GET /api/info
  z: null,         // the start latent
  startImage: null,
  strokes: [],     // [{points: [[x, y], ...], width, color}] in [0, 1] image coordinates
  current: null,   // the stroke being drawn
  result: null,    // the last edit's answer
  busy: false,
  pending: false,
  edits: 0,
};
const canvas = $("canvas");
const ctx = canvas.getContext("2d");
const base = new Image();

function status(message, isError) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

async function call(path, body) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, body === undefined ? {} : {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    const answer = await response.json().catch(() => ({error: response.statusText}));
    if (response.status === 429 && attempt < 3) {  // busy: wait as told, then try again
      const wait = Number(response.headers.get("Retry-After") || 1);
      status(`The studio is busy; trying again in ${wait} s...`);
      await new Promise((resolve) => setTimeout(resolve, 1000 * wait));
      continue;
    }
    if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
    return answer;
  }
}

function brushColor() {
  const [lo, hi] = state.info.value_range;
  if (state.info.sample_shape[2] === 1) {
    return document.querySelector("input[name=ink]:checked").value === "hi" ? hi : lo;
  }
  const hex = $("colour").value;
  return [1, 3, 5].map((i) => lo + (hi - lo) * parseInt(hex.slice(i, i + 2), 16) / 255);
}

function cssColor(color) {
  const [lo, hi] = state.info.value_range;
  const c = (Array.isArray(color) ? color : [color, color, color])
    .map((v) => Math.round(255 * (v - lo) / (hi - lo)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function redraw() {
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#888";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (base.complete && base.naturalWidth) ctx.drawImage(base, 0, 0, canvas.width, canvas.height);
  const strokes = state.current ? state.strokes.concat([state.current]) : state.strokes;
  for (const stroke of strokes) {
    const pts = stroke.points.map(([x, y]) => [x * canvas.width, y * canvas.height]);
    ctx.lineCap = ctx.lineJoin = "round";
    for (const [style, extra] of [["#f80", 4], [cssColor(stroke.color), 0]]) {
      ctx.strokeStyle = ctx.fillStyle = style;
      ctx.lineWidth = stroke.width * canvas.width + extra;
      ctx.beginPath();
      ctx.moveTo(pts[0][0], pts[0][1]);
      for (const [x, y] of pts.slice(1)) ctx.lineTo(x, y);
      if (pts.length === 1) ctx.lineTo(pts[0][0] + 0.01, pts[0][1]);
      ctx.stroke();
    }
  }
}

function setStart(answer) {
  state.z = answer.z;
  state.startImage = answer.image;
  state.strokes = [];
  state.result = null;
  $("start").src = answer.image;
  base.src = answer.image;
  $("pasted").removeAttribute("src");
  $("result").removeAttribute("src");
  $("interpolation").replaceChildren();
}

async function sample() {
  const seed = Number($("seed").value);
  status(`Sampling seed ${seed}...`);
  try {
    setStart(await call("/api/sample", {seed}));
    status(`Seed ${seed}. Draw on the image.`);
  } catch (e) { status(e.message, true); }
}

function steps() {
  return Math.min(Number($("steps").value) || 0, state.info.limits.max_steps);
}

async function edit() {
  if (!state.strokes.length) { status("Draw a stroke first."); return; }
  if (state.busy) { state.pending = true; return; }
  state.busy = true;
  const started = performance.now();
  status("Editing...");
  try {
    const answer = await call("/api/edit", {z: state.z, strokes: state.strokes, steps: steps()});
    state.result = answer;
    $("pasted").src = answer.pasted;
    $("result").src = answer.image;
    const path = await call("/api/interpolate", {z0: state.z, z1: answer.z, steps: 8});
    $("interpolation").replaceChildren(...path.images.map((src) => {
      const img = new Image(); img.src = src; img.alt = "interpolation frame"; return img;
    }));
    state.edits += 1;
    $("result").dataset.edits = String(state.edits);
    const ms = Math.round(performance.now() - started);
    status(`Edited with ${state.strokes.length} stroke(s), ${answer.steps} steps in ${ms} ms` +
           (answer.timed_out ? " (stopped at the time limit)." : "."));
  } catch (e) {
    status(e.message, true);
  } finally {
    state.busy = false;
    if (state.pending) { state.pending = false; edit(); }
  }
}

function point(event) {
  const box = canvas.getBoundingClientRect();
  const clamp = (v) => Math.min(1, Math.max(0, v));
  return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
}

canvas.addEventListener("pointerdown", (event) => {
  if (!state.info || !state.z) return;
  if (state.strokes.length >= state.info.limits.max_strokes) {
    status(`At most ${state.info.limits.max_strokes} strokes; clear some first.`, true);
    return;
  }
  canvas.setPointerCapture(event.pointerId);
  state.current = {points: [point(event)], width: Number($("width").value), color: brushColor()};
  redraw();
});
canvas.addEventListener("pointermove", (event) => {
  if (!state.current) return;
  const p = point(event);
  const last = state.current.points[state.current.points.length - 1];
  if (Math.hypot(p[0] - last[0], p[1] - last[1]) > 0.005 &&
      state.current.points.length < state.info.limits.max_points) {
    state.current.points.push(p);
    redraw();
  }
});
const finish = () => {
  if (!state.current) return;
  state.strokes.push(state.current);
  state.current = null;
  redraw();
  if ($("live").checked) edit();
};
canvas.addEventListener("pointerup", finish);
canvas.addEventListener("pointercancel", finish);

base.onload = redraw;
$("sample").onclick = sample;
$("random").onclick = () => { $("seed").value = Math.floor(Math.random() * 100000); sample(); };
$("edit").onclick = edit;
$("undo").onclick = () => { state.strokes.pop(); redraw(); };
$("clear").onclick = () => { state.strokes = []; redraw(); };
$("keep").onclick = () => {
  if (!state.result) return;
  setStart({z: state.result.z, image: state.result.image});
  status("Continuing from the result.");
};
$("upload").onchange = () => {
  const file = $("upload").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = async () => {
    status(`Projecting ${file.name}...`);
    try {
      const answer = await call("/api/project", {image: reader.result, steps: steps()});
      setStart(answer);
      status(`Projected ${file.name} (mean squared error ${answer.error.toFixed(4)}).`);
    } catch (e) { status(e.message, true); }
  };
  reader.readAsDataURL(file);
};

(async () => {
  try {
    state.info = await call("/api/info");
    $("model-name").textContent = `${state.info.model} (${state.info.family}, ` +
      `${state.info.sample_shape.join("x")})`;
    $("steps").value = state.info.limits.default_steps;
    $("steps").max = state.info.limits.max_steps;
    if (state.info.sample_shape[2] === 3) {
      $("grey-brush").hidden = true;
      $("colour-brush").hidden = false;
    }
    await sample();
  } catch (e) { status(e.message, true); }
})();
