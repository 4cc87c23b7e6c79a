"""piiscan.toml: every section read, relative paths resolved, mistakes refused."""

from __future__ import annotations

import pytest

from piiscan.audit.config import AuditConfig, ConfigError, load_config

EXAMPLE = """
[scan]
paths = ["shares/hr", "/srv/finance"]
excludes = ["*.tmp", "archief/oud/"]
entities = ["iban_code", "EMAIL_ADDRESS", "BE_NATIONAL_NUMBER", "ID_DOCUMENT"]
min_score = 0.7
workers = 4
timeout = 120
max_file_size = "500MB"
follow_symlinks = false
rules = ["our-rules"]

[retention]
defaults = true

[[retention.rules]]
name = "ID copies"
match = ["ID_DOCUMENT", "**/id-kopie*/**"]
max_age = "14d"
source = "Privacy policy 2024, section 5"

[[retention.rules]]
name = "Camera"
match = ["**/camera/**"]
max_age = "28d"
all_files = true

[report]
title = "Privacy audit - Voorbeeld BV"
top_folders = 15
max_new = 50
"""


def test_a_full_example_is_read(tmp_path):
    path = tmp_path / "piiscan.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    config = load_config(path)
    assert config.paths == (str(tmp_path / "shares" / "hr"), "/srv/finance")
    assert config.excludes == ("*.tmp", "archief/oud/")
    assert config.entities == frozenset({"IBAN_CODE", "EMAIL_ADDRESS", "BE_NATIONAL_NUMBER", "ID_DOCUMENT"})
    assert (config.min_score, config.workers, config.timeout) == (0.7, 4, 120.0)
    assert config.max_file_size == 500_000_000 and config.follow_symlinks is False
    assert config.extra_rules == (tmp_path / "our-rules",)
    assert config.retention_defaults is True
    ids, camera = config.retention
    assert (ids.name, ids.max_age_days, ids.entity_types, ids.source) == ("ID copies", 14, frozenset({"ID_DOCUMENT"}), "Privacy policy 2024, section 5")
    assert camera.all_files and camera.max_age_days == 28
    assert (config.report.title, config.report.top_folders, config.report.max_new) == ("Privacy audit - Voorbeeld BV", 15, 50)


def test_no_file_means_defaults():
    config = load_config(None)
    assert config == AuditConfig()
    assert config.retention_defaults and config.report.top_folders == 10


@pytest.mark.parametrize(
    "text, message",
    [
        ("[scna]\npaths = ['x']\n", "unknown section"),
        ("[scan]\npath = ['x']\n", "unknown key"),
        ("[scan]\nmin_score = 2\n", "min_score"),
        ("[scan]\nworkers = 0\n", "workers"),
        ("[scan]\nmax_file_size = 'lots'\n", "max_file_size"),
        ("[retention]\ndefaults = 'yes'\n", "true or false"),
        ("[[retention.rules]]\nname = 'x'\nmatch = ['**']\nmax_age = '7 jaar'\n", "not a duration"),
        ("[[retention.rules]]\nname = 'x'\nmatch = ['**']\nmax_age = '1y'\nmax_agee = '2y'\n", "unknown key"),
        ("[[retention.rules]]\nname = 'x'\nmatch = ['**']\nmax_age = '1y'\n[[retention.rules]]\nname = 'x'\nmatch = ['a/**']\nmax_age = '2y'\n", "same name"),
        ("[scan\n", "piiscan.toml"),
    ],
)
def test_mistakes_are_refused_with_a_message(tmp_path, text, message):
    path = tmp_path / "piiscan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)
