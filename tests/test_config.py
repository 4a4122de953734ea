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


def test_facets_fields_switches_a_facet_off(tmp_path, corpus):
    """facets.fields decides what the API counts and filters by, and what the pages show."""
    from web import create_app

    from .conftest import write_config

    path = write_config(tmp_path, corpus)
    text = path.read_text()
    path.write_text(text[:-1] + ', "facets": {"fields": ["speaker", "year"]}}')
    config = load_config(path)
    from search.service.indexing import build

    assert build(config).ok
    client = create_app(config).test_client()
    counted = client.get("/api/search?q=defence&facets=speaker,year").get_json()
    assert set(counted["facets"]) == {"speaker", "year"}
    refused = client.get("/api/search?q=defence&facets=country")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "unknown_facet"
    off = client.get("/api/search?q=defence&country=Japan")
    assert off.status_code == 400 and off.get_json()["error"]["param"] == "country"
    spec = client.get("/api/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert "speaker" in names and "country" not in names
    page = client.get("/?q=defence").get_data(as_text=True)
    assert 'id="facet-speaker"' in page and 'id="facet-country"' not in page
