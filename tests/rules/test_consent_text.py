"""Consent texts are versioned, in English and Spanish (docs/reference.md, "Consent")."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.errors import InvalidInput
from workbench.rules.consent_text import CONSENT_TEXTS, language_code, version_in_force


@pytest.mark.parametrize("programme, on, version", [
    ("CCM", date(2025, 1, 1), "ccm-2025.1"), ("CCM", date(2026, 11, 30), "ccm-2025.1"),
    ("APCM", date(2026, 11, 1), "apcm-2025.1"),
])
def test_the_version_in_force(programme, on, version):
    assert version_in_force(programme, on).version == version


def test_no_text_before_the_first_version_is_refused():
    with pytest.raises(InvalidInput, match="No CCM consent text was in force on 2024-12-31"):
        version_in_force("CCM", date(2024, 12, 31))


@pytest.mark.parametrize("version", sorted(CONSENT_TEXTS))
def test_every_version_has_both_languages_and_the_four_disclosures(version):
    text = CONSENT_TEXTS[version]
    en, es = text.text("en"), text.text("es")
    assert en != es
    for words in ("coinsurance", "Only one practice", "stop at any time", "end of that month"):
        assert words in en
    for words in ("coseguro", "Solo una práctica", "cualquier momento", "final de ese mes"):
        assert words in es
    with pytest.raises(InvalidInput):
        text.text("fr")


@pytest.mark.parametrize("language, code", [("Spanish", "es"), ("español", "es"), ("es", "es"),
                                            ("English", "en"), ("", "en"), ("Vietnamese", "en")])
def test_language_code(language, code):
    assert language_code(language) == code
