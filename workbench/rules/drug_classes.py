"""Medicine classes the patient's copy must speak about: safety lines, and advice that contradicts
a medicine on the list.

Pure: ingredient names in, sentences out. The classes and their lines follow public patient
education: anticoagulants (MedlinePlus, "Taking warfarin (Coumadin)"; AHRQ, "Blood Thinner Pills:
Your Guide to Using Them Safely": bleeding, falls and head injuries), insulin and sulfonylureas
(CDC, "Low Blood Sugar (Hypoglycemia)": the 15-15 rule), NSAIDs (National Kidney Foundation,
"Pain Medicines (Analgesics)": avoid with kidney disease; FDA drug safety communication on NSAIDs
and heart failure), weekly methotrexate (ISMP, "Targeted Medication Safety Best Practices for
Hospitals": oral methotrexate taken daily by mistake; MedlinePlus, "Methotrexate": one day a week,
Poison Help 1-800-222-1222).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DrugClass:
    key: str
    plain: str  #: how a patient hears it, e.g. "blood thinner"
    ingredients: tuple[str, ...]
    safety: str = ""  #: the line the patient's copy prints when a current medicine is in the class
    avoid_words: tuple[str, ...] = ()  #: advice words that mean "avoid this class"


CLASSES: tuple[DrugClass, ...] = (
    DrugClass("anticoagulant", "blood thinner",
              ("warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban", "enoxaparin"),
              "You take a blood thinner. Call your care team the same day if you have bleeding that will not "
              "stop, pink or brown urine, or black or bloody stools. If you fall and hit your head, go to the "
              "emergency room or call 911, even if you feel fine. Tell every doctor, dentist and pharmacist "
              "that you take it."),
    DrugClass("glucose_lowering", "medicine that can make your blood sugar too low",
              ("insulin", "glipizide", "glyburide", "glimepiride"),
              "Your medicine can make your blood sugar too low. If you feel shaky, sweaty or mixed up, check "
              "your sugar. If it is under 70, eat or drink 15 grams of fast sugar, like 4 ounces of juice. "
              "Check again in 15 minutes, then eat a snack. Call your care team if it happens again."),
    DrugClass("weekly_methotrexate", "methotrexate (taken one day a week)", ("methotrexate",),
              "You take methotrexate on ONE day of the week, the same day each week. Never take it every day: "
              "that can be very dangerous. If you take an extra dose by mistake, call your care team or "
              "Poison Help at 1-800-222-1222 right away."),
    DrugClass("nsaid", "NSAID pain reliever (like ibuprofen or naproxen)",
              ("ibuprofen", "naproxen", "diclofenac", "meloxicam", "celecoxib", "ketorolac", "indomethacin",
               "nabumetone", "etodolac", "piroxicam"),
              avoid_words=("nsaid", "ibuprofen", "naproxen", "anti-inflammator")),
)


def classes_of(ingredient_text: str) -> list[DrugClass]:
    """The classes a medicine (its name as written on the list) belongs to."""
    low = ingredient_text.lower()
    return [c for c in CLASSES if any(re.search(rf"\b{re.escape(i)}\b", low) for i in c.ingredients)]


def safety_lines(medicines: list[str]) -> list[str]:
    """One safety line per class among the current medicines, in the table's order."""
    present = {c.key for m in medicines for c in classes_of(m)}
    return [c.safety for c in CLASSES if c.key in present and c.safety]


def _says_avoid(advice: str, cls: DrugClass) -> bool:
    low = advice.lower()
    return bool(re.search(r"\bavoid|\bno more\b|\bstop\b|\bdo not take\b|\bdon't take\b", low)) and any(
        w in low for w in cls.avoid_words)


def contradictions(advice: list[str], medicines: list[str]) -> list[tuple[str, str, DrugClass]]:
    """(advice, medicine, class) for each advice line that says to avoid a class a current medicine
    belongs to: the copy must not tell a patient to avoid NSAIDs and list naproxen without a word."""
    out = []
    for med in medicines:
        for cls in classes_of(med):
            for line in advice:
                if cls.avoid_words and _says_avoid(line, cls):
                    out.append((line, med, cls))
    return out
