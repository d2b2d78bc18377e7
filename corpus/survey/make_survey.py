"""Write survey.csv: an INVENTED patient-experience survey of a peer-support service.

Two open questions, 180 respondents, three case attributes (service, site, score band);
some respondents skip a question, some give non-answers ("Nothing.", "n/a"). The answers
are assembled from phrases written by hand, so the words vary as they do in real free text.
Fixed seed: running it again writes the same file byte for byte.

    python corpus/survey/make_survey.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 19
RESPONDENTS = 180
SERVICES = ["Community team", "Crisis house", "Online group"]
SITES = ["Leeds", "Bradford", "York", "Hull"]
QUESTIONS = ["What helped you most?", "What could the service do better?"]

HELPED = [
    "Talking to someone who had been through it themselves.",
    "My peer worker understood without me having to explain everything.",
    "Being listened to, properly listened to, for the first time in years.",
    "The weekly group. I looked forward to it and it got me out of the flat.",
    "Knowing the peer worker had been in hospital too gave me hope that I could get better.",
    "The online chat in the evenings when things were worst.",
    "Help with forms and benefits, which nobody else had time for.",
    "Meeting other people in the same boat, so I did not feel so alone.",
    "Having the same worker each time instead of a new face.",
    "The staff were kind and never rushed me.",
    "Practical things like going with me to the GP appointment.",
    "Hope, mostly. Seeing someone further along the road.",
]
BETTER = [
    "The waiting list was far too long, I waited four months for a first meeting.",
    "More sessions, it ended just as I was starting to trust it.",
    "Evening and weekend times for people who work.",
    "The video calls kept dropping out, the connection was poor in our area.",
    "Tell people about it sooner. My care coordinator did not mention it for a year.",
    "Letters went to my old address and nobody followed up.",
    "I saw three different workers in two months, which was unsettling.",
    "A quieter room, the group was in a corridor space and it was hard to talk.",
    "More peer workers, they are clearly stretched and one went off sick.",
    "Better links with the ward so support carries on after discharge.",
    "Information in other languages, my mother could not read the leaflet.",
    "Keep the funding. Ours was cut to half the hours last spring.",
]
NON_ANSWERS = ["Nothing.", "n/a", "No comment", "Not sure.", "Nothing, it was fine.", "-"]
OPENERS = ["", "", "", "Honestly, ", "To be fair, ", "For me, ", "I think "]
TAILS = {"helped": ["", "", "", " Thank you.", " It made a real difference.",
                    " I would recommend it."],
         "better": ["", "", "", " That's all really.", " Otherwise no complaints.",
                    " It was still worth it."]}


def answer(rng: random.Random, pool: list[str], tails: list[str]) -> str:
    if rng.random() < 0.08:
        return rng.choice(NON_ANSWERS)
    chosen = rng.choice(pool)
    opener = rng.choice(OPENERS)
    first = chosen
    if opener and not chosen.startswith("I "):
        first = chosen[0].lower() + chosen[1:]
    text = opener + first
    if rng.random() < 0.25:
        text += " " + rng.choice([p for p in pool if p != chosen])
    return text + rng.choice(tails)


def main(out: Path = Path(__file__).with_name("survey.csv")) -> Path:
    rng = random.Random(SEED)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["respondent", "service", "site", "score_band", "question", "answer"])
        for n in range(1, RESPONDENTS + 1):
            service = rng.choices(SERVICES, weights=[5, 2, 3])[0]
            site = rng.choice(SITES)
            band = rng.choices(["low (0-6)", "middle (7-8)", "high (9-10)"],
                               weights=[2, 3, 5])[0]
            for question, pool, tails in zip(QUESTIONS, (HELPED, BETTER),
                                             (TAILS["helped"], TAILS["better"])):
                if rng.random() < 0.07:
                    continue              # skipped the question
                writer.writerow([f"R{n:03d}", service, site, band, question,
                                 answer(rng, pool, tails)])
    return out


if __name__ == "__main__":
    print(main())
