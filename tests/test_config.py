"""config.yaml validation: defaults, and errors that name the bad key."""

import pytest

from search.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_missing_file_means_defaults(tmp_path):
    config = load_config(tmp_path / "config.yaml")
    assert config.corpus_paths == [(tmp_path / "corpus").resolve()]
    assert config.index_dir == (tmp_path / "var/index").resolve()


def test_project_config_is_valid():
    config = load_config("config.yaml")
    assert config.get("index", "procs") >= 1


@pytest.mark.parametrize("text, key", [
    ("index:\n  procs: two\n", "index.procs"),
    ("index:\n  procz: 2\n", "index.procz"),
    ("colour: blue\n", "colour"),
    ("facets:\n  fields: [speaker, mood]\n", "facets.fields"),
    ("server: 8000\n", "server"),
    ("analysis:\n  fold_accents: maybe\n", "analysis.fold_accents"),
])
def test_bad_keys_are_named(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert f": {key}:" in str(err.value)
    assert "config.yaml" in str(err.value)


def test_invalid_yaml_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "index: [unclosed\n"))
