"""A competent care manager's Monday morning: each case of the ``monday-morning`` shift played
with the choices and chart work of its model path, but every note, barrier description and
action written in the care manager's own words (a copy of the model's notes is not credited).
The browser test plays this through the pages; the API test plays the same steps through the
engine, so a failure says whether the pages or the play are at fault."""

from __future__ import annotations

from training.model import PathStep

SHIFT = "monday-morning"
#: the order a care manager calls them: the patient home from hospital first
ORDER = ("discharge-med-reconciliation", "overdose-confusion", "transport-screening-financial-strain",
         "checkin-hypertension-arthritis", "never-answers")
WORDS = ("note", "description", "action")

#: each case's own words, in the order its model path writes notes, descriptions and actions
OWN_WORDS = {
    "discharge-med-reconciliation": [
        "Rang the prescriber: he is on lisinopril plus Entresto, and furosemide at half the discharge dose",
        "Prescriber said by phone to stop lisinopril now, wait 36 hours before Entresto, furosemide up to 40",
        "Home from the HF admission on Saturday. Found lisinopril still being taken alongside Entresto, "
        "and furosemide at 20 mg not 40 mg. Phoned prescriber: lisinopril off, Entresto only after the "
        "36 hour gap, furosemide 40 mg. Med list updated; he repeated the plan back. 202 lb today, no "
        "warning signs; cardiology on 12/2.",
    ],
    "overdose-confusion": [
        "RN on the line with us by warm transfer; I kept Dolores talking",
        "She is slurring and too confused to decide, so implied consent applies; the RN rang 911",
        "RN got advice from Poison Control on the zolpidem, roughly four taken",
        "RN reached her son Ray, her listed emergency contact; she could not decide herself",
        "I stayed on the phone with her until the ambulance crew reached her",
        "Crew with her now; handed over what she took and at what time",
        "Routine monthly call turned urgent: confused, slurred speech, roughly four zolpidem sleeping "
        "pills taken. RN joined by warm transfer, 911 under implied consent, Poison Control and her son "
        "contacted. Held the line until the crew arrived. Next-day call booked.",
        "Post-call care plan work: blister packs from the pharmacy, Ray to look at them weekly, "
        "follow-up call for tomorrow arranged.",
    ],
    "transport-screening-financial-strain": [
        "No car since she sold it; cannot reach the 12/1 colonoscopy",
        "Health plan ride booked, collects her 7:30 on 12/1 and brings her back",
        "Not always enough food at the end of the month",
        "Referred to the food bank; we began her SNAP application together",
        "Behind on the electricity bill, has had a notice",
        "Sent the utility assistance application for her",
        "Checked on her 12/1 colonoscopy: no transport since the car went. Plan ride arranged for "
        "7:30 pickup. Short of food and behind on electricity: food bank, SNAP and utility help "
        "started; she explained the plan back.",
    ],
    "checkin-hypertension-arthritis": [
        "Rang the orthopaedic office: her late knee review is now set for 12/9, 10:00",
        "Knees ache after about ten minutes of walking; no fever, no swelling. Agreed a new goal of "
        "the pool or the bike three times weekly. Taking her tablets as prescribed, home readings "
        "around 130/80. Knee clinic on 12/9 at 10, she has the date.",
    ],
    "never-answers": [
        "Rang his number, no reply; voicemail with my name and our number",
        "Spoke to his pharmacy: number on file matches; furosemide and insulin uncollected for weeks",
        "Sent a text message asking him to ring the practice",
        "Dana, his niece, last heard from him a week ago and will go to his flat at noon",
        "Escalated to the doctor on duty, who wants someone sent round to his home this afternoon",
        "Outreach work: phone message, pharmacy check, text, talked to the niece, provider escalation "
        "for a welfare visit.",
    ],
}


def own_path(scenario) -> list[PathStep]:
    """The scenario's model path with the care manager's own words in place of the model's."""
    words = iter(OWN_WORDS[scenario.id])
    out = []
    for s in scenario.model_path:
        if s.do is not None and any(getattr(s.do, k, None) for k in WORDS):
            do = s.do.model_dump(exclude_none=True)
            s = PathStep.model_validate({"do": {**do, **{k: next(words) for k in WORDS if do.get(k)}}})
        out.append(s)
    assert next(words, None) is None, f"{scenario.id}: more own words than notes"
    return out
