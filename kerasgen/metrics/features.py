"""Sample-quality metrics on feature arrays (`kerasgen.metrics.extractors` makes the features).

All functions take two arrays of features, shape (n, d), computed in float64 with NumPy/SciPy.

* Fréchet distance (Heusel et al. 2017, "FID" with Inception features):
  ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)). The trace of the matrix square root is
  computed as the sum of square roots of the eigenvalues of S_a^(1/2) S_b S_a^(1/2), a symmetric
  positive semi-definite matrix with the same eigenvalues as S_a S_b (stable and real).
* KID (Bińkowski et al. 2018): the unbiased estimate of MMD^2 with the cubic polynomial kernel
  k(x, y) = (x.y / d + 1)^3, averaged over random subsets.
* Precision / recall (Kynkäänniemi et al. 2019): the real (fake) manifold is the union of balls
  around each real (fake) feature with radius the distance to its k-th nearest neighbour;
  precision = fraction of fake features inside the real manifold, recall = fraction of real
  features inside the fake manifold. k = 3.
* Density / coverage (Naeem et al. 2020), k = 5: density = (1 / kM) sum_j sum_i
  1[Y_j in B(X_i, NND_k(X_i))]; coverage = (1 / N) sum_i 1[exists j: Y_j in B(X_i, NND_k(X_i))].
"""

import collections

import numpy as np

PrecisionRecall = collections.namedtuple("PrecisionRecall", ["precision", "recall"])
DensityCoverage = collections.namedtuple("DensityCoverage", ["density", "coverage"])
KID = collections.namedtuple("KID", ["mean", "std"])


def _features(x, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array of features (n, d), got shape {x.shape}.")
    if len(x) < 2:
        raise ValueError(f"`{name}` needs at least 2 feature vectors, got {len(x)}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return x


def _check_pair(a, b, names=("a", "b")):
    a, b = _features(a, names[0]), _features(b, names[1])
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Feature sizes differ: `{names[0]}` has {a.shape[1]}, "
                         f"`{names[1]}` has {b.shape[1]}.")
    return a, b


def _sqrt_psd(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(a, b):
    """Fréchet distance between Gaussians fitted to two feature sets (FID on Inception features)."""
    a, b = _check_pair(a, b)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    eig = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = np.sqrt(np.clip(eig, 0.0, None)).sum()
    diff = mu_a - mu_b
    return float(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt)


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """Unbiased MMD^2 of two samples with the cubic polynomial kernel."""
    m, n = len(x), len(y)
    k_xx, k_yy, k_xy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
    sum_xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    sum_yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(sum_xx + sum_yy - 2.0 * k_xy.mean())


def kid(a, b, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance: mean and std of unbiased MMD^2 over random subsets.

    Subsets hold `subset_size` features, but at most half of the smaller set, so that they
    differ: with 447 vs 447 digits and subsets of the whole set every "random subset" was the
    same and the std was always ~0. The MMD^2 estimate is unbiased at any subset size; the std
    is its spread at the size used.
    """
    a, b = _check_pair(a, b)
    size = max(2, min(subset_size, len(a) // 2, len(b) // 2))
    rng = np.random.default_rng(seed)
    values = [mmd2_unbiased(a[rng.choice(len(a), size, replace=False)],
                            b[rng.choice(len(b), size, replace=False)])
              for _ in range(num_subsets)]
    return KID(float(np.mean(values)), float(np.std(values)))


def _sq_norms(x):
    return np.einsum("ij,ij->i", x, x)


def pairwise_distances(x, y, chunk=2048):
    """Euclidean distances (len(x), len(y)), computed in row chunks to bound memory."""
    out = np.empty((len(x), len(y)), dtype=np.float64)
    y_norms = _sq_norms(y)
    for i in range(0, len(x), chunk):
        block = x[i:i + chunk]
        d2 = _sq_norms(block)[:, None] + y_norms[None, :] - 2.0 * block @ y.T
        out[i:i + chunk] = np.sqrt(np.clip(d2, 0.0, None))
    return out


def knn_radii(x, k, chunk=2048):
    """Distance from each point of x to its k-th nearest *other* point of x."""
    if k >= len(x):
        raise ValueError(f"`k`={k} must be smaller than the number of points ({len(x)}).")
    radii = np.empty(len(x))
    norms = _sq_norms(x)
    for i in range(0, len(x), chunk):
        block = x[i:i + chunk]
        d2 = np.clip(norms[i:i + chunk, None] + norms[None, :] - 2.0 * block @ x.T, 0.0, None)
        # index k (0-based) skips the point itself at distance 0
        radii[i:i + chunk] = np.sqrt(np.partition(d2, k, axis=1)[:, k])
    return radii


def _inside_counts(points, centres, radii, chunk=2048):
    """For each point, how many balls B(centre_i, radius_i) contain it."""
    counts = np.zeros(len(points), dtype=np.int64)
    for i in range(0, len(points), chunk):
        d = pairwise_distances(points[i:i + chunk], centres)
        counts[i:i + chunk] = (d <= radii[None, :]).sum(axis=1)
    return counts


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkäänniemi et al. 2019) with k-NN manifolds."""
    real, fake = _check_pair(real, fake, ("real", "fake"))
    precision = float(np.mean(_inside_counts(fake, real, knn_radii(real, k)) > 0))
    recall = float(np.mean(_inside_counts(real, fake, knn_radii(fake, k)) > 0))
    return PrecisionRecall(precision, recall)


def density_coverage(real, fake, k=5):
    """Density and coverage (Naeem et al. 2020) with k-NN balls around the real features."""
    real, fake = _check_pair(real, fake, ("real", "fake"))
    radii = knn_radii(real, k)
    density = float(_inside_counts(fake, real, radii).sum() / (k * len(fake)))
    # coverage: real points whose own ball contains at least one fake point
    nearest_fake = np.empty(len(real))
    for i in range(0, len(real), 2048):
        nearest_fake[i:i + 2048] = pairwise_distances(real[i:i + 2048], fake).min(axis=1)
    coverage = float(np.mean(nearest_fake <= radii))
    return DensityCoverage(density, coverage)
