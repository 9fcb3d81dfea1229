"""A user's own experiment, run with `mdplab run path/to/my_experiment.py`."""

NAME = "user_square"
BASE_SEED = 7


def grid(quick):
    return [{"x": x} for x in (1, 2, 3)]


def n_seeds(quick):
    return 2


def run_cell(config, seed):
    return {"y": config["x"] ** 2, "u": (seed % 1000) / 1000}
