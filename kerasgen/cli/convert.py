"""Convert published weights into a kerasgen preset:

    python -m kerasgen.cli.convert --recipe=cyclegan_horse2zebra --checkpoint=horse2zebra.pth \
        --out=presets/cyclegan_horse2zebra
    python -m kerasgen.cli.convert --recipe=cyclegan_horse2zebra --download --out=DIR
    python -m kerasgen.cli.convert --recipe=dcgan_svhn \
        --checkpoint=dcgan_code/models/svhn_unsup_all_conv_dcgan_100z_gaussian_lr_0.0005_64mb \
        --out=zoo/weights/dcgan_svhn

`--checkpoint` takes `FILE` (the family's main network: CycleGAN's generator_g, the reference's
G_A; pix2pix's and DCGAN's generator) or `NETWORK=FILE` (repeatable; the reference's names G_A,
G_B, D_A, D_B, G, D, netG, netD work too); for the `dcgan_svhn` recipe it is the directory of the
published `.npy` arrays. The preset's metadata records each source file's sha256, the licence
notice, this command and whether the file matched a published hash (`verified`).
"""

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("recipe", None, "Recipe whose architecture the weights belong to.")
flags.DEFINE_multi_string("checkpoint", [], "FILE or NETWORK=FILE (PyTorch state dict), or the "
                          "directory of .npy arrays for a 'theano' layout recipe.")
flags.DEFINE_string("out", None, "Preset directory to write.")
flags.DEFINE_bool("download", False, "Download the recipe's published checkpoints "
                  "(keras.utils.get_file) instead of --checkpoint.")
flags.DEFINE_integer("statistics_samples", 20_000, "Latent draws for the batch-norm statistics "
                     "of a 'theano' layout recipe.")
flags.mark_flags_as_required(["recipe", "out"])


def main(argv):
    del argv
    from kerasgen.cli import fail

    import kerasgen  # noqa: F401  (checks the backend)
    from kerasgen import recipes

    checkpoints = FLAGS.checkpoint
    if len(checkpoints) == 1 and "=" not in checkpoints[0]:
        checkpoints = checkpoints[0]
    try:
        _, meta = recipes.convert_recipe(
            FLAGS.recipe, checkpoints=checkpoints or None, out=FLAGS.out,
            download=FLAGS.download, statistics_samples=FLAGS.statistics_samples)
    except (ValueError, FileNotFoundError, ImportError) as e:
        return fail("convert", e)
    for record in meta["converted_from"]:
        name = record.get("network") or record.get("parameter")
        status = "verified" if record.get("verified") or meta.get("verified") else (
            "UNVERIFIED: no published hash; check it against a trusted copy")
        print(f"  {name}: {record['file']} sha256 {record['sha256']} ({status})")
    for name in meta.get("networks_not_converted", []):
        print(f"  {name}: not converted (untrained weights; give NETWORK=FILE to convert it)")
    gap = meta.get("inference_vs_batch_statistics")
    if gap:
        print(f"  inference mode vs batch statistics on {gap['batch_size']} samples: max |diff| "
              f"{gap['max_abs']:.4f}, mean {gap['mean_abs']:.5f} (batch statistics of two "
              f"different batches: max {gap['between_batches_max_abs']:.4f}, mean "
              f"{gap['between_batches_mean_abs']:.5f})")
    print(f"Wrote preset {FLAGS.out} (verified: {str(meta['verified']).lower()})")
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
