"""SNOMED CT → ICD-10-CM for the chronic conditions the eligibility rules count.

EHRs and Synthea often send a Condition coded in SNOMED CT only. The eligibility rules
(:mod:`workbench.rules.eligibility`) count ICD-10-CM catalog categories, so a SNOMED CT concept
listed here is recorded under the ICD-10-CM code the map gives, keeping its own code and display
beside it (``fhir_links.codings``). A concept not listed is kept with its codes and reported as
"not classified": nobody guesses a diagnosis code.

Source: the U.S. National Library of Medicine's *SNOMED CT to ICD-10-CM Map* (US Edition), the
map target of each concept's default rule (the one that applies without further context). The
chronic category is not repeated here: it is the catalog's category of the target code
(:func:`workbench.rules.catalog.chronic_category`), so the two tables cannot disagree; the tests
check that every target is a valid ICD-10-CM code in a catalog category.
"""

from __future__ import annotations

SNOMED_CT = "http://snomed.info/sct"

#: SNOMED CT concept id -> (ICD-10-CM code, SNOMED CT preferred term)
SNOMED_TO_ICD10: dict[str, tuple[str, str]] = {
    # diabetes
    "44054006": ("E11.9", "Diabetes mellitus type 2"),
    "46635009": ("E10.9", "Diabetes mellitus type 1"),
    "73211009": ("E11.9", "Diabetes mellitus"),
    # hypertension, lipids
    "38341003": ("I10", "Hypertensive disorder, systemic arterial"),
    "59621000": ("I10", "Essential hypertension"),
    "55822004": ("E78.5", "Hyperlipidemia"),
    "13644009": ("E78.00", "Hypercholesterolemia"),
    # kidney
    "431855005": ("N18.1", "Chronic kidney disease stage 1"),
    "431856006": ("N18.2", "Chronic kidney disease stage 2"),
    "433144002": ("N18.30", "Chronic kidney disease stage 3"),
    "431857002": ("N18.4", "Chronic kidney disease stage 4"),
    "433146000": ("N18.5", "Chronic kidney disease stage 5"),
    "709044004": ("N18.9", "Chronic kidney disease"),
    # lungs
    "13645005": ("J44.9", "Chronic obstructive lung disease"),
    "185086009": ("J44.9", "Chronic obstructive bronchitis"),
    "87433001": ("J43.9", "Pulmonary emphysema"),
    "195967001": ("J45.909", "Asthma"),
    "233678006": ("J45.909", "Childhood asthma"),
    # heart, vessels, brain
    "49436004": ("I48.91", "Atrial fibrillation"),
    "53741008": ("I25.10", "Coronary arteriosclerosis"),
    "414545008": ("I25.9", "Ischemic heart disease"),
    "399211009": ("I25.2", "History of myocardial infarction"),
    "88805009": ("I50.9", "Chronic congestive heart failure"),
    "84114007": ("I50.9", "Heart failure"),
    "42343007": ("I50.9", "Congestive heart failure"),
    "230690007": ("I63.9", "Cerebrovascular accident"),
    "26929004": ("G30.9", "Alzheimer's disease"),
    "52448006": ("F03.90", "Dementia"),
    # mental health, substance use, development
    "370143000": ("F32.9", "Major depressive disorder"),
    "36923009": ("F32.9", "Major depression, single episode"),
    "7200002": ("F10.20", "Alcoholism"),
    "6525002": ("F19.20", "Dependent drug abuse"),
    "408856003": ("F84.0", "Autistic disorder"),
    # bones and joints
    "64859006": ("M81.0", "Osteoporosis"),
    "69896004": ("M06.9", "Rheumatoid arthritis"),
    "396275006": ("M19.90", "Osteoarthritis"),
    "239873007": ("M17.9", "Osteoarthritis of knee"),
    "239872002": ("M16.9", "Osteoarthritis of hip"),
    # cancer
    "254637007": ("C34.90", "Non-small cell lung cancer"),
    "93761005": ("C18.9", "Primary malignant neoplasm of colon"),
    "254837009": ("C50.919", "Malignant neoplasm of breast"),
    "399068003": ("C61", "Malignant tumor of prostate"),
    # other Chronic Conditions Warehouse categories
    "40930008": ("E03.9", "Hypothyroidism"),
    "271737000": ("D64.9", "Anemia"),
    "266569009": ("N40.0", "Benign prostatic hyperplasia"),
    "193570009": ("H26.9", "Cataract"),
    "23986001": ("H40.9", "Glaucoma"),
    "86406008": ("B20", "Human immunodeficiency virus infection"),
}


def icd10_for_snomed(code: str) -> tuple[str, str] | None:
    """(ICD-10-CM code, SNOMED CT term) for a listed concept, else None (not classified)."""
    return SNOMED_TO_ICD10.get(str(code).strip())
