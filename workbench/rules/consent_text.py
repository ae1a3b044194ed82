"""The consent forms' texts, versioned, in English and Spanish (docs/reference.md, "Consent").

Each consent records the version id and language of the text the patient heard or signed, so an
audit can show the words as they were. A new wording is a new version with its ``in_force_from``
date; a version is never edited. Consents recorded before versions were kept (migration 0010) carry
``ccm-2025.1``, the only wording in force then (the four disclosures of docs/reference.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.errors import InvalidInput

LANGUAGES = {"en": "English", "es": "Español"}


@dataclass(frozen=True)
class ConsentText:
    version: str
    programme: str  #: "CCM" or "APCM"
    in_force_from: date
    texts: dict[str, str]  #: language -> the words read or signed

    def text(self, language: str) -> str:
        if language not in self.texts:
            raise InvalidInput(f"Consent text {self.version} has no {language!r} version "
                               f"(it has {', '.join(sorted(self.texts))}).", field="language")
        return self.texts[language]


_CCM_EN = (
    "Chronic care management is a service from your care team between visits: a care plan, calls "
    "about your health and medicines, and help coordinating with other doctors. "
    "Medicare pays for it each month; your usual coinsurance and deductible apply. "
    "Only one practice can bill this service for you in a calendar month. "
    "You may stop at any time; stopping takes effect at the end of that month.")
_CCM_ES = (
    "La gestión de cuidados crónicos es un servicio de su equipo de salud entre consultas: un plan "
    "de cuidado, llamadas sobre su salud y sus medicamentos, y ayuda para coordinar con otros médicos. "
    "Medicare lo paga cada mes; se aplican su coseguro y su deducible habituales. "
    "Solo una práctica puede facturar este servicio por usted en un mes calendario. "
    "Puede dejarlo en cualquier momento; la baja se aplica al final de ese mes.")
_APCM_EN = (
    "Advanced primary care management means this practice is your primary care home every month: "
    "a care plan, help around the clock, coordination with your other doctors and follow-up after "
    "hospital or emergency visits. Medicare pays for it each month; your usual coinsurance and "
    "deductible apply. Only one practice can bill this service for you in a calendar month, and it "
    "replaces chronic care management while you have it. "
    "You may stop at any time; stopping takes effect at the end of that month.")
_APCM_ES = (
    "La gestión avanzada de atención primaria significa que esta práctica es su hogar de atención "
    "primaria cada mes: un plan de cuidado, ayuda a cualquier hora, coordinación con sus otros médicos "
    "y seguimiento después de una hospitalización o una visita a urgencias. Medicare lo paga cada mes; "
    "se aplican su coseguro y su deducible habituales. Solo una práctica puede facturar este servicio "
    "por usted en un mes calendario, y reemplaza la gestión de cuidados crónicos mientras lo tenga. "
    "Puede dejarlo en cualquier momento; la baja se aplica al final de ese mes.")

#: Every version ever in force, oldest first per programme.
CONSENT_TEXTS: dict[str, ConsentText] = {
    "ccm-2025.1": ConsentText("ccm-2025.1", "CCM", date(2025, 1, 1), {"en": _CCM_EN, "es": _CCM_ES}),
    "apcm-2025.1": ConsentText("apcm-2025.1", "APCM", date(2025, 1, 1), {"en": _APCM_EN, "es": _APCM_ES}),
}


def version_in_force(programme: str, on: date) -> ConsentText:
    """The programme's consent text in force on ``on`` (the latest whose ``in_force_from`` <= on)."""
    versions = [t for t in CONSENT_TEXTS.values() if t.programme == programme and t.in_force_from <= on]
    if not versions:
        raise InvalidInput(f"No {programme} consent text was in force on {on}.", field="consent_date")
    return max(versions, key=lambda t: t.in_force_from)


def language_code(language: str) -> str:
    """A patient's language ("Spanish", "español", "es") as a text language; English otherwise."""
    low = (language or "").strip().lower()
    return "es" if low in {"es", "spanish", "español", "espanol"} or low.startswith("spanish") else "en"
