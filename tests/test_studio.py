"""The iGAN studio server (kerasgen.studio): its JSON API through aiohttp's test client on a tiny
DCGAN; then the real `python -m kerasgen.cli.studio` on 127.0.0.1 with the shipped
`dcgan_digits`, under a bounded fuzz of malformed requests, a bounded load of concurrent
well-formed ones, and a real headless Chromium (Debian's package, driven by Playwright) that
draws a stroke and gets back an image that changed where the stroke was; and the page on the
shipped `dcgan_svhn` (32 px RGB) served in-process: scaled up for display, a colour brush."""

import asyncio
import base64
import concurrent.futures
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest

aiohttp = pytest.importorskip("aiohttp", reason="the studio needs aiohttp: pip install "
                              "'kerasgen[studio]'")
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from PIL import Image  # noqa: E402

import kerasgen  # noqa: E402
from kerasgen import editing, studio  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def decode(data_url):
    """A PNG data URL as float32 (H, W) in [-1, 1]."""
    raw = base64.b64decode(data_url.split("base64,", 1)[1])
    return np.asarray(Image.open(io.BytesIO(raw)), np.float32) / 127.5 - 1.0


def png_data_url(pixels):
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# ------------------------------------------------------------------------------- test client
@pytest.fixture(scope="module")
def tiny():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64, activation="tanh"),
                                  keras.layers.Reshape((8, 8, 1))], name="generator")
    model = kerasgen.GAN(generator=generator, seed=0)  # 8x8 grey images in [-1, 1]
    tiny_studio = studio.Studio(model, name="tiny",
                                limits=studio.Limits(max_jobs=2, time_limit=30.0))
    tiny_studio.warm_up()  # traces the optimizer, which the time limit would otherwise count
    return tiny_studio


def call(tiny_studio, method, path, body=None, raw=None, headers=None):
    """One request through aiohttp's test client: (status, JSON answer or text, headers)."""
    async def go():
        async with TestClient(TestServer(studio.make_app(tiny_studio))) as client:
            kwargs = {"headers": headers or {}}
            if body is not None:
                kwargs["json"] = body
            elif raw is not None:
                kwargs["data"] = raw
            response = await client.request(method, path, **kwargs)
            text = await response.text()
            try:
                return response.status, json.loads(text), response.headers
            except ValueError:
                return response.status, text, response.headers

    return asyncio.run(go())


def test_page_and_info(tiny):
    status, text, headers = call(tiny, "GET", "/")
    assert status == 200 and '<canvas id="canvas"' in text and "text/html" in headers["Content-Type"]
    assert call(tiny, "GET", "/static/studio.js")[0] == 200
    status, answer, _ = call(tiny, "GET", "/static/secret.py")
    assert status == 404 and "No such file" in answer["error"]
    status, info, _ = call(tiny, "GET", "/api/info")
    assert status == 200 and info["sample_shape"] == [8, 8, 1] and info["latent_dim"] == 4
    assert info["value_range"] == [-1.0, 1.0] and info["limits"]["max_jobs"] == 2


def test_sample_is_seeded_and_is_the_generation_of_its_latent(tiny):
    status, a, _ = call(tiny, "POST", "/api/sample", {"seed": 7})
    assert status == 200 and a == call(tiny, "POST", "/api/sample", {"seed": 7})[1]
    z = np.random.default_rng(7).standard_normal(4).astype(np.float32)
    np.testing.assert_allclose(a["z"], z, rtol=1e-6)
    expected = np.asarray(tiny.model.generate_from_latents(z[None]))[0, :, :, 0]
    np.testing.assert_allclose(decode(a["image"]), expected, atol=1 / 127.5 + 1e-6)  # 8 bits


def test_sample_of_a_class_conditional_gan_ends_with_a_one_hot_class_code():
    """AC-GAN's z is the noise and a one-hot class code: the studio draws both, not a normal
    class code no class ever trained on."""
    model = kerasgen.GAN(latent_dim=3, sample_shape=(8, 8, 1), hidden_units=(8,),
                         output_activation="tanh", num_classes=4, seed=0)
    conditional = studio.Studio(model, name="acgan", limits=studio.Limits(max_jobs=1))
    codes = []
    for seed in range(12):
        status, answer, _ = call(conditional, "POST", "/api/sample", {"seed": seed})
        rng = np.random.default_rng(seed)
        np.testing.assert_allclose(answer["z"][:3], rng.standard_normal(3), rtol=1e-6)
        code = np.asarray(answer["z"][3:])
        assert status == 200 and sorted(code) == [0.0, 0.0, 0.0, 1.0]
        assert code.argmax() == rng.integers(4)
        codes.append(int(code.argmax()))
    assert len(set(codes)) > 1, codes


def test_edit_moves_the_masked_pixels_toward_the_stroke(tiny):
    z = [0.3, -0.2, 0.5, 0.1]
    stroke = {"points": [[0.0, 0.5], [1.0, 0.5]], "width": 0.25, "color": 1.0}
    status, answer, _ = call(tiny, "POST", "/api/edit", {"z": z, "strokes": [stroke],
                                                         "steps": 60})
    assert status == 200 and answer["steps"] == 60 and not answer["timed_out"]
    mask = decode(answer["mask"]) > 0.99  # rows 3 and 4, as rasterize_strokes draws it
    assert mask.sum() == 16 and mask[3:5].all()
    start, edited = np.asarray(tiny.model.generate_from_latents(
        np.array([z, answer["z"]], np.float32)))[..., 0]
    np.testing.assert_allclose(decode(answer["image"]), edited, atol=1 / 127.5 + 1e-6)
    assert np.mean((edited[mask] - 1.0) ** 2) < 0.8 * np.mean((start[mask] - 1.0) ** 2)
    pasted = decode(answer["pasted"])
    np.testing.assert_allclose(pasted[mask], 1.0)
    np.testing.assert_allclose(pasted[~mask], start[~mask], atol=1 / 127.5 + 1e-6)


def test_project_takes_a_list_or_a_png_of_any_size_up_to_the_limit(tiny):
    target = np.asarray(tiny.model.generate_from_latents(np.array([[1.0, -0.5, 0.2, 0.0]],
                                                                  np.float32)))[0]
    status, answer, _ = call(tiny, "POST", "/api/project",
                             {"image": target.tolist(), "steps": 100})
    assert status == 200 and answer["error"] < np.mean((target - target.mean()) ** 2)
    status, answer, _ = call(tiny, "POST", "/api/project",
                             {"image": png_data_url(np.full((20, 30), 255)), "steps": 5})
    assert status == 200 and len(answer["z"]) == 4
    status, answer, _ = call(tiny, "POST", "/api/project",
                             {"image": png_data_url(np.zeros((600, 10)))})
    assert status == 413 and "at most 512x512" in answer["error"]


def test_interpolation_runs_from_z0_to_z1(tiny):
    z0, z1 = [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]
    status, answer, _ = call(tiny, "POST", "/api/interpolate", {"z0": z0, "z1": z1,
                                                                "steps": 5})
    assert status == 200 and len(answer["images"]) == 5
    ends = np.asarray(tiny.model.generate_from_latents(np.array([z0, z1], np.float32)))
    np.testing.assert_allclose(decode(answer["images"][0]), ends[0, :, :, 0], atol=0.01)
    np.testing.assert_allclose(decode(answer["images"][-1]), ends[1, :, :, 0], atol=0.01)


def test_a_request_beyond_the_running_jobs_gets_429_at_once(tiny):
    for _ in range(tiny.limits.max_jobs):
        assert tiny._slots.acquire(blocking=False)
    try:
        start = time.monotonic()
        status, answer, headers = call(tiny, "POST", "/api/sample", {"seed": 1})
        assert status == 429 and "busy" in answer["error"] and headers["Retry-After"] == "1"
        assert time.monotonic() - start < 5
    finally:
        for _ in range(tiny.limits.max_jobs):
            tiny._slots.release()
    assert call(tiny, "POST", "/api/sample", {"seed": 1})[0] == 200


def test_a_job_stops_at_the_time_limit_with_its_best_result(tiny):
    hurried = studio.Studio(tiny.model, limits=studio.Limits(time_limit=0.0))
    stroke = {"points": [[0.5, 0.5]], "width": 0.5, "color": -1.0}
    status, answer, _ = call(hurried, "POST", "/api/edit", {"z": [0, 0, 0, 0],
                                                            "strokes": [stroke], "steps": 300})
    assert status == 200 and answer["timed_out"] and answer["steps"] == editing.CHUNK


Z = [0.0, 0.0, 0.0, 0.0]
STROKE = {"points": [[0.5, 0.5]], "width": 0.2, "color": 1.0}


@pytest.mark.parametrize("path, body, status, message", [
    ("/api/sample", b"{", 400, "not valid JSON"),
    ("/api/sample", b"[1, 2]", 400, "must be a JSON object, got list"),
    ("/api/sample", b'{"seed": Infinity}', 400, "Infinity is not a valid JSON number"),
    ("/api/sample", b"\xff\xfe", 400, "not UTF-8"),
    ("/api/sample", b"[" * 150000 + b"]" * 150000, 413, "larger than 262144 bytes"),
    ("/api/sample", b"[" * 50000 + b"]" * 50000, 400, "nested too deeply|not valid JSON"),
    ("/api/sample", {}, 400, "Missing field.*seed"),
    ("/api/sample", {"seed": 1, "n": 2}, 400, "Unknown field.*n"),
    ("/api/sample", {"seed": "1"}, 400, "`seed` must be an integer"),
    ("/api/sample", {"seed": True}, 400, "`seed` must be an integer"),
    ("/api/sample", {"seed": 10**30}, 400, r"`seed` must be in \[0, 2147483647\]"),
    ("/api/sample", {"seed": -1}, 400, r"`seed` must be in"),
    ("/api/sample", {"seed": 1.5}, 400, "`seed` must be an integer"),
    ("/api/edit", {"z": Z[:3], "strokes": [STROKE]}, 400, "`z` must be a list of 4 finite"),
    ("/api/edit", {"z": [1e300] * 4, "strokes": [STROKE]}, 400, r"\[-100, 100\]"),
    ("/api/edit", {"z": Z, "strokes": []}, 400, "non-empty list"),
    ("/api/edit", {"z": Z, "strokes": [STROKE] * 33}, 400, "At most 32 strokes"),
    ("/api/edit", {"z": Z, "strokes": [dict(STROKE, points=[[0.1, 0.1]] * 257)]}, 400,
     "at most 256 points"),
    ("/api/edit", {"z": Z, "strokes": [dict(STROKE, color=3)]}, 400, r"`color` must lie"),
    ("/api/edit", {"z": Z, "strokes": [dict(STROKE, points="abc")]}, 400, "`points` must be"),
    ("/api/edit", {"z": Z, "strokes": [STROKE], "steps": 301}, 400, r"`steps` must be in \[0, 300\]"),
    ("/api/edit", {"z": Z, "strokes": [STROKE], "steps": None}, 400, "`steps` must be an integer"),
    ("/api/project", {"image": "data:image/png;base64,!!!"}, 400, "not valid base64"),
    ("/api/project", {"image": "data:image/png;base64,aGVsbG8="}, 400, "could not be read"),
    ("/api/project", {"image": [[0.0] * 8] * 8}, 400, r"must have shape \(8, 8, 1\)"),
    ("/api/project", {"image": 5}, 400, "must be a data URL"),
    ("/api/interpolate", {"z0": Z, "z1": Z, "steps": 17}, 400, r"`steps` must be in \[2, 16\]"),
    ("/api/nothing", {"seed": 1}, 404, "Unknown endpoint"),
])
def test_malformed_requests_get_a_4xx_with_a_message(tiny, path, body, status, message):
    if isinstance(body, bytes):
        got, answer, _ = call(tiny, "POST", path, raw=body,
                              headers={"Content-Type": "application/json"})
    else:
        got, answer, _ = call(tiny, "POST", path, body)
    assert got == status, answer
    assert re.search(message, answer["error"]), answer["error"]


def test_wrong_method_and_content_type(tiny):
    status, answer, _ = call(tiny, "PUT", "/api/sample", raw=b"{}")
    assert status == 405 and answer["error"]
    status, answer, _ = call(tiny, "POST", "/api/sample", raw=b'{"seed": 1}',
                             headers={"Content-Type": "text/plain"})
    assert status == 415 and "application/json" in answer["error"]


def test_studio_refuses_a_model_without_images():
    gan = kerasgen.GAN(latent_dim=2, sample_shape=(2,))
    with pytest.raises(ValueError, match=r"needs an image model .* shape \(2,\)"):
        studio.Studio(gan)


def test_studio_script_refuses_a_model_without_images_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "kerasgen.cli.studio", "--model=gan_grid25", "--port=0"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "kerasgen.studio: error: The studio needs an image model" in result.stderr
    assert "Traceback" not in result.stderr


def test_studio_script_without_aiohttp_says_so_before_any_work(tmp_path):
    shim = tmp_path / "aiohttp"
    shim.mkdir()
    (shim / "__init__.py").write_text("raise ImportError('No module named aiohttp')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    result = subprocess.run(
        [sys.executable, "-m", "kerasgen.cli.studio", "--model=dcgan_digits", "--port=0"],
        capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 1
    assert result.stderr.endswith("kerasgen.studio: error: The studio needs aiohttp: pip install "
                                  "'kerasgen[studio]'.\n"), result.stderr
    assert "Traceback" not in result.stderr
    assert "training the projection encoder" not in result.stdout  # checked before any work


def test_studio_start_prints_only_its_own_lines(server):
    process, url = server
    assert process.start_stderr == "", process.start_stderr  # no grappler "remapper failed"


# ------------------------------------------------------------------------------- real server
def _rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


@pytest.fixture(scope="module")
def server():
    """`python -m kerasgen.cli.studio --model=dcgan_digits` on a free port of 127.0.0.1."""
    errors = tempfile.TemporaryFile(mode="w+")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kerasgen.cli.studio", "--model=dcgan_digits", "--port=0",
         "--encoder_steps=5", "--max_jobs=2", "--time_limit=5"],
        stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
    try:
        deadline = time.monotonic() + 240
        url = None
        while time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()
            found = re.search(r"serving \S+ at (http://127\.0\.0\.1:\d+)/", line)
            if found:
                url = found.group(1)
                break
        assert url, f"the studio did not start (exit {process.poll()})"
        errors.seek(0)
        process.start_stderr = errors.read()  # what a person saw while it started
        yield process, url
    finally:
        errors.close()
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def send(url, method, path, body=b"", headers=None, timeout=60):
    """One raw HTTP exchange: (status, body bytes, headers)."""
    host, port = url.rsplit("/", 1)[-1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


#: the length of the shipped dcgan_digits' z: 32 noise coordinates and a 10-class one-hot code
DIGITS_Z = 42


def malformed_requests(rng, count):
    """`count` requests, each malformed in one random way."""
    good = {"sample": {"seed": 1},
            "edit": {"z": [0.0] * DIGITS_Z, "strokes": [{"points": [[0.5, 0.5]], "width": 0.1,
                                                    "color": 1.0}]},
            "interpolate": {"z0": [0.0] * DIGITS_Z, "z1": [0.0] * DIGITS_Z}}
    bad_values = [None, True, "x" * 50, -1, 10**40, 1e308, -1e308, [], {}, [[[]]], 0.5,
                  "NaN", [float("nan")]]
    for _ in range(count):
        route = str(rng.choice(list(good)))
        payload = json.loads(json.dumps(good[route]))
        kind = int(rng.integers(9))
        if kind == 0:    # broken JSON text
            text = json.dumps(payload)
            body = text[:int(rng.integers(0, len(text)))].encode()
            if body and rng.random() < 0.5:
                body = bytes(rng.integers(0, 256, len(body), dtype=np.uint8))
        elif kind == 1:  # a field of the wrong type or a huge value
            field = str(rng.choice(list(payload)))
            payload[field] = bad_values[int(rng.integers(len(bad_values)))]
            if route == "sample" and isinstance(payload[field], float) and payload[field] == 0.5:
                payload[field] = -5
            body = json.dumps(payload).encode()
        elif kind == 2:  # NaN / Infinity as numbers
            text = json.dumps(payload)
            if "0.0" not in text:
                route, text = "sample", '{"seed": 0.0}'
            body = text.replace("0.0", str(rng.choice(["NaN", "Infinity", "-Infinity"])),
                                1).encode()
        elif kind == 3:  # a missing field
            payload.pop(str(rng.choice(list(payload))))
            body = json.dumps(payload).encode()
        elif kind == 4:  # an unknown field
            payload["extra" + str(int(rng.integers(100)))] = 1
            body = json.dumps(payload).encode()
        elif kind == 5:  # an oversized body
            body = b'{"seed": 1, "pad": "' + b"x" * int(rng.integers(300_000, 2_000_000)) + b'"}'
        elif kind == 6:  # huge work asked for
            payload["steps"] = int(rng.choice([10**9, 301, -1, 10**18]))
            if route == "edit" and rng.random() < 0.5:
                payload.pop("steps")
                payload["strokes"] = payload["strokes"] * int(rng.integers(33, 500))
            body = json.dumps(payload).encode()
        elif kind == 7:  # not a JSON object
            body = json.dumps([[1, 2], "text", 3, None][int(rng.integers(4))]).encode()
        else:            # stroke garbage
            route = "edit"
            payload = json.loads(json.dumps(good["edit"]))
            stroke = payload["strokes"][0]
            key = str(rng.choice(["points", "width", "color"]))
            stroke[key] = bad_values[int(rng.integers(len(bad_values)))]
            if stroke[key] in (-1, 0.5) and not isinstance(stroke[key], bool):
                stroke["width"] = 5  # a value that happens to be valid there
            body = json.dumps(payload).encode()
        yield f"/api/{route}", body


def test_fuzz_malformed_requests_get_4xx_and_the_server_stays_up(server):
    process, url = server
    status, _, _ = send(url, "GET", "/api/info")
    assert status == 200
    rss_before = _rss_mib(process.pid)
    rng = np.random.default_rng(0)
    answers, start = [], time.monotonic()
    for path, body in malformed_requests(rng, 200):
        status, reply, _ = send(url, "POST", path, body, {"Content-Type": "application/json"})
        answers.append(status)
        assert 400 <= status < 500, (path, body[:200], status, reply[:300])
        assert json.loads(reply)["error"], reply
    for method, path, body, headers in [("GET", "/api/edit", b"", {}),
                                        ("POST", "/api/sample", b'{"seed": 1}',
                                         {"Content-Type": "text/plain"}),
                                        ("DELETE", "/", b"", {})]:
        status, reply, _ = send(url, method, path, body, headers)
        assert 400 <= status < 500 and json.loads(reply)["error"]
    elapsed = time.monotonic() - start
    assert process.poll() is None, "the studio died"
    assert send(url, "POST", "/api/sample", b'{"seed": 2}',
                {"Content-Type": "application/json"})[0] == 200
    growth = _rss_mib(process.pid) - rss_before
    print(f"\nfuzz: {len(answers)} malformed requests in {elapsed:.1f} s, statuses "
          f"{ {int(k): int(v) for k, v in zip(*np.unique(answers, return_counts=True))} }, server RSS "
          f"{rss_before:.0f} -> {rss_before + growth:.0f} MiB")
    assert growth < 200, f"the server's memory grew by {growth:.0f} MiB"


def test_load_of_concurrent_requests_has_no_5xx(server):
    process, url = server
    clients, per_client = 12, 4
    z = np.random.default_rng(1).standard_normal(DIGITS_Z).round(4).tolist()
    bodies = [("/api/edit", {"z": z, "strokes": [{"points": [[0.2, 0.3], [0.8, 0.3]],
                                                  "width": 0.1, "color": 1.0}], "steps": 50}),
              ("/api/sample", {"seed": 3}),
              ("/api/interpolate", {"z0": z, "z1": [0.0] * DIGITS_Z, "steps": 8})]

    def client(index):
        log = []
        for i in range(per_client):
            path, body = bodies[(index + i) % len(bodies)]
            give_up = time.monotonic() + 120  # retries after 429, bounded in time
            while True:
                start = time.monotonic()
                status, _, headers = send(url, "POST", path, json.dumps(body).encode(),
                                          {"Content-Type": "application/json"})
                log.append((status, time.monotonic() - start))
                if status != 429 or time.monotonic() > give_up:
                    break
                time.sleep(0.1 * float(headers.get("Retry-After", 1)))
        return log

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        logs = [entry for log in pool.map(client, range(clients)) for entry in log]
    wall = time.monotonic() - start
    statuses = [s for s, _ in logs]
    done = np.array([t for s, t in logs if s == 200]) * 1000
    p50, p90, p99 = np.percentile(done, [50, 90, 99])
    print(f"\nload: {clients} clients x {per_client} requests in {wall:.1f} s: "
          f"{len(done)} answered 200 (latency p50 {p50:.0f} ms, p90 {p90:.0f} ms, p99 "
          f"{p99:.0f} ms, max {done.max():.0f} ms), {statuses.count(429)} answered 429 busy, "
          f"{sum(s >= 500 for s in statuses)} 5xx")
    assert not [s for s in statuses if s >= 500]
    assert set(statuses) <= {200, 429}
    assert len(done) == clients * per_client  # every request was served in the end
    assert process.poll() is None


def test_browser_draws_a_stroke_and_the_image_changes_where_it_was(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install playwright (the test extra has it)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    _, url = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 720})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url + "/")
            page.wait_for_function("document.getElementById('start').src.startsWith('data:')",
                                   timeout=60_000)
            start = decode(page.get_attribute("#start", "src"))
            # draw a white bar across the darkest row of the middle of the image
            rows = start[3:13, 4:12].mean(axis=1)
            y = (3 + int(np.argmin(rows)) + 0.5) / 16
            x0, x1 = 0.25, 0.75
            box = page.locator("#canvas").bounding_box()
            page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y * box["height"])
            page.mouse.down()
            for t in np.linspace(x0, x1, 12)[1:]:
                page.mouse.move(box["x"] + t * box["width"], box["y"] + y * box["height"])
            page.mouse.up()
            page.wait_for_function("document.getElementById('result').dataset.edits === '1'",
                                   timeout=60_000)
            page.wait_for_function(
                "document.querySelectorAll('#interpolation img').length === 8")
            edited = decode(page.get_attribute("#result", "src"))
            status = page.text_content("#status")
            shot = tmp_path / "studio.png"
            page.screenshot(path=str(shot))
            if os.environ.get("KERASGEN_STUDIO_SCREENSHOT"):
                shutil.copy(shot, os.environ["KERASGEN_STUDIO_SCREENSHOT"])
        finally:
            browser.close()
    assert not errors, errors
    assert "Edited with 1 stroke" in status, status
    mask, _ = editing.rasterize_strokes(  # 0.1: the page's default brush width
        [{"points": [[x0, y], [x1, y]], "width": 0.1, "color": 1.0}],
        tuple(edited.shape[:2]) + (1,))  # the model's resolution
    stroke = mask[..., 0] > 0.5
    change = edited - start
    inside, outside = change[stroke].mean(), np.abs(change[~stroke]).mean()
    assert inside > 0.3, (inside, outside)            # brighter under the stroke
    assert inside > 2 * outside, (inside, outside)    # and changed most there


@pytest.fixture(scope="module")
def rgb_server():
    """The studio on the shipped `dcgan_svhn` (the DCGAN paper's SVHN generator: 32 px RGB,
    offline), served from this process on a thread: no second TensorFlow start-up."""
    import threading

    from aiohttp import web

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KERASGEN_OFFLINE", "1")
        model = kerasgen.load("dcgan_svhn")
    rgb = studio.Studio(model, name="dcgan_svhn", limits=studio.Limits(max_jobs=2, time_limit=5.0))
    rgb.warm_up()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(studio.make_app(rgb))

    async def start():
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    try:
        yield asyncio.run_coroutine_threadsafe(start(), loop).result(60)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        rgb.close()


def test_browser_on_an_rgb_32_px_gan_scales_it_and_paints_in_colour(rgb_server, tmp_path):
    """dcgan_svhn in the page: the 32 px samples are shown scaled up (canvas 320 px, images 128
    px, pixelated), the brush is a colour picker, and a red stroke is pasted in red and edited."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install playwright (the test extra has it)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 720})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(rgb_server + "/")
            page.wait_for_function("document.getElementById('start').src.startsWith('data:')",
                                   timeout=60_000)
            title = page.text_content("h1")
            natural = page.evaluate("(img => [img.naturalWidth, img.naturalHeight])("
                                    "document.getElementById('start'))")
            shown = page.locator("#start").bounding_box()
            grey_hidden = page.locator("#grey-brush").is_hidden()
            page.locator("#colour").fill("#ff0000")
            page.locator("#steps").fill("30")  # a short edit: the test checks the page
            box = page.locator("#canvas").bounding_box()
            start = decode(page.get_attribute("#start", "src"))
            y, x0, x1 = 0.5, 0.25, 0.75
            page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y * box["height"])
            page.mouse.down()
            for t in np.linspace(x0, x1, 12)[1:]:
                page.mouse.move(box["x"] + t * box["width"], box["y"] + y * box["height"])
            page.mouse.up()
            try:
                page.wait_for_function(
                    "document.getElementById('result').dataset.edits === '1' && "
                    "document.querySelectorAll('#interpolation img').length === 8",
                    timeout=60_000)
            except sync_api.TimeoutError:
                raise AssertionError(f"no edit; the page says {page.text_content('#status')!r}")
            pasted = decode(page.get_attribute("#pasted", "src"))
            edited = decode(page.get_attribute("#result", "src"))
            status = page.text_content("#status")
            page.screenshot(path=str(tmp_path / "studio_rgb.png"))
        finally:
            browser.close()
    assert not errors, errors
    assert "dcgan_svhn (DCGAN, 32x32x3)" in title, title
    assert natural == [32, 32]
    assert box["width"] >= 300 and shown["width"] >= 120  # shown 4-10x the model's 32 px
    assert grey_hidden and np.abs(start[..., 0] - start[..., 2]).max() > 0.05  # colour
    assert "Edited with 1 stroke" in status, status
    red = pasted[16, 12:20]  # under the stroke: (1, -1, -1) in [-1, 1]
    np.testing.assert_allclose(red, np.tile([1.0, -1.0, -1.0], (8, 1)), atol=0.02)
    assert edited.shape == (32, 32, 3) and np.abs(edited - start).mean() > 0.01

