"""Every `Example:` in kerasgen's docstrings runs and prints what it shows (doctest)."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest
import tensorflow as tf
import keras

import kerasgen

MODULES = sorted(info.name for info in pkgutil.walk_packages(kerasgen.__path__, "kerasgen.")
                 if ".cli." not in info.name and not info.name.endswith(".cli"))


def test_every_example_is_collected():
    found = sum(len(doctest.DocTestFinder().find(importlib.import_module(name)))
                for name in MODULES)
    assert found >= 20, found


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"kerasgen": kerasgen, "keras": keras, "np": np, "tf": tf}
    for test in finder.find(module, globs=dict(vars(module), **globs)):
        keras.utils.set_random_seed(0)
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
