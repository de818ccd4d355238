"""Prompt text of the values family (module constants; rules live in the game modules).

The wording is neutral: it never says the questionnaire measures values, never asks an agent to
stay consistent or to agree, and names no theory. A prompt is prose only: what a participant of
the study would be shown (the observation travels out of band, and its private fields are never
rendered). Layout for prefix caching: the system prompt holds the rules (identical for every
agent and turn); a user message starts with what every agent of the step shares (the
questionnaire, or the round's dilemma) and ends with the agent's own part (its persona, what its
group wrote, the question).
"""

from __future__ import annotations

from typing import Any

SURVEY_SYSTEM = (
    "You are taking part in a study with other participants. It has two kinds of turns: "
    "questionnaires, where you rate statements on how much each is like you, and small-group "
    "discussions of everyday situations, where groups change from round to round. Answer every "
    "turn in exactly the form asked."
)

PERSONA = "Answer as the following person would, in their own voice:\n{text}"

SIT_INTRO = """\
Questionnaire. Below are {n} statements. For each one, say how much it is like you, on a scale
from 1 to 6: 1 = not like me at all, 2 = not like me, 3 = a little like me, 4 = somewhat like
me, 5 = like me, 6 = very much like me. There are no right or wrong answers."""

SIT_FORMAT = """\
Reply with one line per statement, in order, exactly in the form `Q01: 4` (the statement's code,
a colon, one whole number from 1 to 6). Answer every statement; write nothing else."""

TALK_INTRO = """\
Discussion, round {round}. Your group is discussing the following situation.

{text}
First option: {first}
Second option: {second}"""

GROUP_HEADER = (
    "Latest messages about this situation from the others in your group (written in the "
    "previous round):"
)
GROUP_LINE = "- Participant {member} (stance {stance}): {message}"
NO_GROUP = "Nobody in your group has written about this situation yet."
OWN_LINE = "Last round you gave stance {stance} and wrote: {message}"

TALK_FORMAT = """\
Give your stance from 1 to 6 (1 = clearly the first option, 6 = clearly the second option) and
one short message to your group (at most two sentences). Reply exactly in this form:
STANCE: <1-6>
MESSAGE: <your message>"""

SIT_REASK = (
    "Your answer could not be read: {error}. Reply again with one line per statement, in the "
    "form `Q01: 4`, using whole numbers from 1 to 6, for all {n} statements."
)
TALK_REASK = (
    "Your answer could not be read: {error}. Reply exactly in the form\n"
    "STANCE: <a whole number from 1 to 6>\nMESSAGE: <your message>"
)

QUIZ_SYSTEM = (
    "You are taking part in a study with other participants. You will answer multiple-choice "
    "questions; each has exactly one correct option. Answer every question with a single line "
    "of the form ANSWER: <letter>."
)
QUIZ_INTRO = "Answer the following question.\n\n{text}\n{options}"
EARLIER_HEADER = "Other participants have already answered this question, in this order:"
EARLIER_LINE = "- Participant {n}: {letter}"
QUIZ_FORMAT = "Reply with exactly: ANSWER: <letter>"
QUIZ_REASK = (
    "Your answer could not be read: {error}. Reply with one line, exactly ANSWER: <letter>, "
    "where <letter> is one of: {letters}."
)


def _persona(observation: dict[str, Any]) -> list[str]:
    persona = observation.get("persona")
    return [PERSONA.format(text=persona)] if persona else []


def render_sitting(observation: dict[str, Any]) -> str:
    """The questionnaire (identical for every agent), then the agent's persona."""
    items = observation["items"]
    lines = "\n".join(f"{i['id']}: {i['text']}" for i in items)
    parts = [SIT_INTRO.format(n=len(items)), lines, SIT_FORMAT, *_persona(observation)]
    return "\n\n".join(parts)


def render_talk(observation: dict[str, Any]) -> str:
    """The round's dilemma (shared), then the persona, the agent's own last stance on it, the
    group-mates' messages, the question."""
    d = observation["dilemma"]
    parts = [TALK_INTRO.format(round=observation["round"], text=d["text"], first=d["first"],
                               second=d["second"]), *_persona(observation)]
    own = observation.get("own")
    if own:
        parts.append(OWN_LINE.format(stance=own["stance"], message=own["message"] or "(nothing)"))
    if observation["group"]:
        lines = [GROUP_LINE.format(member=m["member"], stance=m["stance"], message=m["message"])
                 for m in observation["group"]]
        parts.append("\n".join([GROUP_HEADER, *lines]))
    else:
        parts.append(NO_GROUP)
    parts.append(TALK_FORMAT)
    return "\n\n".join(parts)


def render_survey(observation: dict[str, Any]) -> str:
    return render_sitting(observation) if "items" in observation else render_talk(observation)


def render_survey_reask(observation: dict[str, Any], error: str) -> str:
    if "items" in observation:
        return SIT_REASK.format(error=error, n=len(observation["items"]))
    return TALK_REASK.format(error=error)


def render_quiz(observation: dict[str, Any]) -> str:
    q = observation["question"]
    options = "\n".join(f"{letter}. {text}" for letter, text in q["options"].items())
    parts = [QUIZ_INTRO.format(text=q["text"], options=options)]
    if observation["earlier"]:
        lines = [EARLIER_LINE.format(n=i + 1, letter=a)
                 for i, a in enumerate(observation["earlier"])]
        parts.append("\n".join([EARLIER_HEADER, *lines]))
    parts.append(QUIZ_FORMAT)
    return "\n\n".join(parts)


def render_quiz_reask(observation: dict[str, Any], error: str) -> str:
    return QUIZ_REASK.format(error=error, letters=", ".join(observation["question"]["options"]))
