"""Deal cues where companies act together ("work with X", "X and Y plan …") and the deal
words that prove a deal when two companies share a sentence ("partnership", "joint venture").
"""

from __future__ import annotations

from functools import partial

from ._cue import _GAP, _S, _SHORT, CueRule, register, verb_forms
from ._weights import CUE

TOGETHER: list[CueRule] = []
_cue = partial(register, TOGETHER)

# What companies named together at the start of a clause do together.
_JOINT_VERBS = verb_forms(
    "plan/planned/planning launch open build/built develop form create set_up/setting_up start unveil "
    "sign team_up join partner expand extend deepen widen explore study invest establish break/broke "
    "strike/struck ink seal unite combine reveal show debut present introduce roll_out begin/began/beginning "
    "announce make/made pool collaborate cooperate co-develop agree/agreeing"
)

_cue(
    "with partner",
    CUE.good,
    "",
    True,
    "with and",
    rf"(?:with|and)\s+(?:its\s+|their\s+)?(?:[\w-]+\s+)?(?:partner|ally)\s+{_S}",
    near=40,
    examples="Mercedes builds the plant with partner CATL",
    misses="Mercedes builds the plant with its own money",
)
_cue(
    "joint with",
    CUE.strong,
    "technology",
    True,
    "jointly together with",
    rf"(?:jointly|together){_GAP}with\s+{_S}|with\s+{_S}{_GAP}(?:jointly|together)\b",
    examples="Toyota jointly develops the cells with Panasonic",
    misses="Toyota develops the cells with its own team",
)
_cue(
    "work with",
    CUE.proof,
    "",
    True,
    "work* cooperat* collaborat* partner* team* join* ally allies agree agrees agreed sign* tie* "
    "do does doing did",
    rf"(?:work|works|working|worked|cooperat\w*|collaborat\w*|partner\w*|team\w* up|join\w* forces|ally|"
    rf"allies|agree|agrees|agreed|sign\w*|tie\w* up|(?:do|does|doing|did) the same)\s+(?:\w+\s+){{0,3}}?with\s+"
    rf"{_SHORT}{_S}",
    examples="Volvo will work with Northvolt | Ford teams up with SK On | "
    "Wawa launched Tesla Superchargers and now is doing the same with Electrify America",
    misses="Volvo will work with suppliers",
)
_cue(
    "did with",
    CUE.fair,
    "",
    True,
    "launch* develop* build builds built building design* produc* creat* set sets form* establish* "
    "found* open* run runs pilot* test* explor* stud* discuss* talk talks negotiat*",
    rf"(?:launch\w*|develop\w*|build|builds|built|building|design\w*|produc\w*|creat\w*|set up|sets up|"
    rf"form\w*|establish\w*|found\w*|open\w*|run|runs|pilot\w*|test\w*|explor\w*|stud\w*|discuss\w*|"
    rf"talks?|negotiat\w*){_GAP}with\s+{_SHORT}{_S}",
    examples="Ford will build cell plants with SK On | Hyundai is in talks with Apple",
    misses="Ford will build cell plants with state aid",
)
_cue(
    "co-subjects",
    CUE.mutual,
    "",
    True,
    "⟦",
    rf"{_S}(?:'s)?(?:\s*,\s*(?:[\w-]+'s\s+)?{_S})*,?\s+(?:and|&)\s+(?:[\w-]+'s\s+)?(?:[\w-]+\s+){{0,3}}?"
    rf"{_S}(?:'s)?\s+(?:\w+\s+)?(?:{_JOINT_VERBS}|to|will|jointly|co-develop\w*)\b",
    after=(",", " and", " &", "'s", "’s", " ,"),
    mutual=True,
    examples="BMW and Daimler plan a joint platform | Ford, Volkswagen and Rivian sign a pact | "
    "Lyft, Mobileye and Japanese trading house Marubeni plan to put robotaxis on the app",
    misses="BMW reported record sales in March",
)
_cue(
    "signs on",
    CUE.strong,
    "",
    True,
    "sign signs signed signing pay pays paid paying",
    rf"(?:sign|signs|signed|signing)\s+(?:up\s+)?{_S}\s+(?:on|up|as)\b|(?:pay|pays|paid|paying)\s+{_S}\s+(?:to|for)\b",
    examples="Stellantis signs up Leapmotor as a partner | Apple pays Hyundai to build its car",
    misses="Stellantis signs a new lease",
)
_cue(
    "courts",
    CUE.good,
    "",
    True,
    "courting courted courts approached approaching sound* woo* pitches pitched pitching",
    rf"(?:courting|courted|courts|approached|approaching|sound\w* out|woo\w*|pitch(?:es|ed|ing))\s+{_SHORT}{_S}",
    examples="Apple is courting Hyundai | Volkswagen sounded out Rivian",
    misses="Apple is courting new customers",
)

# Cues that prove a deal when two companies share the sentence.
_cue(
    "partnership",
    CUE.strong,
    "",
    False,
    "partner*",
    r"partner(?:s|ship|ships|ed|ing)?\b(?! program(?:me)?s?\b)",
    examples="BMW and Toyota extend their partnership",
    misses="the partnership program for dealers",
)
_cue(
    "joint venture",
    CUE.proof,
    "joint_venture",
    False,
    "joint jv jvs venture equally 50",
    r"joint[- ]?ventures?\b|jvs?\b|venture\b|equally owned\b|50[:/-]50\b",
    examples="Honda and LG form a joint venture | a 50:50 JV",
    misses="an adventure for the family",
)
_cue(
    "tie-up",
    CUE.strong,
    "",
    False,
    "tie tieup tieups alliance alliances team teams teamed teaming join joins joined joining pact pacts",
    r"tie-?ups?\b|alliances?\b|team(?:s|ed|ing)? up\b|join(?:s|ed|ing)? forces\b|pacts?\b",
    examples="Nissan and Honda agree a tie-up | BMW and Daimler join forces",
    misses="the tie rod broke",
)
_cue(
    "memorandum",
    CUE.proof,
    "",
    False,
    "memorandum memoranda mou mous letter letters loi framework term binding basic",
    r"memorand(?:um|a) of understanding\b|mous?\b|letters? of intent\b|loi\b|framework agreement\b|"
    r"term sheet\b|binding agreement\b|basic agreement\b",
    examples="Tata and Uber sign a memorandum of understanding | an MoU with Foxconn",
    misses="a memo to staff",
)
_cue(
    "co-develop",
    CUE.good,
    "technology",
    False,
    "co codevelop* codesign* coinvest* cooperat* collaborat* jointly joint cobranded",
    r"co-?develop\w*|jointly\b|joint (?!statement)\w+|co-?branded\b|co-?operat\w*|collaborat\w*|"
    r"co-?design\w*|co-?invest\w*",
    examples="BMW and Toyota will co-develop a sports car | Honda and Sony jointly design an EV",
    misses="a joint statement on trade",
)
_cue(
    "deal",
    CUE.proof,
    "",
    False,
    "sign signs signed signing ink inks inked strike strikes struck seal seals sealed "
    "agree agrees agreed finali* reach* clinch*",
    r"(?:sign|signs|signed|signing|ink|inks|inked|strike|strikes|struck|seal|seals|sealed|agree|agrees|"
    r"agreed|finali[sz]\w*|reach\w*|clinch\w*)(?:\s+[^\s⟦;.]++){0,6}?\s+(?:deals?|agreements?|"
    r"contracts?|pacts?|accords?|partnerships?|mous?|memorand(?:um|a))\b",
    examples="Tesla signed a supply deal with CATL | Volvo inks an agreement with Northvolt | "
    "Ford and SK On sign deals for two plants",
    misses="Tesla reached record deliveries",
)
_cue(
    "agree to",
    CUE.strong,
    "",
    False,
    "agree agrees agreed",
    r"agree[sd]?\s+to\s+(?:jointly\s+)?(?:supply|build|develop|form|set up|create|invest|cooperate|"
    r"collaborate|work|buy|deliver|use|produce|make|license|provide|install|deploy|recycle|source|explore|"
    r"study|combine|share|sell)\b",
    examples="Ford and SK On agree to build plants",
    misses="Ford and the union agree to talk",
)
_cue(
    "deal word",
    CUE.hint,
    "",
    False,
    "deal agreement contract accord",
    r"(?:deal|agreement|contract|accord)\b",
    examples="a deal between Ford and SK On",
    misses="Ford ideals",
)
_cue(
    "licence",
    CUE.good,
    "technology",
    False,
    "licen*",
    r"(?<!driving )(?<!driver's )licen[cs]\w*",
    examples="Chery will license the brand to JLR",
    misses="the driving licence test",
)
_cue(
    "supply deal",
    CUE.weak,
    "supply",
    False,
    "suppl* offtake",
    r"suppl(?:y|ies)\b(?! chains?\b)|(?<!its )(?<!their )(?<!battery )suppliers?\b|offtake\b",
    examples="a battery supply pact with CATL | a lithium offtake agreement | CATL becomes a supplier to Ford",
    misses="a supplement to the paper | its battery supplier LG will pay | supply chain worries",
)
_cue(
    "stake",
    CUE.good,
    "investment",
    False,
    "stake stakes strategic capital funding convertible",
    r"stakes?\b|strategic (?:investor|investment|shareholder)\b|capital injection\b|funding round\b|"
    r"convertible (?:note|bond)s?\b",
    examples="Toyota holds a stake in Subaru | a strategic investor in Nio",
    misses="the stakeholders met",
)
