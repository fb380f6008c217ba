"""Runs every benchmark, prints their tables and writes them all to bench/RESULTS.md.

    python bench/run_all.py [--only speed,pipeline]

Each benchmark is a script in bench/ run in its own process (its own peak memory, no state
shared); its printed tables are copied verbatim under a heading with the exact command and its
wall time. Scripts that are missing are listed as such, not skipped silently.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHES = [  # speed first, while the machine is quietest; pipeline reads speed's results
    ("Training speed and memory", "speed.py", []),
    ("kerasgen vs PyTorch on the same networks", "peer_torch.py", ["--compile"]),
    ("Input pipeline throughput", "pipeline.py", []),
    ("Metric sanity anchors", "metrics_anchor.py", []),
    ("Density estimation on digits: the explicit families' test NLL", "density_digits.py", []),
    ("GAN family on 2-D mixtures: mode coverage (PacGAN protocol)", "gan_toy.py", []),
    ("DCGAN / WGAN-GP on digits: samples and digits metrics", "gan_digits.py", []),
    ("CycleGAN / pix2pix on digits with a known transform", "cyclegan_digits.py", []),
    ("iGAN on digits: projection of held-out digits and edits by strokes", "igan.py", []),
    ("The DCGAN paper's SVHN generator (converted): inference vs batch statistics",
     "dcgan_svhn.py", []),
    ("Super-resolution x4 on held-out natural images: bicubic / SRResNet / SRGAN", "srgan.py",
     []),
    ("Next-frame prediction on moving digits: MSE vs adversarial + GDL", "frames.py", []),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=None,
                        help="comma-separated script stems to run; the others keep the "
                             "section saved by their last run")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    sections = []
    for title, script, extra in BENCHES:
        stem = script[:-3]
        if only and stem not in only:
            continue
        path = os.path.join(HERE, script)
        command = f"python bench/{script} {' '.join(extra)}".strip()
        if not os.path.exists(path):
            body, wall = f"(bench/{script} is not in this checkout)", 0.0
        else:
            print(f"== {title}: {command}", flush=True)
            start = time.time()
            out = subprocess.run([sys.executable, path, *extra], capture_output=True, text=True,
                                 env=env)
            wall = time.time() - start
            body = out.stdout.strip() or "(no output)"
            if out.returncode != 0:
                body += f"\n\nFAILED (exit {out.returncode}):\n" + "\n".join(
                    out.stderr.strip().splitlines()[-15:])
            print(body, flush=True)
        section = f"## {title}\n\n`{command}` — wall time {wall:.0f} s\n\n{body}\n"
        if os.path.exists(path):
            os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
            with open(os.path.join(HERE, "results", f"{stem}.section.md"), "w") as f:
                f.write(section)
        sections.append(section)
    header = (f"# kerasgen benchmark results\n\nWritten by `python bench/run_all.py` on "
              f"{datetime.date.today()} ({platform.machine()}, {os.cpu_count()} CPU cores, "
              f"Python {platform.python_version()}). Every figure below is printed by the command "
              f"above it.\n")
    if only:  # the other benchmarks keep the section of their last run
        sections = []
        for title, script, _ in BENCHES:
            saved = os.path.join(HERE, "results", f"{script[:-3]}.section.md")
            sections.append(open(saved).read() if os.path.exists(saved) else
                            f"## {title}\n\n(not run yet: `python bench/run_all.py --only "
                            f"{script[:-3]}`)\n")
    tmp = os.path.join(HERE, "RESULTS.md.tmp")
    with open(tmp, "w") as f:
        f.write(header + "\n" + "\n".join(sections))
    os.replace(tmp, os.path.join(HERE, "RESULTS.md"))
    print(f"\nwrote {os.path.join(HERE, 'RESULTS.md')}")


if __name__ == "__main__":
    main()
