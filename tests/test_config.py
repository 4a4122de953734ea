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


def test_admin_min_token_length(tmp_path):
    assert load_config(tmp_path / "config.yaml").get("admin", "min_token_length") == 24
    assert load_config(write(tmp_path, "admin:\n  min_token_length: 32\n")) \
        .get("admin", "min_token_length") == 32
    for bad in ("8", "0", "twenty", "true", "24.5"):
        with pytest.raises(ConfigError, match=r": admin\.min_token_length: expected an integer"):
            load_config(write(tmp_path, f"admin:\n  min_token_length: {bad}\n"))


@pytest.mark.parametrize("given, expected", [
    (None, None),
    ("https://search.example.org", "https://search.example.org"),
    ("https://search.example.org/", "https://search.example.org"),
    ("HTTPS://Search.Example.org/dip/", "https://search.example.org/dip"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
])
def test_server_public_url(tmp_path, given, expected):
    text = "server:\n  public_url: " + ("null" if given is None else f"'{given}'") + "\n"
    assert load_config(write(tmp_path, text)).get("server", "public_url") == expected
    assert load_config(tmp_path / "none.yaml").get("server", "public_url") is None


@pytest.mark.parametrize("given", [
    "search.example.org", "/search", "//search.example.org", "ftp://search.example.org",
    "https://", "https://search.example.org/?q=x", "https://search.example.org/#top",
    "https://search.example.org?", "https://user:pw@search.example.org",
    "https://search.example.org:99999", "https://search example.org", "", "42", "[1, 2]",
])
def test_server_public_url_refuses_what_is_not_an_absolute_http_url(tmp_path, given):
    text = "server:\n  public_url: " + (given if given.startswith(("[", "4")) else f"'{given}'")
    with pytest.raises(ConfigError, match=r": server\.public_url: expected null or an absolute"):
        load_config(write(tmp_path, text + "\n"))
