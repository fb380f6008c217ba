"""The CycleGAN and pix2pix generators their authors publish, as recipes: shared construction.

Source: github.com/junyanz/pytorch-CycleGAN-and-pix2pix. `scripts/download_cyclegan_model.sh`
lists the published CycleGAN models (`CYCLEGAN_URL`, one PyTorch state dict per model: one
generator, the direction its name says) and `scripts/download_pix2pix_model.sh` the pix2pix
ones (`PIX2PIX_URL`). The authors publish no hashes, so every checkpoint's `sha256` is None: a
converted preset records the file's sha256 and is marked unverified. The repository's LICENSE is
the BSD 2-Clause licence.

The architectures are the reference test script's for these files (README, "Apply a pre-trained
model"): CycleGAN `python test.py --model test --no_dropout` with the defaults `--netG
resnet_9blocks --norm instance` (kerasgen: `CycleGAN(layout="pytorch")`, the published generator
loaded as `generator_g`, so "x2y" is the published direction); pix2pix `--model pix2pix` with the
defaults `--netG unet_256 --norm batch` and dropout (kerasgen: `Pix2Pix(layout="pytorch")`,
`generator`). Conversion checks every tensor's name and shape against them.

Training fields restate how the authors trained: CycleGAN 256 px, batch 1, 100 epochs at Adam
2e-4 (beta_1 0.5) then 100 decaying linearly to 0, an epoch being max(|A|, |B|) steps (the
reference's `UnalignedDataset.__len__`); pix2pix as the pix2pix paper's appendix states per
dataset (epochs, batch size). Domain sizes are the tfds `cycle_gan` training splits; A and B of
maps, facades and cityscapes are those of the authors' pix2pix datasets (A the photo; for
cityscapes, `datasets/prepare_cityscapes_dataset.py` writes photos to A, label maps to B).
Files starting with "_" are not recipes (`kerasgen.recipes.registry`).
"""

REPOSITORY = "https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix"
CYCLEGAN_URL = "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/{}.pth"
PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/{}.pth"
LICENCE = ("BSD 2-Clause licence, Copyright (c) 2017, Jun-Yan Zhu and Taesung Park (see the "
           "repository's LICENSE)")

#: the models `scripts/download_cyclegan_model.sh` lists
CYCLEGAN_MODELS = (
    "apple2orange", "orange2apple", "summer2winter_yosemite", "winter2summer_yosemite",
    "horse2zebra", "zebra2horse", "monet2photo", "style_monet", "style_cezanne", "style_ukiyoe",
    "style_vangogh", "sat2map", "map2sat", "cityscapes_photo2label", "cityscapes_label2photo",
    "facades_photo2label", "facades_label2photo", "iphone2dslr_flower")
#: the models `scripts/download_pix2pix_model.sh` lists
PIX2PIX_MODELS = ("edges2shoes", "sat2map", "map2sat", "facades_label2photo", "day2night")

#: CycleGAN datasets: name -> (domain A, images in trainA, domain B, images in trainB, data)
CYCLEGAN_DATASETS = {
    "apple2orange": ("apples", 995, "oranges", 1019, "cycle_gan/apple2orange"),
    "summer2winter_yosemite": ("Yosemite in summer", 1231, "Yosemite in winter", 962,
                               "cycle_gan/summer2winter_yosemite"),
    "horse2zebra": ("horses", 1067, "zebras", 1334, "cycle_gan/horse2zebra"),
    "monet2photo": ("Monet paintings", 1072, "photos", 6287, "cycle_gan/monet2photo"),
    "cezanne2photo": ("Cezanne paintings", 525, "photos", 6287, "cycle_gan/cezanne2photo"),
    "ukiyoe2photo": ("ukiyo-e prints", 562, "photos", 6287, "cycle_gan/ukiyoe2photo"),
    "vangogh2photo": ("Van Gogh paintings", 400, "photos", 6287, "cycle_gan/vangogh2photo"),
    "maps": ("aerial photos", 1096, "maps", 1096, "cycle_gan/maps"),
    "facades": ("facade photos", 400, "facade label maps", 400, "cycle_gan/facades"),
    # tfds removed cityscapes (licence): a folder made by datasets/prepare_cityscapes_dataset.py
    "cityscapes": ("street photos", 2975, "label maps", 2975, None),
    "iphone2dslr_flower": ("iPhone flower photos", 1812, "DSLR flower photos", 3325,
                           "cycle_gan/iphone2dslr_flower"),
}

#: pix2pix datasets: name -> (input, target, training pairs, epochs, batch size), as the pix2pix
#: paper (Isola et al. 2017, appendix 6.2) trains them
PIX2PIX_DATASETS = {
    "edges2shoes": ("shoe edges", "shoe photos", 49_825, 15, 4),
    "sat2map": ("aerial photos", "maps", 1096, 200, 1),
    "map2sat": ("maps", "aerial photos", 1096, 200, 1),
    "facades_label2photo": ("facade label maps", "facade photos", 400, 200, 1),
    "day2night": ("day photos", "night photos", 17_823, 17, 4),
}


def _adam(constant_steps=None):
    rate = 2e-4 if constant_steps is None else {
        "module": "kerasgen.optimizers", "class_name": "linear_decay",
        "config": {"initial_learning_rate": 2e-4, "constant_steps": constant_steps,
                   "decay_steps": constant_steps},
        "registered_name": "kerasgen>linear_decay"}
    return {"class_name": "Adam", "config": {"learning_rate": rate, "beta_1": 0.5}}


def cyclegan(published, dataset, direction="AtoB"):
    """The recipe of the authors' CycleGAN generator `published` (a name their download script
    lists), trained on `dataset` (a `CYCLEGAN_DATASETS` key) mapping A to B ("AtoB") or B to A
    ("BtoA"); x is the published generator's input domain.

    Example:
        >>> r = cyclegan("zebra2horse", "horse2zebra", "BtoA")
        >>> r["checkpoints"]["generator_g"]["url"].rsplit("/", 1)[1], r["data"]["direction"]
        ('zebra2horse.pth', 'BtoA')
    """
    if published not in CYCLEGAN_MODELS:
        raise ValueError(f"{published!r} is not a published CycleGAN model; the authors publish "
                         f"{', '.join(CYCLEGAN_MODELS)}.")
    a, size_a, b, size_b, tfds_name = CYCLEGAN_DATASETS[dataset]
    x, y = (a, b) if direction == "AtoB" else (b, a)
    epoch = max(size_a, size_b)
    data = ({"builder": "unpaired_tfds", "name": tfds_name, "path_arg": "data_dir"}
            if tfds_name else {"builder": "unpaired_folders", "path": dataset, "path_arg": "path"})
    data.update(image_size=256, direction=direction)
    return {
        "description": f"CycleGAN (Zhu 2017) {x} -> {y} 256x256: the authors' published "
                       f"generator {published}.pth",
        "family": "CycleGAN",
        "model": {"image_size": 256, "channels": 3, "base_filters": 64,
                  "num_residual_blocks": 9, "layout": "pytorch"},
        "compile": {name: _adam(100 * epoch) for name in ("g_optimizer", "f_optimizer",
                                                         "dx_optimizer", "dy_optimizer")},
        "data": data,
        "dataset": f"{dataset}: {size_a:,} {a} (A), {size_b:,} {b} (B), x = {x}; 200 epochs "
                   f"of {epoch:,} steps of batch 1",
        "resolution": 256,
        "batch_size": 1,
        "steps": 200 * epoch,
        "weights": {"url": None, "sha256": None},
        # the published file: one generator, x -> y (the authors publish no hash)
        "checkpoints": {"generator_g": {"url": CYCLEGAN_URL.format(published),
                                        "sha256": None}},
        "source": {
            "repository": REPOSITORY,
            "download_script": f"scripts/download_cyclegan_model.sh {published}",
            "reference_options": {"model": "test", "netG": "resnet_9blocks", "norm": "instance",
                                  "no_dropout": True},
            "licence": LICENCE,
        },
    }


def pix2pix(published, data_path):
    """The recipe of the authors' pix2pix generator `published` (a name their download script
    lists and a `PIX2PIX_DATASETS` key); its data is a folder `data_path` holding `input/` and
    `target/` images of the same names (`kerasgen.data.paired_dataset`).

    Example:
        >>> r = pix2pix("edges2shoes", "edges2shoes")
        >>> r["checkpoints"]["generator"]["url"].rsplit("/", 1)[1], r["batch_size"]
        ('edges2shoes.pth', 4)
    """
    if published not in PIX2PIX_MODELS:
        raise ValueError(f"{published!r} is not a published pix2pix model; the authors publish "
                         f"{', '.join(PIX2PIX_MODELS)}.")
    source, target, pairs, epochs, batch = PIX2PIX_DATASETS[published]
    steps_per_epoch = -(-pairs // batch)
    return {
        "description": f"pix2pix (Isola 2017) {source} -> {target} 256x256: the authors' "
                       f"published generator {published}.pth",
        "family": "Pix2Pix",
        "model": {"image_size": 256, "in_channels": 3, "out_channels": 3, "base_filters": 64,
                  "layout": "pytorch"},
        "compile": {"g_optimizer": _adam(), "d_optimizer": _adam()},
        "data": {"builder": "paired_dataset", "path": data_path, "image_size": 256,
                 "path_arg": "path"},
        "dataset": f"{pairs:,} pairs ({source} -> {target}), {epochs} epochs of batch {batch}",
        "resolution": 256,
        "batch_size": batch,
        "steps": epochs * steps_per_epoch,
        "weights": {"url": None, "sha256": None},
        # the published file: the generator (the authors publish no hash)
        "checkpoints": {"generator": {"url": PIX2PIX_URL.format(published), "sha256": None}},
        "source": {
            "repository": REPOSITORY,
            "download_script": f"scripts/download_pix2pix_model.sh {published}",
            "reference_options": {"model": "pix2pix", "netG": "unet_256", "norm": "batch",
                                  "no_dropout": False},
            "licence": LICENCE,
        },
    }
