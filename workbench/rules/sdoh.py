"""ICD-10-CM Z codes for social needs (checked valid and billable with simple-icd-10-cm).

Source: ICD-10-CM 2025 chapter 21, Z55-Z65 and Z91.1 (factors influencing health status).
"""

from __future__ import annotations

from ..records import BarrierDomain

Z_CODES: dict[BarrierDomain, str] = {
    BarrierDomain.HOUSING: "Z59.811",  # housing instability, housed, with risk of homelessness
    BarrierDomain.FOOD: "Z59.41",  # food insecurity
    BarrierDomain.TRANSPORTATION: "Z59.82",  # transportation insecurity
    BarrierDomain.UTILITIES: "Z59.12",  # inadequate housing utilities
    BarrierDomain.SAFETY: "Z65.8",  # other specified problems related to psychosocial circumstances
    BarrierDomain.FINANCIAL_STRAIN: "Z59.87",  # material hardship due to limited financial resources
    BarrierDomain.LIVES_ALONE: "Z60.2",  # problems related to living alone
    BarrierDomain.CAREGIVER_STRAIN: "Z63.6",  # dependent relative needing care at home
    BarrierDomain.MEDICATION_ADHERENCE: "Z91.148",  # other noncompliance with medication regimen
    BarrierDomain.HEALTH_LITERACY: "Z55.6",  # problems related to health literacy
}


def z_code_for(domain: BarrierDomain) -> str:
    """The Z code recorded with a barrier of ``domain`` ("" where none fits)."""
    return Z_CODES.get(domain, "")
