"""The iGAN studio: a local web page where a person samples a GAN, draws strokes and sees the
edit stay on the learned manifold (Zhu et al. 2016), with the interpolation from the start.

    pip install "kerasgen[studio]"        # aiohttp, the only extra dependency
    python -m kerasgen.cli.studio --model=dcgan_digits     # then open http://127.0.0.1:8000

The page (`static/`, plain HTML and JavaScript, no build step) talks JSON to five endpoints;
every image travels as a PNG data URL at the model's resolution:

| endpoint | request (JSON object) | answer |
| --- | --- | --- |
| `GET /api/info` | - | model, sample shape, latent size, value range, limits |
| `POST /api/sample` | `{"seed": int}` | `{"z", "image"}` |
| `POST /api/project` | `{"image": PNG data URL or nested list, "steps"?}` | `{"z", "image", "timed_out"}` |
| `POST /api/edit` | `{"z", "strokes": [{"points", "width", "color"}], "steps"?}` | `{"z", "image", "pasted", "mask", "timed_out"}` |
| `POST /api/interpolate` | `{"z0", "z1", "steps"?}` | `{"images"}` |

It is built to hold under bad input and load (`Limits`): it listens on 127.0.0.1 unless told
otherwise; a request body is at most `max_body_bytes`; an uploaded image at most
`max_image_side` pixels a side (checked from its header before decoding); strokes, points,
optimization steps and interpolation frames per request are capped; at most `max_jobs`
optimizations run at once and a request beyond them gets 429 with `Retry-After` at once (no
queue that grows); each job stops optimizing after `time_limit` seconds and returns its best
result (`"timed_out": true`). Every malformed request gets a 4xx whose JSON body
`{"error": ...}` says what was wrong.

Example:
    >>> Limits().max_jobs, Limits(max_steps=200).max_steps
    (2, 200)
    >>> Limits(max_jobs=0)
    Traceback (most recent call last):
    ...
    ValueError: `max_jobs` must be a positive integer, got 0.
"""


from kerasgen.studio.protocol import (BadRequest, image_from_request,  # noqa: F401
                                     image_to_data_url, parse_json)
from kerasgen.studio.server import (Limits, Studio, make_app, require_aiohttp,  # noqa: F401
                                    serve)
