"""kerasgen's model zoo: one recipe per file (`RECIPE = {...}`), installed as `kerasgen.zoo`.

Shipped pretrained weights live in `weights/NAME/` as preset directories (config.json,
model.weights.h5, metadata.json). See `kerasgen.recipes` for the recipe format and how weights
resolve.
"""
