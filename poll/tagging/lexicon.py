"""Stance cues: phrases that argue for a stronger military response or for
diplomatic engagement, with weights. Patterns are regular expressions over
lower-cased text; ``\\w*`` covers word forms (negotiate, negotiating ...).

Event words (missile, launch, test, ICBM) are deliberately absent: every
comment mentions them and they say nothing about what the writer wants.
"""

from poll.vocabulary import DIPLOMACY, MILITARY

# Cues that already carry their own judgement ("appeasement", "talks have
# failed", "risk of war"): negation and failure predicates leave them as they are.
FIXED_CUES: set[str] = set()


def judgement(pattern: str, side: str, weight: float) -> tuple[str, str, float]:
    FIXED_CUES.add(pattern)
    return pattern, side, weight


# (pattern, side, weight)
CUES: list[tuple[str, str, float]] = [
    # Calls for force, deterrence and military strength.
    (r"(?:a )?stronger military (?:response|action|posture|stance|presence)", MILITARY, 2.8),
    (
        r"military (?:response|action|option|force|strike\w*|pressure|power|might|build-?up|solution|answer|stance|posture|presence|threats?)",
        MILITARY,
        2.0,
    ),
    (r"stronger (?:military|response|stance|posture)", MILITARY, 2.0),
    (r"respond\w* (?:militarily|with force|in kind|forcefully|firmly)", MILITARY, 2.0),
    (r"show of (?:force|strength)", MILITARY, 1.8),
    (r"(?:pre-?emptive|surgical|air|missile|military) ?strikes?", MILITARY, 2.0),
    (r"strike (?:first|back|them|their|the (?:launch|sites?))", MILITARY, 2.0),
    (
        r"hit (?:back|them|hard)|time for (?:the stick|action|force|strength|consequences)|big stick|the stick",
        MILITARY,
        1.8,
    ),
    (r"strikes?|bomb(?:s|ing|ed)?", MILITARY, 1.2),
    (r"tactical nukes?|nuclear weapons (?:to|in|back)", MILITARY, 1.6),
    (r"(?:take|taking) out (?:their|the) (?:launch|missile|nuclear|sites?)\w*", MILITARY, 2.0),
    (r"shoot\w* (?:them |it |the missiles? )?down", MILITARY, 1.8),
    (r"retaliat\w*", MILITARY, 1.8),
    (r"deter(?:rence|rents?|s|red|ring)?", MILITARY, 1.4),
    (r"missile defen[cs]es?|thaad|aegis|interceptors?", MILITARY, 1.5),
    (r"(?:more|extra|additional) (?:troops|warships|carriers|bombers|weapons|forces)", MILITARY, 1.6),
    (r"troops|warships?|aircraft carriers?|carrier groups?|bombers?|nuclear umbrella", MILITARY, 1.0),
    (r"(?:joint |military |live-fire )?(?:drills|exercises)", MILITARY, 1.0),
    (r"defen[cs]e (?:spending|budget|posture|capabilit\w*|build-?up)", MILITARY, 1.4),
    (
        r"(?:re-?)?arm(?:ing)? (?:japan|south korea|seoul|ourselves|ukraine|taiwan|our (?:[\w-]+ )?allies)",
        MILITARY,
        1.6,
    ),
    (r"build\w* up (?:our |their )?(?:defen[cs]es|military|forces|arsenal)", MILITARY, 1.6),
    (r"regime change", MILITARY, 1.8),
    (r"(?:punish|punishment|crush|destroy|wipe out|obliterate|flatten)\w*", MILITARY, 1.4),
    (r"teach (?:them|kim|pyongyang) a lesson", MILITARY, 1.8),
    (r"stand\w* (?:up to|firm|strong)|hold the line|red lines?|zero tolerance", MILITARY, 1.5),
    (
        r"(?:tough|firm|hard|harsh|forceful|robust|decisive)(?:er)? (?:response|stance|line|action|measures?|approach)",
        MILITARY,
        1.6,
    ),
    (r"(?:only|just) understand\w* (?:force|strength|power)", MILITARY, 2.2),
    judgement(r"peace through strength|strength is the only", MILITARY, 2.2),
    (r"strength|muscle|firepower|firm(?:ness|ly)?|consequences|contain\w*|generals", MILITARY, 0.9),
    (r"militar(?:y|ily)|defen[cs]es|threats?|threaten\w*", MILITARY, 0.9),
    (r"forces?|forceful\w*", MILITARY, 1.0),
    (r"(?:maximum |more |economic )?pressure", MILITARY, 0.8),
    (r"(?:tougher |harsher |more |stricter )?sanctions", MILITARY, 0.6),
    judgement(
        r"(?:enough|no more|stop (?:the)?) (?:talk\w*|words|statements|hand-?wringing|summits?)",
        MILITARY,
        2.4,
    ),
    (r"prepare\w* for war", MILITARY, 1.6),
    (r"war", MILITARY, 0.5),
    # Arguments against engaging: appeasement, rewarding bad behaviour.
    judgement(r"appeas\w*|capitulat\w*|concessions?|kowtow\w*", MILITARY, 1.8),
    judgement(r"reward\w* (?:them|their|bad|provocat\w*|aggression|kim|pyongyang)", MILITARY, 2.0),
    judgement(r"embolden\w*|sign of weakness|looks? weak|seen as weak", MILITARY, 1.6),
    (r"weakness", MILITARY, 1.4),
    judgement(
        r"(?:talks|diplomacy|negotiations|engagement|summits?) (?:has|have) (?:failed|achieved nothing|gone nowhere)",
        MILITARY,
        2.4,
    ),
    judgement(r"decades of (?:failed )?(?:talks|diplomacy|negotiations|broken promises)", MILITARY, 2.0),
    judgement(r"broken promises|cheat\w*|can'?t be trusted|cannot be trusted|never keep\w*", MILITARY, 1.5),
    # Calls for talks, de-escalation and engagement.
    (r"diplomac\w*|diplomat\w*", DIPLOMACY, 2.0),
    (
        r"sit\w* down with|build\w* (?:trust|confidence|bridges)|rebuild\w* trust|hotlines?|liaison",
        DIPLOMACY,
        1.6,
    ),
    (r"trust|(?:family )?reunions?|miscalculation", DIPLOMACY, 1.0),
    (r"negotiat\w*", DIPLOMACY, 1.8),
    (r"talks?|talking|dialogue|conversation", DIPLOMACY, 1.4),
    (r"engag\w*", DIPLOMACY, 1.4),
    (r"summits?|envoys?|back-?channels?|channels? open|mediat\w*|intermediar\w*", DIPLOMACY, 1.4),
    (r"de-?escalat\w*|calm(?:er)? heads|cool(?:er)? heads|restraint|patience|patient", DIPLOMACY, 1.8),
    (r"peace(?:ful|fully)?|peace treaty|peace deal", DIPLOMACY, 1.6),
    (r"all options (?:are |remain |stay )?on the table", MILITARY, 1.2),
    (
        r"treat(?:y|ies)|agreements?|(?:a|the|any|nuclear|new|grand) deal|deals|compromis\w*|accords?|framework",
        DIPLOMACY,
        1.2,
    ),
    (r"cooperat\w*|common ground|trust-building|confidence-building|goodwill", DIPLOMACY, 1.0),
    (r"humanitarian\w*|(?:food|economic) aid|aid|exchanges?", DIPLOMACY, 1.0),
    (r"(?:sit|sitting|come|back) (?:down )?(?:at|to) the table|the table", DIPLOMACY, 1.6),
    (
        r"(?:the )?un security council|united nations|multilateral\w*|six-party|china to (?:step in|mediate)",
        DIPLOMACY,
        1.0,
    ),
    judgement(r"sanctions relief|lift\w* sanctions|ease sanctions", DIPLOMACY, 1.8),
    # Warnings about where force leads: arguments for the diplomatic side.
    judgement(
        r"(?:risk|threat|brink|danger|spiral) (?:of|into|toward\w*) (?:a |an )?(?:wider |nuclear |all-out |full-scale )?(?:war|conflict|catastrophe)",
        DIPLOMACY,
        2.0,
    ),
    judgement(r"nobody wins|no one wins|no winners", DIPLOMACY, 1.6),
    judgement(r"nuclear war|all-out war|full-scale war|another (?:korean )?war|world war", DIPLOMACY, 1.6),
    judgement(r"escalat\w*|provok\w*", DIPLOMACY, 1.0),
    judgement(
        r"bloodshed|casualties|innocent (?:lives|people|civilians)|millions (?:of people )?(?:would )?die|civilians|lives at stake|seoul would",
        DIPLOMACY,
        1.6,
    ),
    judgement(r"catastroph\w*|disastrous|disaster|reckless\w*|madness|insan\w*|suicidal", DIPLOMACY, 0.9),
]

# Words before a cue (within a few words) that turn it against its side:
# "no more talks", "avoid war", "instead of strikes". Contractions ("don't
# think diplomacy") count too; they are found by CONTRACTED_NEGATION.
NEGATORS = (
    r"not|no|never|nor|without|against|oppos\w*|reject\w*|stop|avoid\w*|prevent\w*|end(?:ing)?|"
    r"abandon\w*|instead of|rather than|less|fewer|reduce|cut|doubt|skeptical of|sceptical of|"
    r"cannot|lead(?:s|ing)? to|led to|risk\w*|fear|drag\w* (?:us )?into|"
    r"tired of|sick of|done with|forget|nothing but|give up on|giving up on|gave up on|enough of|"
    r"neither|nobody|no one|used to (?:believe in|support|favou?r|think)"
)

# Predicates after a cue (in the same clause) that say it does not work or
# does harm: "military action won't solve anything", "talks have failed".
FAILURE_PREDICATES = (
    r"won'?t|will not|wouldn'?t|would not|can'?t|cannot|doesn'?t|does not|don'?t|do not|didn'?t|isn'?t|is not|"
    r"aren'?t|are not|never|has failed|have failed|failed|fails|will fail|is failing|"
    r"(?:is|are|was|were|would be|has been|have been) (?:useless|pointless|futile|naive|a waste|a mistake|"
    r"a dead end|a joke|counterproductive|dangerous|reckless|madness|suicid\w*|insane|foolish|wrong|"
    r"a disaster|disastrous|catastrophic|a catastrophe|a trap|theatre|theater|meaningless|worthless|not the answer|"
    r"no answer|no solution|hopeless)|"
    r"backfir\w*|only (?:makes?|made|emboldens?|encourages?|invites?|provokes?|escalates?|rewards?|buys)|"
    r"makes? (?:things|it|everything|matters) worse|gets? us nowhere|got us nowhere|going nowhere|"
    r"achieved nothing|accomplish\w* nothing|solved nothing|lead\w* (?:straight )?to (?:war|disaster|catastrophe)|"
    r"(?:would|will|could) (?:trigger|start|provoke|spark|cause|escalate|kill|cost|play|drag)|"
    r"rarely works|never works|never worked|has not worked|hasn'?t worked|haven'?t worked|doesn'?t work|don'?t work|"
    r"(?:has|have) been tried|bought? time|buys? (?:them )?time|just buys|only buys|risks?\b|puts? .{0,30}at risk|"
    r"plays? (?:straight |right )?into|got us into|dragged us into|leads? (?:us )?into|"
    r"(?:will|would) be broken|(?:would |will )?looks? (?:like )?weak\w*|"
    r"(?:is|are|was|were|would be) (?:even |far |much )?(?:worse|harder)|"
    r"(?:just|only|merely|simply) (?:gives?|buys?|legitimi[sz]es?|pushe?s?|provokes?|feeds?|helps? (?:kim|them)|"
    r"rewards?|encourages?|emboldens?|makes?|invites?|means?|fuels?|hardens?|delays?|escalates?|strengthens?)|"
    r"(?:is|are|was|were) (?:a |just )?(?:propaganda|photo.?ops?|begging)"
)

CONTRACTED_NEGATION = "n't"

# After a cue, in the same clause: "dialogue should never be off the table".
AFTER_NEGATORS = ("off the table", "out of the question")

# A conditional turns negation around: "if we don't respond firmly ..."
# still argues for responding firmly.
CONDITIONALS = r"\bif\b"

# Endorsements after a cue strengthen it: "a stronger response is warranted".
ENDORSEMENTS = (
    r"^\W*(?:[\w'-]+\W+){0,3}?(?:is|are|seems?|looks?)\s+(?:\w+\s+)?(?:warranted|needed|necessary|essential|overdue|"
    r"required|justified|the answer|the only (?:way|answer|option|route|path|solution)|the (?:right|best|smart\w*) (?:way|answer|choice|path))"
)
ENDORSEMENT_BOOST = 1.5

# Clause markers: the part after "but" counts more, the conceded part less.
CONTRAST = r"\bbut\b|\bhowever\b(?! \w+\s*(?:[,.!?]|$))|\byet\b|\bnevertheless\b|\bnonetheless\b|\bstill,|\bthat said\b|\beven so\b"
CONCESSIVE_OPENERS = r"^(?:although|though|even though|while|whilst|granted|sure|yes|of course|admittedly)\b"

# Signs that a writer wants both tracks at once.
BALANCE = (
    r"\bboth\b|\bcombination\b|\bcombine\w*|\bmix of\b|\bbalance\w*|\btwo-track\b|\bdual-track\b|"
    r"\bcarrots? and sticks?\b|\bsticks? and carrots?\b|\bhand in hand\b|\bat the same time\b|"
    r"\balongside\b|\bin tandem\b|\bas well as\b|\bneither\b|\bon the one hand\b|\bon the other hand\b|"
    r"\bhard to say\b|\bnot sure\b|\bdon'?t know\b|\bcan'?t decide\b|\btorn\b|\bundecided\b|\bunsure\b|"
    r"\bboth sides\b|\bmiddle ground\b|\bdepends\b|\bit'?s complicated\b|\bno easy answer\b|\btogether\b|"
    r"\bbut (?:also|keep)\b|\bwhile (?:also|keeping)\b|\bsome say\b|\bothers say\b|\bplus\b"
)
