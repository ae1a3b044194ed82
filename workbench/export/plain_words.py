"""Plain words for the patient copy: condition names without codes, medicines by name, dose and
when, and the warning signs to watch for (docs/reference.md, "The patient's copy").

Warning signs follow public patient guidance: CDC "Stroke Signs and Symptoms" (BE FAST), the
American Heart Association's heart-failure self-check (weight gain of 2-3 lb in a day or 5 lb in
a week), CDC "Low Blood Sugar (Hypoglycemia)" (below 70 mg/dL), AHA "Hypertensive crisis"
(180/120 or higher), 988 Suicide & Crisis Lifeline.
"""

from __future__ import annotations

import re

from .. import records as r
from ..rules.catalog import chronic_category

#: Catalog category -> what a patient calls it.
PLAIN_CONDITIONS = {
    "Alzheimer's and related dementia": "Memory loss (dementia)",
    "Arthritis (osteoarthritis, rheumatoid)": "Arthritis (joint pain and stiffness)",
    "Asthma": "Asthma",
    "Atrial fibrillation": "Irregular heartbeat (atrial fibrillation)",
    "Autism spectrum disorder": "Autism",
    "Cancer": "Cancer",
    "Other cardiovascular disease": "Heart or blood vessel disease",
    "COPD": "COPD (long-term lung disease)",
    "Depression": "Depression",
    "Diabetes": "Diabetes (high blood sugar)",
    "Glaucoma": "Glaucoma (high eye pressure)",
    "HIV/AIDS": "HIV",
    "Hypertension": "High blood pressure",
    "Substance use disorder": "Substance use",
    "Hypothyroidism": "Underactive thyroid",
    "Anemia": "Low blood count (anemia)",
    "Benign prostatic hyperplasia": "Enlarged prostate",
    "Cataract": "Cataract (cloudy eye lens)",
    "Chronic kidney disease": "Kidney disease",
    "Heart failure": "Heart failure (weak heart pump)",
    "Hyperlipidemia": "High cholesterol",
    "Ischemic heart disease": "Heart disease (narrowed heart arteries)",
    "Osteoporosis": "Thin, weak bones (osteoporosis)",
    "Stroke/TIA": "Past stroke or mini-stroke",
}

#: Catalog category -> what to watch for, in plain words.
WARNING_SIGNS = {
    "Heart failure": "Weigh yourself every morning. If you gain more than 2-3 pounds in a day or 5 pounds in a "
                     "week, your legs or belly swell, or you are more short of breath than usual, call your care "
                     "team the same day.",
    "Diabetes": "If your blood sugar is below 70 or you feel shaky, sweaty or confused, eat or drink something "
                "sweet right away, then call your care team. Call too if it is over 300 twice in a row.",
    "Hypertension": "If your blood pressure is 180/120 or higher, sit quietly and check it again in 5 minutes. "
                    "If it is still that high, call your care team. If you also have chest pain, trouble "
                    "breathing, weakness, trouble speaking or a very bad headache, call 911.",
    "COPD": "If you are more short of breath, cough more or bring up more or darker mucus, or your inhaler is not "
            "helping, call your care team. If your lips or fingertips turn blue or grey, call 911.",
    "Asthma": "If your rescue inhaler is not helping or you need it more than usual, call your care team. If you "
              "cannot speak in full sentences, call 911.",
    "Chronic kidney disease": "If you pass much less urine than usual, have new swelling or gain weight fast, "
                              "call your care team.",
    "Ischemic heart disease": "Chest pain, pressure or tightness that lasts more than a few minutes or comes back: "
                              "call 911. Do not drive yourself.",
    "Atrial fibrillation": "A racing or pounding heartbeat with dizziness or fainting: call your care team. "
                           "Signs of stroke (below): call 911.",
    "Stroke/TIA": "Signs of stroke (below): call 911 at once, even if they go away.",
    "Alzheimer's and related dementia": "Sudden new confusion, a fall, or not eating or drinking: the caregiver "
                                        "should call the care team the same day.",
    "Depression": "If you feel hopeless or have thoughts of hurting yourself, call or text 988 any time, day or "
                  "night. If you are in danger now, call 911.",
}

ALWAYS_WATCH = (
    "Signs of stroke (BE FAST): Balance lost, Eyes blurred, Face drooping, Arm or leg weak, Speech slurred: "
    "Time to call 911.",
    "Chest pain or trouble breathing: call 911.",
)

_SALTS = {"hydrochloride", "hcl", "sodium", "potassium", "calcium", "maleate", "besylate", "succinate",
          "tartrate", "mesylate", "citrate", "fumarate", "sulfate", "acetate", "magnesium"}
_FORMS = (("oral tablet", "tablet"), ("extended release oral tablet", "long-acting tablet"),
          ("delayed release oral tablet", "tablet"), ("oral capsule", "capsule"),
          ("ophthalmic solution", "eye drops"), ("inhalation powder", "inhaler"), ("metered dose inhaler", "inhaler"),
          ("inhalant solution", "inhaler"), ("injectable solution", "injection"), ("prefilled syringe", "injection"),
          ("pen injector", "injection pen"), ("topical cream", "cream"), ("transdermal patch", "skin patch"),
          ("oral solution", "liquid"), ("oral suspension", "liquid"))
_WHEN = (("once daily", "once a day"), ("twice daily", "twice a day"), ("three times daily", "three times a day"),
         ("four times daily", "four times a day"), ("daily", "every day"), ("bid", "twice a day"),
         ("tid", "three times a day"), ("qid", "four times a day"), ("qhs", "at bedtime"), ("prn", "when needed"),
         ("as needed", "when needed"))
_STRENGTH = re.compile(r"\s+\d[\d.,]*\s*(MG|MCG|UNT|ML|MG/ML|MCG/ACTUAT|UNT/ML|%)\b", re.IGNORECASE)


def condition_name(c: r.Condition) -> str:
    """The plain name of a condition; never a code."""
    category = chronic_category(c.icd10)
    if category in PLAIN_CONDITIONS:
        return PLAIN_CONDITIONS[category]
    text = re.sub(r"\s*\(?\b[A-TV-Z]\d{2}(\.\w{1,4})?\b\)?", "", c.display or "").strip(" ,;")
    return text or "A health condition your care team is following"


def medicine_name(m: r.Medication) -> str:
    """``"levothyroxine sodium 0.075 MG Oral Tablet"`` -> ``"Levothyroxine tablet"``."""
    name = m.name.strip()
    match = _STRENGTH.search(name)
    ingredient, rest = (name[:match.start()], name[match.end():]) if match else (name, "")
    words = [w for w in ingredient.split() if w.lower() not in _SALTS]
    ingredient = " ".join(words) or ingredient
    form = ""
    low = rest.lower().strip()
    for long, short in _FORMS:
        if long in low:
            form = short
            break
    out = ingredient[:1].upper() + ingredient[1:]
    return f"{out} {form}".strip()


def medicine_when(frequency: str) -> str:
    text = f" {frequency.strip().lower()} "
    for long, short in _WHEN:
        text = re.sub(rf"(?<![\w]){re.escape(long)}(?![\w])", short, text)
    return text.strip()


def medicine_line(m: r.Medication) -> str:
    """``"Lisinopril tablet: 10 mg, once a day"``."""
    parts = [p for p in (m.dose.strip(), medicine_when(m.frequency)) if p]
    return f"{medicine_name(m)}: {', '.join(parts)}" if parts else medicine_name(m)


def goal_line(g: r.Goal) -> str:
    """A goal as the patient reads it: its words, the target unless already said, and the month it is due."""
    text = g.description.strip()
    extra = []
    if g.target and g.target not in text:
        extra.append(f"{g.measure} {g.target}".strip())
    if g.due_date:
        month = g.due_date.strftime("%B %Y")
        iso = g.due_date.isoformat()
        if iso in text:
            text = text.replace(iso, month)
        else:
            extra.append(f"by {month}")
    return f"{text} ({', '.join(extra)})" if extra else text


def warning_signs(conditions: list[r.Condition]) -> list[str]:
    """What to watch for: one line per condition category the patient has, then the signs for everyone."""
    seen = []
    for c in conditions:
        category = chronic_category(c.icd10)
        if category in WARNING_SIGNS and WARNING_SIGNS[category] not in seen:
            seen.append(WARNING_SIGNS[category])
    return seen + list(ALWAYS_WATCH)
