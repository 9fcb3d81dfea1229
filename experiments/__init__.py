"""Experiments: one module per figure or study (see ``mdplab run --help``).

Each module defines NAME, BASE_SEED, grid(quick), n_seeds(quick), run_cell(config, seed)
and plot(table); :func:`mdplab.experiments.run_experiment` runs it.
"""
