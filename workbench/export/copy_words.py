"""The patient copy's words in the patient's language: the one translation table (English -> Spanish).

Every fixed string the copy prints (section titles, sentences, the plain names of conditions,
medicine forms and times, warning signs, the medicine-class safety lines, care-gap names) is a key
of :data:`SPANISH`, written as plain, patient-level Spanish (``usted``; "medicinas"; numbers as
in the English line). Medicine names are never translated. What the care team typed (goals,
tasks, allergies, arrangements, a medicine's schedule when it is not one of the plain phrases)
stays as typed: in a Spanish copy it is printed between « » and the copy says, at the top, that
those words are the team's own.

``tests/export/test_copy_spanish.py`` checks that every English string has its Spanish one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

#: The languages a patient copy is printed in (a patient's ``language`` as the record has it).
SPANISH_NAMES = ("spanish", "español", "espanol", "castellano", "es", "spa")

MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre")

#: The care team's own words in a Spanish copy: between these marks, with :data:`TYPED_NOTE` on top.
QUOTE = ("«", "»")
TYPED_NOTE = "Words between « » are your care team's own words, as they wrote them. They may be in English."

SPANISH: dict[str, str] = {
    # the page
    "Your care plan": "Su plan de cuidado",
    "born {day}": "fecha de nacimiento: {day}",
    "printed {day}": "impreso el {day}",
    TYPED_NOTE: "Las palabras entre « » son las de su equipo de atención, tal como las escribieron. "
                "Pueden estar en inglés.",
    "Whom to call": "A quién llamar",
    "What you do": "Lo que usted hace",
    "What to watch for, and when to call": "A qué estar atento y cuándo llamar",
    "What your care team does for you": "Lo que su equipo de atención hace por usted",
    "Your allergies": "Sus alergias",
    "Your health conditions": "Sus problemas de salud",
    "Your medicines": "Sus medicinas",
    "Your goals": "Sus metas",
    # whom to call
    "Your care manager, {name}": "Su encargado de cuidado, {name}",
    "Your doctor, {name}": "Su médico, {name}",
    "Day or night, 24/7 (someone on your care team who can see this plan)":
        "De día o de noche, 24/7 (alguien de su equipo de atención que puede ver este plan)",
    "Thoughts of suicide, or a mental health crisis": "Pensamientos de suicidio o una crisis de salud mental",
    "call or text 988": "llame o mande un texto al 988 (hay ayuda en español)",
    "An emergency": "Una emergencia",
    "call 911": "llame al 911",
    # what you do
    "Ask your doctor about {medicine}. Your care plan says to stay away from this kind of medicine: {kind}.":
        "Pregunte a su médico por {medicine}. Su plan de cuidado dice que evite este tipo de medicina: {kind}.",
    "{medicine}. Ask your doctor before your next dose: your care plan says to stay away from this kind of "
    "medicine.": "{medicine}. Pregunte a su médico antes de la próxima dosis: su plan de cuidado dice que evite "
                 "este tipo de medicina.",
    "Your care team will write your care plan with you at your next call or visit.":
        "Su equipo de atención hará su plan de cuidado con usted en la próxima llamada o visita.",
    "Take your medicines as they are listed below. Bring this list to every visit and to the drugstore.":
        "Tome sus medicinas como dice la lista de abajo. Traiga esta lista a cada visita y a la farmacia.",
    "It is time for this: {label}. Ask your care team to help you set it up.":
        "Ya le toca esto: {label}. Pida a su equipo de atención que le ayude a hacer la cita.",
    "It is time for these: {labels}. Ask your care team to help you set them up.":
        "Ya le toca esto: {labels}. Pida a su equipo de atención que le ayude a hacer las citas.",
    "We set this up: {action}": "Nosotros lo arreglamos: {action}",
    "by {month}": "para {month}",
    "Goals whose date has passed will be looked at again with you at your next call.":
        "Las metas con fecha ya pasada las revisaremos con usted en la próxima llamada.",
    # when a section is empty
    "Your care team calls you each month.": "Su equipo de atención le llama cada mes.",
    "No allergies on record. Tell us if you have any.": "No tenemos alergias anotadas. Díganos si tiene alguna.",
    "None on record.": "No hay nada anotado.",
    "You and your care team will set your goals together.": "Usted y su equipo de atención pondrán sus metas juntos.",
    "A health problem your care team is following": "Un problema de salud que su equipo de atención está siguiendo",
    # conditions (plain_words.PLAIN_CONDITIONS)
    "Memory loss (dementia)": "Pérdida de memoria (demencia)",
    "Arthritis (joint pain and stiffness)": "Artritis (dolor y rigidez en las articulaciones)",
    "Asthma": "Asma",
    "Irregular heartbeat (atrial fibrillation)": "Latido irregular del corazón (fibrilación auricular)",
    "Autism": "Autismo",
    "Cancer": "Cáncer",
    "Heart or blood vessel disease": "Enfermedad del corazón o de los vasos sanguíneos",
    "COPD (long-term lung disease)": "EPOC (enfermedad de los pulmones de larga duración)",
    "Depression": "Depresión",
    "Diabetes (high blood sugar)": "Diabetes (azúcar alta en la sangre)",
    "Glaucoma (high eye pressure)": "Glaucoma (presión alta en el ojo)",
    "HIV": "VIH",
    "High blood pressure": "Presión alta",
    "Substance use": "Uso de drogas o alcohol",
    "Underactive thyroid": "Tiroides lenta (hipotiroidismo)",
    "Low blood count (anemia)": "Sangre baja (anemia)",
    "Enlarged prostate": "Próstata agrandada",
    "Cataract (cloudy eye lens)": "Catarata (el lente del ojo se pone nublado)",
    "Kidney disease": "Enfermedad de los riñones",
    "Heart failure (weak heart pump)": "Insuficiencia cardíaca (el corazón bombea débil)",
    "High cholesterol": "Colesterol alto",
    "Heart disease (narrowed heart arteries)": "Enfermedad del corazón (arterias del corazón estrechas)",
    "Thin, weak bones (osteoporosis)": "Huesos delgados y débiles (osteoporosis)",
    "Past stroke or mini-stroke": "Derrame cerebral o mini derrame en el pasado",
    # warning signs (plain_words.WARNING_SIGNS, ALWAYS_WATCH)
    "Weigh yourself every morning. Call your care team the same day if you gain more than 2 to 3 pounds in a "
    "day, or 5 pounds in a week. Call too if your legs or belly swell, or you are more short of breath than "
    "usual.": "Pésese cada mañana. Llame a su equipo de atención ese mismo día si sube más de 2 a 3 libras en un "
              "día, o 5 libras en una semana. Llame también si se le hinchan las piernas o la barriga, o si le "
              "falta el aire más que de costumbre.",
    "Is your blood sugar below 70, or do you feel shaky, sweaty or mixed up? Eat or drink something sweet right "
    "away. Then call your care team. Call too if it is over 300 two times in a row.":
        "¿Tiene el azúcar por debajo de 70, o se siente tembloroso, sudado o confundido? Coma o tome algo dulce "
        "enseguida. Luego llame a su equipo de atención. Llame también si pasa de 300 dos veces seguidas.",
    "Is your blood pressure 180/120 or higher? Sit still and check it again in 5 minutes. If it is still that "
    "high, call your care team. If you also have chest pain, trouble breathing, weakness, trouble speaking or "
    "a very bad headache, call 911.":
        "¿Tiene la presión en 180/120 o más? Siéntese tranquilo y tómela otra vez en 5 minutos. Si sigue así "
        "de alta, llame a su equipo de atención. Si además tiene dolor de pecho, le cuesta respirar, siente "
        "debilidad, le cuesta hablar o tiene un dolor de cabeza muy fuerte, llame al 911.",
    "Call your care team if you are more short of breath, you cough more, you cough up more or darker mucus, or "
    "your inhaler is not helping. If your lips or fingertips turn blue or gray, call 911.":
        "Llame a su equipo de atención si le falta más el aire, tose más, saca más flema o flema más oscura, o "
        "si su inhalador no le ayuda. Si los labios o la punta de los dedos se le ponen azules o grises, llame "
        "al 911.",
    "Call your care team if your rescue inhaler is not helping, or you need it more than usual. If you cannot "
    "say a full sentence, call 911.":
        "Llame a su equipo de atención si su inhalador de rescate no le ayuda, o si lo necesita más que de "
        "costumbre. Si no puede decir una frase completa, llame al 911.",
    "Call your care team if you pass much less urine than usual, have new swelling, or gain weight fast.":
        "Llame a su equipo de atención si orina mucho menos que de costumbre, se le hincha el cuerpo o sube de "
        "peso muy rápido.",
    "Chest pain, pressure or tightness that lasts more than a few minutes or comes back: call 911. Do not drive "
    "yourself.": "Dolor, presión o apretón en el pecho que dura más de unos minutos o que vuelve: llame al 911. "
                 "No maneje usted mismo.",
    "A racing or pounding heartbeat with dizziness or fainting: call your care team. Signs of stroke (below): "
    "call 911.": "Latidos muy rápidos o fuertes con mareo o desmayo: llame a su equipo de atención. Señales de "
                 "derrame cerebral (abajo): llame al 911.",
    "Signs of stroke (below): call 911 at once, even if they go away.":
        "Señales de derrame cerebral (abajo): llame al 911 enseguida, aunque se le pasen.",
    "Sudden new confusion, a fall, or not eating or drinking: the caregiver should call the care team the same "
    "day.": "Confusión nueva y de repente, una caída, o si no come ni bebe: la persona que le cuida debe llamar "
            "al equipo de atención ese mismo día.",
    "If you feel hopeless or have thoughts of hurting yourself, call or text 988 any time, day or night. If you "
    "are in danger now, call 911.":
        "Si se siente sin esperanza o piensa en hacerse daño, llame o mande un texto al 988 a cualquier hora, "
        "de día o de noche. Si está en peligro ahora, llame al 911.",
    "Signs of stroke (BE FAST): Balance lost, Eyes blurred, Face drooping, Arm or leg weak, Speech slurred: Time "
    "to call 911.": "Señales de derrame cerebral: pierde el equilibrio, ve borroso, la cara se cae de un lado, "
                    "un brazo o una pierna está débil, habla enredado: es hora de llamar al 911.",
    "Chest pain or trouble breathing: call 911.": "Dolor de pecho o le cuesta respirar: llame al 911.",
    # medicine forms and times (plain_words._FORMS, _WHEN)
    "tablet": "tableta", "long-acting tablet": "tableta de acción prolongada", "capsule": "cápsula",
    "eye drops": "gotas para los ojos", "inhaler": "inhalador", "shot": "inyección", "shot pen": "pluma de inyección",
    "cream": "crema", "skin patch": "parche para la piel", "liquid": "líquido",
    "once a day": "una vez al día", "twice a day": "dos veces al día", "three times a day": "tres veces al día",
    "four times a day": "cuatro veces al día", "every day": "todos los días", "at bedtime": "al acostarse",
    "when needed": "cuando lo necesite", "every morning": "cada mañana", "every night": "cada noche",
    "once a week": "una vez a la semana",
    # medicine classes (rules/drug_classes.py)
    "blood thinner": "anticoagulante (medicina para hacer la sangre más líquida)",
    "medicine that can make your blood sugar too low": "medicina que puede bajarle demasiado el azúcar",
    "NSAID pain reliever (like ibuprofen or naproxen)":
        "analgésico antiinflamatorio, llamado AINE (como ibuprofeno o naproxeno)",
    "You take a blood thinner. Call your care team the same day if you have bleeding that will not stop, pink or "
    "brown urine, or black or bloody stools. If you fall and hit your head, go to the emergency room or call "
    "911, even if you feel fine. Tell every doctor, dentist and pharmacist that you take it.":
        "Usted toma un anticoagulante. Llame a su equipo de atención ese mismo día si sangra y no para, si la "
        "orina sale rosada o café, o si el excremento sale negro o con sangre. Si se cae y se golpea la cabeza, "
        "vaya a la sala de emergencias o llame al 911, aunque se sienta bien. Diga a cada médico, dentista y "
        "farmacéutico que lo toma.",
    "Your medicine can make your blood sugar too low. If you feel shaky, sweaty or mixed up, check your sugar. "
    "If it is under 70, eat or drink 15 grams of fast sugar, like 4 ounces of juice. Check again in 15 minutes, "
    "then eat a snack. Call your care team if it happens again.":
        "Su medicina puede bajarle demasiado el azúcar. Si se siente tembloroso, sudado o confundido, mídase "
        "el azúcar. Si está por debajo de 70, coma o tome 15 gramos de azúcar rápida, como 4 onzas de jugo. "
        "Mídase otra vez en 15 minutos y luego coma algo. Llame a su equipo de atención si le vuelve a pasar.",
    "methotrexate (taken one day a week)": "metotrexato (se toma un día a la semana)",
    "You take methotrexate on ONE day of the week, the same day each week. Never take it every day: that can be "
    "very dangerous. If you take an extra dose by mistake, call your care team or Poison Help at 1-800-222-1222 "
    "right away.":
        "Usted toma metotrexato UN solo día de la semana, siempre el mismo día. Nunca lo tome todos los días: "
        "eso puede ser muy peligroso. Si toma una dosis de más por error, llame enseguida a su equipo de "
        "atención o a la línea de ayuda para envenenamientos, 1-800-222-1222.",
    "on the same day each week: ________": "el mismo día cada semana: ________",
    # care gaps (plain_words.CARE_GAPS)
    "a blood test of your average blood sugar (A1c)": "un análisis de sangre de su azúcar promedio (A1c)",
    "an eye exam with drops (for diabetes)": "un examen de los ojos con gotas (por la diabetes)",
    "a foot check (for diabetes)": "un examen de los pies (por la diabetes)",
    "a blood test for cholesterol": "un análisis de sangre del colesterol",
    "a urine test and a blood test for your kidneys": "un análisis de orina y uno de sangre para los riñones",
    "a test for colon cancer": "una prueba de cáncer de colon",
    "a breast X-ray (mammogram)": "una radiografía de los senos (mamografía)",
    "a flu shot": "la vacuna contra la gripe",
    "a pneumonia shot": "la vacuna contra la neumonía",
}


#: Words a clinician writes -> what a patient reads (applied to what the care team typed, in English).
#: The first time a term appears it is explained; symbols become words.
JARGON = (
    (r"\(?dose per INR\)?", "(the dose your care team gives you after each INR blood test)"),
    (r"\bPHQ-9\b", "mood check score (PHQ-9)"),
    (r"\beGFR\b", "kidney test result (eGFR)"),
    (r"\bA1c\b", "A1c (average blood sugar)"),
    (r"\bLDL\b", "LDL (bad cholesterol)"),
    (r"\bTSH\b", "thyroid test (TSH)"),
    (r"\bHIV-1 RNA\b", "HIV viral load"),
    (r"(?<!each )\bINR\b", "INR (blood thinner test)"),
    (r"\s*mL/min/1\.73\s?m2\b", " points"),
    (r"\bteach-back\b", "say it back in your own words"),
    (r"\bhypoglycemia\b", "low blood sugar"),
    (r"\banticoagulant\b", "blood thinner"),
)
_SYMBOLS = ((r"<=|≤", "at most"), (r">=|≥", "at least"), (r"<", "under"), (r">", "over"))

def plain(text: str) -> str:
    """What the care team typed, with its jargon explained once and symbols as words:
    ``"PHQ-9 < 10"`` -> ``"mood check score (PHQ-9) under 10"``."""
    upper = text[:1].isupper()
    for pattern, words in JARGON:
        text = re.sub(pattern, words, text, count=1, flags=re.IGNORECASE)
    for pattern, words in _SYMBOLS:
        text = re.sub(rf"\s*(?:{pattern})\s*", f" {words} ", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text[:1].upper() + text[1:] if upper else text


def is_spanish(language: str | None) -> bool:
    """Whether a patient's language (as the record has it: "Spanish", "es", "Español", ...) is Spanish."""
    low = (language or "").strip().lower()
    return low in SPANISH_NAMES or low.startswith(("es-", "es_", "spanish"))


@dataclass(frozen=True)
class Words:
    """The copy's words in one language: ``words("Your goals")``, ``words.typed(text)``, ``words.day(d)``."""

    spanish: bool = False

    @property
    def lang(self) -> str:
        return "es" if self.spanish else "en"

    def __call__(self, english: str, **values: str) -> str:
        """A fixed string (a key of the table when Spanish), with ``values`` filled in."""
        text = SPANISH[english] if self.spanish else english
        return text.format(**values) if values else text

    def typed(self, text: str) -> str:
        """What the care team typed: as typed, quoted in a Spanish copy; jargon in plain words in English."""
        text = text.strip()
        if not text:
            return text
        return f"{QUOTE[0]}{text}{QUOTE[1]}" if self.spanish else plain(text)

    def day(self, d: date) -> str:
        return f"{d.day} de {MONTHS_ES[d.month - 1]} de {d.year}" if self.spanish else f"{d:%B} {d.day}, {d.year}"

    def month(self, d: date) -> str:
        return f"{MONTHS_ES[d.month - 1]} de {d.year}" if self.spanish else d.strftime("%B %Y")

    def phrase(self, text: str) -> str:
        """A phrase that is either one of the table's fixed words (translated) or typed text (quoted)."""
        if not self.spanish or not text:
            return text
        return SPANISH.get(text) or SPANISH.get(text.lower()) or self.typed(text)


def words_for(language: str | None) -> Words:
    return Words(spanish=is_spanish(language))


#: Placeholders a template fills in: the Spanish string must use the same ones.
PLACEHOLDER = re.compile(r"{(\w+)}")
