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
from .copy_words import Words, plain

ENGLISH = Words()

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
    "Heart failure": "Weigh yourself every morning. Call your care team the same day if you gain more than 2 to 3 "
                     "pounds in a day, or 5 pounds in a week. Call too if your legs or belly swell, or you are "
                     "more short of breath than usual.",
    "Diabetes": "Is your blood sugar below 70, or do you feel shaky, sweaty or mixed up? Eat or drink something "
                "sweet right away. Then call your care team. Call too if it is over 300 two times in a row.",
    "Hypertension": "Is your blood pressure 180/120 or higher? Sit still and check it again in 5 minutes. If it "
                    "is still that high, call your care team. If you also have chest pain, trouble breathing, "
                    "weakness, trouble speaking or a very bad headache, call 911.",
    "COPD": "Call your care team if you are more short of breath, you cough more, you cough up more or darker "
            "mucus, or your inhaler is not helping. If your lips or fingertips turn blue or gray, call 911.",
    "Asthma": "Call your care team if your rescue inhaler is not helping, or you need it more than usual. If you "
              "cannot say a full sentence, call 911.",
    "Chronic kidney disease": "Call your care team if you pass much less urine than usual, have new swelling, or "
                              "gain weight fast.",
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

#: Care gap kind (rules/care_gaps.py) -> what the patient is due for, in plain words.
CARE_GAPS = {
    "a1c": "a blood test of your average blood sugar (A1c)",
    "eye_exam": "an eye exam with drops (for diabetes)",
    "foot_exam": "a foot check (for diabetes)",
    "lipids": "a blood test for cholesterol",
    "kidney": "a urine test and a blood test for your kidneys",
    "colorectal": "a test for colon cancer",
    "mammography": "a breast X-ray (mammogram)",
    "influenza": "a flu shot",
    "pneumococcal": "a pneumonia shot",
}

_SALTS = {"hydrochloride", "hcl", "sodium", "potassium", "calcium", "maleate", "besylate", "succinate",
          "tartrate", "mesylate", "citrate", "fumarate", "sulfate", "acetate", "magnesium"}
_FORMS = (("oral tablet", "tablet"), ("extended release oral tablet", "long-acting tablet"),
          ("delayed release oral tablet", "tablet"), ("oral capsule", "capsule"),
          ("ophthalmic solution", "eye drops"), ("inhalation powder", "inhaler"), ("metered dose inhaler", "inhaler"),
          ("inhalant solution", "inhaler"), ("injectable solution", "shot"), ("prefilled syringe", "shot"),
          ("pen injector", "shot pen"), ("topical cream", "cream"), ("transdermal patch", "skin patch"),
          ("oral solution", "liquid"), ("oral suspension", "liquid"))
_WHEN = (("once daily", "once a day"), ("twice daily", "twice a day"), ("three times daily", "three times a day"),
         ("four times daily", "four times a day"), ("daily", "every day"), ("bid", "twice a day"),
         ("tid", "three times a day"), ("qid", "four times a day"), ("qhs", "at bedtime"), ("prn", "when needed"),
         ("as needed", "when needed"), ("once weekly", "once a week"), ("weekly", "once a week"),
         ("every week", "once a week"), ("qweek", "once a week"))
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(lunes|martes|miércoles|jueves|viernes|"
                      r"sábado|domingo)\b", re.IGNORECASE)
_STRENGTH = re.compile(r"\s+\d[\d.,]*\s*(MG|MCG|UNT|ML|MG/ML|MCG/ACTUAT|UNT/ML|%)\b", re.IGNORECASE)


def condition_name(c: r.Condition, words: Words = ENGLISH) -> str:
    """The plain name of a condition; never a code."""
    category = chronic_category(c.icd10)
    if category in PLAIN_CONDITIONS:
        return words(PLAIN_CONDITIONS[category])
    text = re.sub(r"\s*\(?\b[A-TV-Z]\d{2}(\.\w{1,4})?\b\)?", "", c.display or "").strip(" ,;")
    return words.typed(text) if text else words("A health problem your care team is following")


def medicine_name(m: r.Medication, words: Words = ENGLISH) -> str:
    """``"levothyroxine sodium 0.075 MG Oral Tablet"`` -> ``"Levothyroxine tablet"`` (in Spanish
    ``"Levothyroxine (tableta)"``: the medicine's own name is never translated)."""
    name = m.name.strip()
    match = _STRENGTH.search(name)
    ingredient, rest = (name[:match.start()], name[match.end():]) if match else (name, "")
    kept = [w for w in ingredient.split() if w.lower() not in _SALTS]
    ingredient = " ".join(kept) or ingredient
    form = ""
    low = rest.lower().strip()
    for long, short in _FORMS:
        if long in low:
            form = short
            break
    out = ingredient[:1].upper() + ingredient[1:]
    if words.spanish:
        return f"{out} ({words(form)})" if form else out
    return f"{out} {form}".strip()


def medicine_when(frequency: str) -> str:
    text = f" {frequency.strip().lower()} "
    for long, short in _WHEN:
        text = re.sub(rf"(?<![\w]){re.escape(long)}(?![\w])", short, text)
    return text.strip()


def medicine_line(m: r.Medication, words: Words = ENGLISH) -> str:
    """``"Lisinopril tablet: 10 mg, once a day"``; a schedule that is not one of the plain phrases
    is the team's words (quoted in a Spanish copy, jargon explained in an English one)."""
    when = medicine_when(m.frequency)
    parts = [p for p in (m.dose.strip(), words.phrase(when) if words.spanish else plain(when)) if p]
    if when == "once a week" and not _WEEKDAY.search(m.frequency):  # which day: for the patient to write in
        parts.append(words("on the same day each week: ________"))
    return f"{medicine_name(m, words)}: {', '.join(parts)}" if parts else medicine_name(m, words)


def goal_line(g: r.Goal, words: Words = ENGLISH) -> str:
    """A goal as the patient reads it: its words, the target unless its measure is already named,
    and the month it is due."""
    text = g.description.strip()
    measure = g.measure.strip()
    if g.target and g.target not in text and not (measure and measure.lower() in text.lower()):
        text = f"{text} ({measure} {g.target})".replace("( ", "(")
    due = ""
    if g.due_date:
        iso = g.due_date.isoformat()
        if iso in text:
            text = text.replace(iso, words.month(g.due_date))
        else:
            due = words("by {month}", month=words.month(g.due_date))
    text = words.typed(text)
    return f"{text} ({due})" if due else text


def care_gap_line(kind: str, label: str, words: Words = ENGLISH) -> str:
    """What the patient is due for, in plain words (the care gap's own label if the table lacks it)."""
    return words(CARE_GAPS[kind]) if kind in CARE_GAPS else words.typed(label)


def warning_signs(conditions: list[r.Condition], words: Words = ENGLISH) -> list[str]:
    """What to watch for: one line per condition category the patient has, then the signs for everyone."""
    seen = []
    for c in conditions:
        category = chronic_category(c.icd10)
        if category in WARNING_SIGNS and WARNING_SIGNS[category] not in seen:
            seen.append(WARNING_SIGNS[category])
    return [words(x) for x in seen + list(ALWAYS_WATCH)]
