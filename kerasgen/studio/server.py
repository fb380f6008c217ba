"""The studio's web server (aiohttp): the `Studio` state and its endpoints, `make_app` and `serve`.
See the package docstring for the endpoints and the limits."""

import asyncio
import concurrent.futures
import dataclasses
import json
import logging
import os
import threading

import numpy as np

from kerasgen.studio.protocol import (BadRequest, check_fields, image_from_request,
                                      image_to_data_url, int_field, is_number, latent_field,
                                      parse_json, strokes_field)

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
STATIC_FILES = {"index.html": "text/html", "studio.js": "text/javascript",
                "studio.css": "text/css"}
log = logging.getLogger("kerasgen.studio")


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one request may ask of the studio server.

    Args:
        max_body_bytes: request body size (larger bodies get 413).
        max_image_side: width and height of an uploaded image, in pixels.
        max_strokes: strokes per edit; `max_points` points per stroke.
        max_steps: optimization steps per request; `default_steps` when a request names none.
        max_frames: interpolation frames per request.
        max_jobs: optimizations running at once; more get 429 at once.
        time_limit: seconds one job may optimize before it returns its best result.
        max_seed: largest sample seed.
    """

    max_body_bytes: int = 256 * 1024
    max_image_side: int = 512
    max_strokes: int = 32
    max_points: int = 256
    max_steps: int = 300
    default_steps: int = 100
    max_frames: int = 16
    max_jobs: int = 2
    time_limit: float = 10.0
    max_seed: int = 2**31 - 1

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "time_limit":
                if not (is_number(value) and value >= 0):
                    raise ValueError(f"`time_limit` must be a number of seconds >= 0, got "
                                     f"{value!r}.")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{field.name}` must be a positive integer, got {value!r}.")
        if self.default_steps > self.max_steps:
            raise ValueError(f"`default_steps` ({self.default_steps}) must not exceed "
                             f"`max_steps` ({self.max_steps}).")


class Studio:
    """The studio's state and request handlers for one GAN-family model.

    Args:
        model: a GAN-family model with image samples (H, W, 1 or 3).
        name: the name the page shows.
        encoder: an encoder for projections (`kerasgen.editing.train_encoder`), or None.
        limits: a `Limits`.
        smooth_weight: lambda_s of the edits.
    """

    def __init__(self, model, name="model", encoder=None, limits=None, smooth_weight=0.05):
        from kerasgen import editing

        editing._check_model(model)
        if len(model.sample_shape) != 3 or model.sample_shape[-1] not in (1, 3):
            raise ValueError(f"The studio needs an image model (H, W, 1 or 3); {name} makes "
                             f"samples of shape {tuple(model.sample_shape)}.")
        self.model, self.name, self.encoder = model, name, encoder
        self.limits = limits or Limits()
        self.smooth_weight = float(smooth_weight)
        self.value_range = editing.value_range(model) or (-1.0, 1.0)
        self._slots = threading.BoundedSemaphore(self.limits.max_jobs)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            self.limits.max_jobs, thread_name_prefix="kerasgen-studio")

    # -- jobs (run in the executor's threads)
    def _image(self, image):
        return image_to_data_url(image, self.value_range)

    def sample(self, seed):
        rng = np.random.default_rng(seed)
        classes = getattr(self.model, "num_classes", 0)
        z = rng.standard_normal(self.model.latent_dim - classes).astype(np.float32)
        if classes:  # a class-conditional GAN: the noise, then a one-hot code of a drawn class
            z = np.concatenate([z, np.eye(classes, dtype=np.float32)[rng.integers(classes)]])
        image = np.asarray(self.model.generate_from_latents(z[None]))[0]
        return {"z": z.tolist(), "image": self._image(image)}

    def project(self, image, steps):
        from kerasgen import editing

        z, loss, info = editing.fit_latents(
            self.model, *self._projection_start(image), steps=steps,
            time_limit=self.limits.time_limit)
        reconstruction = np.asarray(self.model.generate_from_latents(z))[0]
        return {"z": z[0].tolist(), "image": self._image(reconstruction),
                "error": float(np.mean((reconstruction - image) ** 2)),
                "timed_out": info["timed_out"]}

    def _projection_start(self, image):
        x = image[None]
        if self.encoder is not None:
            z0 = np.asarray(self.encoder(x, training=False), np.float32)
        else:
            z0 = np.zeros((1, self.model.latent_dim), np.float32)  # the prior's mode
        return z0, x, np.ones_like(x)

    def strokes_to_constraints(self, strokes):
        """`(mask, target)` of sample_shape from the page's strokes (ValueError if bad)."""
        from kerasgen import editing

        shape = tuple(self.model.sample_shape)
        mask, target = editing.rasterize_strokes(strokes, shape, self.value_range)
        if not mask.any():
            raise BadRequest("The strokes cover no pixel.")
        return np.broadcast_to(mask, shape).astype(np.float32), target

    def edit(self, z, mask, target, steps):
        from kerasgen import editing

        start = np.asarray(self.model.generate_from_latents(z[None]))[0]
        z_new, _, info = editing.fit_latents(
            self.model, z[None], target[None], mask[None], steps=steps, keep_class=True,
            smooth_weight=self.smooth_weight, time_limit=self.limits.time_limit)
        edited = np.asarray(self.model.generate_from_latents(z_new))[0]
        lo, hi = self.value_range
        return {"z": z_new[0].tolist(), "image": self._image(edited),
                "pasted": self._image(editing.paste(start, mask, target)),
                "mask": self._image(lo + (hi - lo) * mask),
                "timed_out": info["timed_out"], "steps": info["steps"]}

    def interpolate(self, z0, z1, frames):
        from kerasgen import editing

        path = editing.interpolate_latents(z0, z1, frames, spherical=True)
        images = np.asarray(self.model.generate_from_latents(path))
        return {"images": [self._image(image) for image in images]}

    def warm_up(self):
        """Traces the optimizer once, so that the first person does not wait for it."""
        z = np.zeros(self.model.latent_dim, np.float32)
        stroke = {"points": [[0.5, 0.5]], "width": 0.2, "color": self.value_range[1]}
        self.edit(z, *self.strokes_to_constraints([stroke]), 1)
        self.project(np.asarray(self.model.generate_from_latents(z[None]))[0], 1)

    def info(self):
        return {"model": self.name, "family": type(self.model).__name__,
                "sample_shape": list(self.model.sample_shape),
                "latent_dim": self.model.latent_dim, "value_range": list(self.value_range),
                "encoder": self.encoder is not None, "limits": dataclasses.asdict(self.limits)}

    # -- request parsing: cheap, on the event loop; returns the job to run
    def parse(self, route, payload):
        limits, dim = self.limits, self.model.latent_dim
        steps = lambda: int_field(payload, "steps", 0, limits.max_steps,  # noqa: E731
                             limits.default_steps)
        if route == "sample":
            check_fields(payload, ("seed",))
            seed = int_field(payload, "seed", 0, limits.max_seed)
            return lambda: self.sample(seed)
        if route == "project":
            check_fields(payload, ("image",), ("steps",))
            n = steps()
            image = image_from_request(payload["image"], self.model.sample_shape,
                                       self.value_range, limits.max_image_side)
            return lambda: self.project(image, n)
        if route == "edit":
            check_fields(payload, ("z", "strokes"), ("steps",))
            z, strokes, n = latent_field(payload, "z", dim), strokes_field(payload, limits), steps()
            mask, target = self.strokes_to_constraints(strokes)
            return lambda: self.edit(z, mask, target, n)
        if route == "interpolate":
            check_fields(payload, ("z0", "z1"), ("steps",))
            z0, z1 = latent_field(payload, "z0", dim), latent_field(payload, "z1", dim)
            frames = int_field(payload, "steps", 2, limits.max_frames, 8)
            return lambda: self.interpolate(z0, z1, frames)
        raise BadRequest(f"Unknown endpoint /api/{route}.", status=404)

    async def run_job(self, job):
        """Runs `job` in a worker thread if a slot is free, else refuses with 429 at once."""
        if not self._slots.acquire(blocking=False):
            raise BadRequest(f"The studio is busy ({self.limits.max_jobs} jobs running); try "
                             "again in a moment.", status=429)
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, job)
        except BaseException:
            self._slots.release()
            raise
        # the slot frees when the job really ends, even if the request stopped waiting
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.shield(future),
                                          self.limits.time_limit + 20.0)
        except asyncio.TimeoutError:
            from aiohttp import web

            raise web.HTTPServiceUnavailable(
                text=json.dumps({"error": "The job overran the time limit."}),
                content_type="application/json") from None

    def close(self):
        self._executor.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------------------- web app
def require_aiohttp():
    """aiohttp's `web` module, or the ImportError saying how to install it (the CLI calls this
    before loading the model and training the encoder, so a missing extra costs nothing)."""
    try:
        from aiohttp import web
    except ImportError:
        raise ImportError("The studio needs aiohttp: pip install 'kerasgen[studio]'.") from None
    return web


def make_app(studio):
    """The aiohttp application serving the page and the JSON API of `studio`."""
    web = require_aiohttp()

    def error(status, message, headers=None):
        return web.json_response({"error": message}, status=status, headers=headers)

    @web.middleware
    async def errors(request, handler):
        try:
            return await handler(request)
        except BadRequest as e:
            headers = {"Retry-After": "1"} if e.status == 429 else None
            return error(e.status, str(e), headers)
        except web.HTTPException as e:
            if e.content_type == "application/json":
                raise
            reason = {413: f"The request body is larger than {studio.limits.max_body_bytes} "
                           "bytes."}.get(e.status, e.text or e.reason)
            return error(e.status, reason, {k: v for k, v in e.headers.items()
                                            if k in ("Allow",)})
        except ValueError as e:  # the library's own checks (strokes, shapes)
            return error(400, str(e))

    async def page(request):
        name = request.match_info.get("name", "index.html")
        if name not in STATIC_FILES:
            raise BadRequest(f"No such file: {name}.", status=404)
        return web.FileResponse(os.path.join(STATIC_DIR, name),
                                headers={"Content-Type": STATIC_FILES[name],
                                         "Cache-Control": "no-store"})

    async def info(request):
        return web.json_response(studio.info())

    async def api(request):
        if request.content_type != "application/json":
            raise BadRequest("Send the request body as application/json.", status=415)
        payload = parse_json(await request.read())
        job = studio.parse(request.match_info["route"], payload)
        return web.json_response(await studio.run_job(job))

    app = web.Application(client_max_size=studio.limits.max_body_bytes, middlewares=[errors])
    async def no_icon(request):
        return web.Response(status=204)

    app.router.add_get("/", page)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_get("/static/{name}", page)
    app.router.add_get("/api/info", info)
    app.router.add_post("/api/{route}", api)
    return app


def serve(studio, host="127.0.0.1", port=8000, print_fn=print):
    """Serves `studio` until interrupted (Ctrl-C). `port=0` picks a free port; the address is
    printed as `kerasgen studio: serving <model> at http://HOST:PORT/`."""
    web = require_aiohttp()

    async def main():
        runner = web.AppRunner(make_app(studio))
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
        print_fn(f"kerasgen studio: serving {studio.name} at http://{host}:{bound}/", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            studio.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
