"""Cheap text analysis for the scorer: sentence splitting, stems, cue phrases, specifics.

Everything here is regex and set work, not spaCy: scoring runs once per answer on the ``ml``
queue and the embedding call already dominates its budget, so the lexical side must stay in the
sub-millisecond range even for a 20,000-character answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#.\-']*[A-Za-z0-9+#]|[A-Za-z]|\d+(?:[.,]\d+)*")
# A sentence ends at . ! ? followed by whitespace; line breaks and bullets also separate units
# because typed answers are often lists and transcripts are often one long line.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\s*\n+\s*")
# A split after one of these is undone: "e.g. when" and "vs. the" are one sentence.
_ABBREVIATION_END_RE = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|Mr|Mrs|Ms|Dr|Inc|Ltd|St|No|Fig|cf)\.|\b[A-Z]\.)$", re.IGNORECASE
)
_BULLET_RE = re.compile(r"^(?:[•*\-–]|\d+[.)])\s+")
# Unpunctuated speech (or a wall of text) is chunked so each unit still means one thing to the
# embedding model; ~30 words is a long spoken sentence.
MAX_UNIT_WORDS = 30


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = wordset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just let me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves really basically
    actually like thing things stuff kind sort lot lots get got make made use used using one way"""
)


def words(text: str) -> list[str]:
    """Word tokens, keeping tech spellings such as ``C++``, ``C#``, ``Node.js``, ``p99``."""
    return WORD_RE.findall(text)


_LINE_END_RE = re.compile(r"[.!?:;\"')\]]$")
# A line at least this long that runs on without closing punctuation was wrapped, not ended.
WRAPPED_LINE_WORDS = 8


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines back into the sentences they were cut from.

    Text pasted from an editor or an e-mail is wrapped at ~80 columns, so a line break can fall
    mid-sentence ("...a migration that added a NOT NULL column with a default to our orders
    table,\n about 40 million rows"). Left as it is, every line becomes a fragment that means
    nothing on its own. A break is undone when the next line continues the sentence: it is not a
    bullet, and it starts in lower case or follows a long line (not a bullet) left open. Blank
    lines, bullets and short unpunctuated lines (a typed list without markers) keep their breaks.
    """
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        prev = out[-1].rstrip() if out else ""
        if (
            prev
            and stripped
            and not _BULLET_RE.match(stripped)
            and not _LINE_END_RE.search(prev)
            and (
                stripped[0].islower()
                # After a bullet, a capitalised line is the next item or paragraph, not its tail.
                or (len(prev.split()) >= WRAPPED_LINE_WORDS and not _BULLET_RE.match(prev.lstrip()))
            )
        ):
            out[-1] = f"{prev} {stripped}"
        else:
            out.append(line)
    return "\n".join(out)


def split_sentences(text: str, max_words: int = MAX_UNIT_WORDS) -> list[str]:
    """Split into sentence-like units; overly long runs are cut into ``max_words`` chunks."""
    parts: list[str] = []
    for raw in _SENTENCE_END_RE.split(unwrap_lines(text)):
        if parts and _ABBREVIATION_END_RE.search(parts[-1]) and raw.strip():
            parts[-1] = f"{parts[-1]} {raw.strip()}"
        else:
            parts.append(raw.strip())
    units: list[str] = []
    for part in parts:
        part = _BULLET_RE.sub("", part.strip())
        if not part or not any(ch.isalnum() for ch in part):
            continue
        tokens = part.split()
        if len(tokens) <= max_words:
            units.append(part)
            continue
        # Cut evenly rather than leaving a 2-word tail that embeds as noise.
        n_chunks = -(-len(tokens) // max_words)
        size = -(-len(tokens) // n_chunks)
        units.extend(" ".join(tokens[i : i + size]) for i in range(0, len(tokens), size))
    return units


def stem(word: str) -> str:
    """A deliberately crude suffix stripper: enough to match retry/retries/retrying."""
    w = word.lower().strip(".'-")
    if len(w) <= 3:
        return w
    for suffix, repl in (
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("ly", ""),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    # retry/retri, consistency/consistenci: fold the y/i alternation so both spellings meet.
    if w.endswith("y") or w.endswith("i"):
        w = w[:-1]
    return w


def is_content_word(word: str) -> bool:
    return word.lower() not in STOPWORDS and not word.isdigit()


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if is_content_word(w)}


def phrase_in(phrase: str, text_stems: set[str]) -> bool:
    """True when every content word of ``phrase`` occurs (stemmed) in the text."""
    stems = content_stems(phrase)
    return bool(stems) and stems <= text_stems


# --- structure cues -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    name: str
    label: str  # what the explanation calls it
    pattern: re.Pattern[str]


def _cue(name: str, label: str, phrases: Iterable[str]) -> Cue:
    alternatives = "|".join(sorted(phrases, key=len, reverse=True))
    return Cue(name, label, re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE))


# STAR. The patterns look for the roles sentences play in a story, not for topic words, so they
# transfer across questions. Past-tense first-person verbs are the strongest action signal.
STAR_CUES: tuple[Cue, ...] = (
    _cue(
        "situation",
        "situation",
        [
            r"at my (?:last|previous|current|first) (?:job|role|company|team|internship)",
            r"(?:when|while) I was",
            r"(?:in|at) (?:my|our) (?:last|previous|former)",
            r"back (?:in|when)",
            r"(?:a|one) (?:time|project|situation) (?:when|where)",
            r"(?:our|the) (?:team|company|startup|project|client|customer) (?:was|were|had)",
            r"we were",
            r"(?:last|this|that) (?:year|quarter|summer|spring|fall|winter)",
            r"in (?:19|20)\d\d",
            r"I was working",
            r"in my (?:first|second|third|last|final|previous) (?:year|month|week|job|role|team)",
            r"(?:my|our) (?:tech lead|manager|team lead|boss|ceo|cto|colleague|teammate|customer|client)",
            r"(?:at|in) (?:a|an|our|my) (?:startup|company|team|agency|bank|internship)",
            r"I worked (?:at|on|as)",
            r"context",
            r"situation",
        ],
    ),
    _cue(
        "task",
        "task",
        [
            r"I was (?:responsible|asked|tasked|in charge|supposed|expected|assigned)",
            r"my (?:job|role|task|goal|responsibility|assignment|objective) was",
            r"(?:the|our|my) (?:goal|challenge|problem|task|objective|deadline|requirement) was",
            r"I (?:needed|had) to",
            r"we (?:needed|had) to",
            r"I owned",
            r"the task",
            r"(?:the|my|our|a) (?:concrete |clear )?goal",
            r"(?:agreed|decided) (?:on|to)",
            r"I was the (?:tech lead|lead|owner|manager|only)",
        ],
    ),
    _cue(
        "action",
        "action",
        [
            r"I (?:decided|proposed|suggested|built|wrote|created|designed|implemented|organi[sz]ed|"
            r"scheduled|set up|started|led|ran|reached out|talked|spoke|met|asked|explained|"
            r"introduced|refactored|migrated|added|automated|prototyped|measured|analy[sz]ed|"
            r"investigated|documented|prioriti[sz]ed|negotiated|presented|paired|reviewed|"
            r"changed|split|broke|moved|focused|listened|escalated|rolled out|shipped|drafted|"
            r"gathered|collected|compared|tested|benchmarked|mentored|coached|sat down|took|"
            r"instrumented|wrote up|put together|worked with)",
            r"(?:first|then|next|after that|finally),? (?:I|we)",
            r"my approach",
            r"so I",
            r"I made sure",
        ],
    ),
    _cue(
        "result",
        "result",
        [
            r"as a result",
            r"result(?:ed|s)? (?:in|was)",
            r"in the end",
            r"(?:the )?outcome",
            r"(?:which|this|that|it) (?:led to|meant|cut|reduced|saved|increased|improved)",
            r"(?:we|I) (?:shipped|delivered|launched|hit|met|cut|reduced|saved|increased|"
            r"improved|grew|closed|finished|won|avoided|recovered)",
            r"(?:dropped|fell|rose|grew|went) (?:from|to|by)",
            r"I learned",
            r"(?:the )?lesson",
            r"(?:since then|ever since|from then on|today)",
            r"on time",
            r"(?:\w+ )?(?:days|weeks|months|years) later",
            r"by (?:month|week|day|the end)",
            r"(?:was|got) promoted",
            r"went live",
            r"ahead of schedule",
            r"\d+(?:\.\d+)? ?(?:%|percent)",
        ],
    ),
)

TECHNICAL_CUES: tuple[Cue, ...] = (
    _cue(
        "explanation",
        "explanation of how it works",
        [
            r"because",
            r"which means",
            r"this means",
            r"that means",
            r"works by",
            r"the (?:reason|idea|key|point) is",
            r"in other words",
            r"under the hood",
            r"so that",
            r"this ensures",
            r"which ensures",
            r"(?:it|this) (?:guarantees|prevents|allows|lets)",
            r"is (?:a|an|the) (?:way|mechanism|technique|structure|process)",
            r"is defined as",
            r"refers to",
        ],
    ),
    _cue(
        "example",
        "concrete example",
        [
            r"for (?:example|instance)",
            r"e\.g\.",
            r"such as",
            r"say (?:you|we)",
            r"imagine",
            r"suppose",
            r"in (?:my|our) (?:last|previous|current)? ?(?:project|job|team|role|system|service)",
            r"at my (?:last|previous|current) (?:job|company|role)",
            r"we (?:used|had|built|ran)",
            r"I (?:used|built|once)",
            r"like when",
            r"in practice",
            r"concretely",
        ],
    ),
    _cue(
        "tradeoff",
        "trade-off or limitation",
        [
            r"trade-?offs?",
            r"the (?:downside|drawback|cost|catch|risk|price)",
            r"downsides?",
            r"drawbacks?",
            r"on the other hand",
            r"however",
            r"but (?:it|this|that|the|you|we)",
            r"at the (?:cost|expense) of",
            r"it depends",
            r"depending on",
            r"versus|vs\.?",
            r"(?:pros|cons)",
            r"alternatively",
            r"instead of",
            r"(?:worse|better|slower|faster|cheaper|simpler) (?:than|for|when)",
            r"limitations?",
            r"unless",
        ],
    ),
)

SYSTEM_DESIGN_CUES: tuple[Cue, ...] = (
    _cue(
        "requirements",
        "requirements and scale estimate",
        [
            r"requirements?",
            r"(?:requests|reads|writes|queries|users|messages|events) per (?:second|day|minute)",
            r"(?:qps|rps|dau|mau)",
            r"(?:read|write)-heavy",
            r"at (?:this|that|our) scale",
            r"(?:latency|availability|durability|consistency) (?:target|requirement|budget|goal)",
            r"\d+ ?(?:k|m|million|billion|thousand)\b",
            r"assum(?:e|ing|ption)",
            r"estimate",
            r"scope",
        ],
    ),
    _cue(
        "components",
        "components and data flow",
        [
            r"load balancer",
            r"(?:api|application) (?:server|gateway|layer|tier)",
            r"(?:database|db|cache|queue|storage|cdn|shard|replica|partition|index|service|worker)s?",
            r"the (?:client|request) (?:sends|hits|goes)",
            r"data (?:model|flow|schema)",
            r"schema",
        ],
    ),
    TECHNICAL_CUES[2],
)

PRODUCT_CUES: tuple[Cue, ...] = (
    _cue(
        "users",
        "users and their problem",
        [
            r"users?",
            r"customers?",
            r"personas?",
            r"segments?",
            r"pain ?points?",
            r"(?:the|their|a) (?:problem|need|job to be done|friction)",
            r"interviews?",
            r"research",
        ],
    ),
    _cue(
        "solution",
        "prioritised solution",
        [
            r"prioriti[sz]",
            r"(?:I|we) would (?:build|ship|start|test|try|focus|add|remove|launch)",
            r"(?:the|my|one) (?:solution|option|idea|proposal|hypothesis)",
            r"mvp",
            r"experiment",
            r"a/b test",
            r"roadmap",
            r"(?:first|second|third),",
        ],
    ),
    _cue(
        "metrics",
        "success metrics",
        [
            r"metrics?",
            r"measure",
            r"kpis?",
            r"north star",
            r"(?:retention|conversion|activation|engagement|churn|nps|dau|mau|revenue)",
            r"success (?:would|looks|is|means)",
            r"guardrail",
        ],
    ),
    TECHNICAL_CUES[2],
)

ML_CUES: tuple[Cue, ...] = (
    TECHNICAL_CUES[0],
    TECHNICAL_CUES[1],
    _cue(
        "evaluation",
        "evaluation or validation",
        [
            r"validation",
            r"(?:cross|hold)-?(?:validation|out)",
            r"test set",
            r"metrics?",
            r"(?:precision|recall|f1|auc|roc|accuracy|loss|rmse|mae|log-?loss)",
            r"baseline",
            r"evaluate|evaluation",
            r"monitor(?:ing)?",
        ],
    ),
    TECHNICAL_CUES[2],
)

STRUCTURE_BY_CATEGORY: dict[str, tuple[Cue, ...]] = {
    "behavioral": STAR_CUES,
    "resume": STAR_CUES,
    "technical": TECHNICAL_CUES,
    "system_design": SYSTEM_DESIGN_CUES,
    "product": PRODUCT_CUES,
    "ml": ML_CUES,
}


def first_cue_positions(sentences: Sequence[str], cues: Sequence[Cue]) -> dict[str, int]:
    """For each cue, the index of the first sentence showing it (absent cues are left out)."""
    found: dict[str, int] = {}
    for i, sentence in enumerate(sentences):
        for cue in cues:
            if cue.name not in found and cue.pattern.search(sentence):
                found[cue.name] = i
        if len(found) == len(cues):
            break
    return found


# --- specifics --------------------------------------------------------------------------------

NUMBER_RE = re.compile(
    r"(?<![A-Za-z0-9.])(?:\$|€|£)?\d+(?:[.,]\d+)*(?:\s?(?:%|percent|ms|s|x|k|m|gb|mb|tb|rps|qps|"
    r"hours?|days?|weeks?|months?|years?|minutes?|seconds?|people|engineers|users|million|"
    r"billion|thousand))?",
    re.IGNORECASE,
)
# Spoken answers say "ten customers" and "twice as fast"; "one" is left out (too common).
NUMBER_WORD_RE = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"fifty|hundred|thousand|million|billion|dozen|half|twice|double|triple)\b",
    re.IGNORECASE,
)
# Named technologies that answers in these categories commonly cite. The question's own
# keywords are added per question; this list only widens "specific" beyond them.
TECH_TERMS = wordset(
    """python java go golang rust c++ c# javascript typescript node.js react vue angular
    django flask fastapi spring rails sql postgres postgresql mysql sqlite mongodb cassandra dynamodb
    redis memcached kafka rabbitmq sqs kinesis spark hadoop airflow dbt snowflake bigquery
    elasticsearch opensearch docker kubernetes k8s terraform aws gcp azure s3 ec2 lambda
    cloudfront nginx grpc graphql rest http https tcp udp websocket json protobuf git jenkins
    github gitlab ci cd prometheus grafana datadog sentry pytorch tensorflow keras sklearn
    scikit-learn xgboost lightgbm pandas numpy jupyter mlflow bert transformer transformers llm
    gpt rag pinecone pgvector faiss onnx cuda celery temporal jira figma amplitude mixpanel
    looker tableau excel okr okrs kpi sla slo p99 p95 lru ttl cdn dns oauth jwt saml b-tree
    btree bloom hnsw sharding raft paxos"""
)
# Capitalised words that begin many sentences or are pronouns/fillers, not names.
_NOT_NAMES = wordset(
    """I I'm I've I'd I'll The A An And But So Then When While If We Our My It This That
    These Those There They He She You Your After Before First Second Third Finally Also
    However Because Since In On At For With As To Of By Yes No OK Okay Well Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday"""
)


def specific_items(sentence: str, keywords_lower: Sequence[str]) -> dict[str, set[str]]:
    """Numbers, named technologies, proper nouns and question keywords mentioned in a sentence."""
    lowered = sentence.lower()
    numbers = {m.group(0).lower().replace(" ", "") for m in NUMBER_RE.finditer(sentence)}
    numbers |= {m.group(0).lower() for m in NUMBER_WORD_RE.finditer(sentence)}
    tokens = words(sentence)
    tech = {t.lower() for t in tokens if t.lower() in TECH_TERMS}
    # A capitalised word that is not the first token of the sentence is taken as a name
    # (a company, product or team); cheap and good enough without NER.
    names = {
        t for t in tokens[1:] if t[:1].isupper() and t not in _NOT_NAMES and t.lower() not in TECH_TERMS and len(t) > 1
    }
    stems = content_stems(sentence)
    keywords = {k for k in keywords_lower if k and (k in lowered or phrase_in(k, stems))}
    return {"numbers": numbers, "tech": tech, "names": names, "keywords": keywords}


# Verbs and phrases that sound like an explanation without making a checkable claim ("X and Y work
# together to ensure a robust, scalable ecosystem"). Buzzword prose is dense with them; people
# explaining what actually happens rarely use more than one or two.
VAGUE_RE = re.compile(
    r"\b(?:leverag\w*|ensur\w*|provid\w*|enabl\w*|facilitat\w*|align\w*|coordinat\w*|interact\w*|synerg\w*|"
    r"holistic\w*|robust\w*|seamless\w*|optimi[sz]\w*|streamlin\w*|empower\w*|utiliz\w*|harness\w*|"
    r"work(?:s|ing)? together|in (?:tandem|harmony|concert)|best practices?|paradigm\w*|ecosystem\w*|"
    r"end-to-end|scalab\w*|drive\w*|key (?:role|factor|part)|plays? a (?:key|crucial|vital|central) role|"
    r"crucial|vital|essential|fundamental\w*|overall|comprehensive\w*|strategic\w*)\b",
    re.IGNORECASE,
)


LEXICAL_WINDOW = 100


def lexical_variety(text: str, window: int = LEXICAL_WINDOW) -> float:
    """Distinct content words per word, averaged over ``window``-word stretches (MATTR).

    Padding says the same few things again and again ("really important", "so the main idea"),
    so it brings fewer new content words per stretch of speech than a long answer with something
    to say. The moving window keeps long answers comparable with shorter ones.
    """
    tokens = words(text)
    stems = [stem(w) if is_content_word(w) else None for w in tokens]
    if len(stems) <= window:
        return len({s for s in stems if s}) / max(1, len(stems))
    spans = [stems[i : i + window] for i in range(0, len(stems) - window + 1, 10)]
    return sum(len({s for s in span if s}) for span in spans) / (window * len(spans))


def vague_density(text: str) -> float:
    """Vague, claim-free verbs and phrases per 100 words."""
    return 100.0 * vague_hits(text) / max(1, len(words(text)))


def vague_hits(text: str) -> int:
    """How many vague, claim-free verbs and phrases the text uses."""
    return len(VAGUE_RE.findall(text))
