"""The words a story is read with: deal cues, signals, and where a company is only context.

Rules run on a story whose company names were replaced by numbered slots (``⟦0⟧``,
``⟦1⟧``…), so a cue can name the company it binds to: "invests in ⟦1⟧", "to build
⟦0⟧'s cars". Each rule lists the words it starts at (see ``_scan``); several rules may
share a name, and a name's hits are what the handler reads.
"""

from __future__ import annotations

import re

from ._cues import CUE_RULES, CUES, SLOT, Cue
from ._kind import ASPECT_RULES
from ._scan import Rule, Scanner, rule
from ._signals import SIGNALS

__all__ = ["CUES", "SCANNER", "SLOT", "Cue"]

CONTEXT: list[Rule] = [
    # Companies in these positions are context, not parties.
    rule(
        "listing",
        "such including include includes like ahead beating behind than versus vs against "
        "alongside rival rivals competitor competitors peer peers following followed formerly replacing "
        "instead other backed",
        rf"(?:such as|including|includes?|like|ahead of|beating|behind|(?<!more )(?<!less )(?<!fewer )than|versus|vs\.?|against|alongside|"
        rf"rivals?|competitors?|peers?|following|followed by|formerly|replacing|instead of|other shareholders "
        rf"include|other investors include|backed by)\s+(?:[\w-]+\s+){{0,3}}?{SLOT}",
        examples=("customers such as BMW and Ford", "a rival of Tesla"),
        near_misses=("buys more than 200 Mercedes trucks",),
    ),
    rule(
        # A firm named for comparison: it did the same thing, it is not the counterparty.
        "listing",
        "join joins joined joining follow follows followed",
        rf"(?:join|joins|joined|joining|follow|follows|followed)\s+{SLOT}(?=(?:\s*(?:,|,?\s*and)\s+⟦\d+⟧)*"
        rf"\s+in\s+\w+ing\b)",
        examples=("GM joins Ford in switching to Tesla's plug",),
        near_misses=("Toyota joins Ionna as its eighth shareholder",),
    ),
    rule(
        "listing",
        "⟦",
        rf"{SLOT}(?:\s*,)?\s+among others\b",
        after=(" among", ", among"),
        examples=("the plant is expected to supply Tesla among others",),
        near_misses=("the plant will supply Tesla from 2025",),
    ),
    rule(
        "listing",
        "unlike not after",
        rf"(?:unlike|not|after)\s+{SLOT}\s*[:,]",
        examples=(
            "Not Tesla: Uber picks Lucid for its robotaxis",
            "Unlike Tesla, Ford licenses CATL cells",
            "After Tesla, Rivian opens its chargers to Ford drivers",
        ),
        near_misses=("Uber does not pick Tesla for its robotaxis",),
    ),
    rule(
        # A relative clause about a firm's own customers or backers: "LG, whose cells go to Tesla".
        "listing",
        "whose which who",
        rf"(?:whose|which|who)\s+(?:(?!(?:and|but)\b)[^\s;]+\s+){{0,6}}?(?:to|for|with|from|supply|supplies|"
        rf"serve|serves)\s+{SLOT}",
        examples=(
            "Ganfeng will supply lithium to LG, whose cells go to Tesla and GM",
            "Seres, which builds Aito cars with Huawei's help, opened a factory",
            "Verkor opened its first cell plant, which will supply Renault",
        ),
        near_misses=("Ganfeng will supply lithium to LG Energy Solution from 2023",),
    ),
    rule(
        "former",
        "former ex old defunct idle idled closed shuttered disused",
        rf"(?:former|ex-|old|defunct|idle|idled|closed|shuttered|disused)\s+{SLOT}",
        near=14,
    ),
    rule(
        "names_venture",
        "the its their a new launch* form* set sets creat* establish* found* end ends ended "
        "ending exit* quit* leav* dissolv* unwind* of in",
        rf"(?:the|its|their|a|new|launch\w*|form\w*|set up|sets up|creat\w*|establish\w*|found\w*|end|ends|"
        rf"ended|ending|exit\w*|quit\w*|leav\w*|dissolv\w*|unwind\w*|of|in)\s+(?:(?:whole|entire|own|new)\s+)?"
        rf"{SLOT}\s+(?:[\w-]+\s+){{0,2}}?(?:joint venture|venture|jv|partnership|alliance|brand)\b",
        near=16,
    ),
    rule(
        "describes_next",
        "⟦",
        rf"{SLOT}(?:'s|-owned|-backed|-controlled|-led)\s+"
        rf"(?:(?!(?:with|and|to|from|for|of|over|by|in|on)\b)[\w.&-]+\s+){{0,4}}?{SLOT}",
        after=("'s", "-owned", "-backed", "-controlled", "-led"),
        examples=("Volkswagen's software unit Cariad", "Toyota-backed Pony.ai"),
        near_misses=("Fisker's rescue talks with Nissan collapse",),
    ),
    rule(
        "describes_unit",
        "⟦",
        rf"{SLOT}(?:\s+|-)(?:unit|subsidiary|arm|brand|affiliate|division|parent|owner|"
        rf"sister company|spin-?off|spinoff|group company|supplier|customer|client|rival|partner|backer)\s+{SLOT}",
        after=(
            " unit",
            " subsidiary",
            " arm",
            " brand",
            " affiliate",
            " division",
            " parent",
            " owner",
            " sister",
            " spin",
            " group",
            " supplier",
            " customer",
            " client",
            " rival",
            " partner",
            " backer",
            "-",
        ),
        examples=(
            "Volkswagen unit Scout Motors",
            "Tesla supplier Panasonic signs a recycling deal with Redwood",
            "Tesla-rival Lucid signs a cell deal with Panasonic",
        ),
        near_misses=("Tesla and Panasonic sign a deal", "a Tesla-Panasonic supply deal"),
    ),
    rule(
        "describes_prev",
        "⟦",
        rf"{SLOT}\s*,\s*(?:a|an|the)\s+(?:[\w.&-]+\s+){{0,6}}?(?:unit|subsidiary|arm|"
        rf"brand|affiliate|division|venture|joint venture|parent|owner|spin-?off|company|firm|business|vehicle)\s+"
        rf"(?:of|between|owned by|controlled by|backed by|led by|from)?\s*((?:[^,;.\n]{{0,60}}?{SLOT}){{1,3}})",
        after=(",", " ,"),
    ),
    rule(
        "venture_of",
        "⟦",
        rf"(?:{SLOT}\s*[-/]\s*)+{SLOT}\s+(?:[\w-]+\s+){{0,2}}?(?:venture|jv|joint venture)\b",
        after=("-", "/", " -", " /"),
    ),
    rule(
        "venture_of",
        "joint venture jv",
        rf"(?:joint venture|venture|jv) (?:of|between)\s+{SLOT}"
        rf"(?:\s+and\s+{SLOT})?",
    ),
    rule(
        "unit_of",
        "⟦",
        rf"{SLOT}'s\s+(?:[\w-]+\s+){{0,3}}?(?:arm|unit|subsidiary|division|business|affiliate)\b"
        rf"(?!\s*⟦)",
        after=("'s",),
    ),
]

# Companies the story itself calls a venture of others: "Horizon Plus, its joint venture with Foxconn".
VENTURES: list[Rule] = [
    rule(
        "venture_named",
        "⟦",
        rf"{SLOT}\s*,\s*(?:a|an|the|its|their)\s+(?:[\w:.⟦⟧'-]+\s+){{0,4}}?(?:joint venture|venture|jv|joint company|"
        rf"(?:evenly split|equally owned|jointly owned|50:50|50-50) (?:company|firm|business)|(?:new|luxury|premium) "
        rf"(?:[\w-]+ )?brand)\b(?:\s+(?:of|between|with|by)\s+(?:[\w-]+\s+){{0,2}}?⟦\d+⟧"
        rf"(?:\s*(?:,|and|&)\s*(?:[\w-]+\s+){{0,2}}?⟦\d+⟧)*)?",
        after=(",", " ,"),
        examples=(
            "Horizon Plus, its electric-vehicle joint venture with Foxconn",
            "Leapmotor International, the Stellantis-led venture with Leapmotor",
            "Huawei and JAC created Maextro, a luxury EV brand",
        ),
        near_misses=("Foxconn, a contract manufacturer",),
    ),
    rule(
        "venture_named",
        "joint venture jv",
        rf"(?:joint venture|venture|jv)\s*,?\s+{SLOT}(?!'s)",
        examples=("their battery venture Ultium Cells",),
        near_misses=("a venture with Toyota's backing",),
    ),
    rule(
        "venture_named",
        "⟦",
        rf"(?<!and )(?<!& )(?<!-){SLOT}\s+(?:(?!(?:will|to|and|or|with|plans?|forms?|sets?|launch\w*|ha[sd]|"
        rf"have|is|are|was)\b)[\w-]+\s+){{0,2}}?(?:joint venture|venture|jv)\b",
        after=(" ",),
        examples=("its whole Horizon Plus EV venture stake",),
        near_misses=(
            "Toyota forms a venture",
            "Cariad will form a joint venture",
            "Ford walks away from EcoPro BM and SK On cathode venture",
        ),
    ),
    rule(
        "venture_named",
        "set sets setting form forms formed forming create creates created creating establish* found founded "
        "founding",
        rf"(?:(?:set|sets|setting) up|form|forms|formed|forming|create|creates|created|creating|establish\w*|"
        rf"found|founded|founding)\s+(?:(?:a|an|the|new|joint|their|its)\s+)*(?:(?:[\w-]+\s+){{0,4}}?"
        rf"(?:company|firm|venture|entity|business|corporation)\s*,?\s+(?:called\s+|named\s+)?\(?)?{SLOT}"
        rf"(?!'s)(?=\s*\)?\s*(?:,|\.|;|$|to\b|that\b|which\b|as\b|in\b|with\b|for\b|\())",
        examples=(
            "ENEOS and Honda agreed to set up Gachaco, a company that will run swap stations",
            "BMW and Daimler formed a new company called Ionity to build chargers",
        ),
        near_misses=("Toyota set up Panasonic's former plant", "the pair will form Honda's biggest venture"),
    ),
    rule(
        "venture_named",
        "launch*",
        rf"launch\w*\s+(?:(?:a|an|the|new|joint)\s+)*(?:(?:[\w-]+\s+){{0,5}}?(?:company|firm|venture|corporation)"
        rf"\s*,?\s+(?:called\s+|named\s+)?\(?{SLOT}|{SLOT}\s*\(\s*{SLOT}\s*\))",
        examples=(
            "PIF and Saudi Electricity launched the Electric Vehicle Infrastructure Company (EVIQ), 75% owned by PIF",
            "Sony and Honda launched a new company called Afeela",
        ),
        near_misses=("Uber launches Lucid robotaxis with Nuro",),
    ),
    rule(
        "venture_named",
        "⟦",
        rf"{SLOT}\s*,\s*(?:a|an|the)\s+(?:[\w-]+\s+){{0,5}}?(?:company|firm|business|venture)\s+(?:that|which)\s+"
        rf"{SLOT}\s+(?:had\s+|has\s+)?(?:set up|formed|founded|created|launched|established)\s+with\s+{SLOT}"
        rf"(?:\s*(?:,|and|&)\s*{SLOT})*",
        after=(",", " ,"),
        examples=("Ionity, the charging company that BMW set up with Daimler and Ford",),
        near_misses=("Lucid, the company that Uber picked for robotaxis",),
    ),
    rule(
        "venture_named",
        "⟦",
        rf"{SLOT}\s+(?:[\w-]+\s+)?(?:stake|holding|shareholding)\b(?!\s+(?:a\s+|an\s+|about\s+)?\d)",
        after=(" ",),
        examples=("Aptiv shrinks its Motional holding",),
        near_misses=(
            "Aptiv's 15% holding",
            "with Suzuki holding 50%, Toshiba 40% and Denso 10%",
            "GM buys out SoftBank's stake in Cruise",  # the owner's stake, not a venture
        ),
    ),
]

# Further parties a deal sentence names by their role in it: "with MN8 Energy as a partner",
# "co-investor ADQ", "EVE Energy will hold 10%".
JOINERS: list[Rule] = [
    rule(
        "joins_as",
        "with",
        rf"with\s+{SLOT}\s+(?:as|acting as)\s+(?:a\s+|an\s+|the\s+|its\s+|their\s+)?(?:[\w-]+\s+){{0,2}}?"
        rf"(?:partner|shareholder|investor|co-investor|backer)s?\b",
        examples=("will build the network with MN8 Energy as a partner",),
        near_misses=("with Tesla as its rival", "with GM as its customer"),
    ),
    rule(
        "joins_as",
        "co coinvestor coinvestors",
        rf"co-?investors?\s+(?:such as\s+|including\s+)?{SLOT}(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+){SLOT})*",
        examples=("TPG and co-investor ADQ will put $1 billion into the unit",),
        near_misses=("a co-investor in the round",),
    ),
    rule(
        "joins_as",
        "⟦",
        rf"{SLOT}\s+(?:will\s+|would\s+|is to\s+|to\s+)?(?:hold|holds|holding|take|takes|taking|own|owns|owning)"
        rf"\s+(?:a\s+|the remaining\s+|the other\s+|about\s+|around\s+)?\d[\d.]*\s?%",
        after=(" ",),
        examples=("China's EVE Energy will hold 10% as technology partner",),
        near_misses=("Tesla holds the top spot with 20% of sales",),
    ),
]

SCANNER = Scanner([r for _, r in CUE_RULES] + ASPECT_RULES + SIGNALS + CONTEXT + VENTURES + JOINERS)
# After a counterparty: more counterparties coordinated with it ("with Polestar and Geely").
AND_SLOT = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+(?:and|&)\s+){SLOT}(?!'s)")

# "SK Innovation's BlueOval SK venture", "Ultium Cells' GM battery plants": the second name
# modifies a noun, so it is the one that only describes. Matched right after that name.
ATTRIBUTIVE = re.compile(
    r"\s*(?:(?!(?:for|to|with|from|in|on|at|and|as)\b)[\w-]+\s+){0,2}?(?:joint venture|venture|jv|plants?|"
    r"factory|factories|facilit(?:y|ies)|sites?|network|platform|programme|program|project|brand|autonomous|"
    r"self-driving|robotaxis?|vehicles|cars|models|chips|batteries|cells)\b",
    re.IGNORECASE,
)
# "Core Lithium's Tesla term sheet": a deal noun after the second name makes both parties.
DEAL_NOUN = re.compile(
    r"\s*(?:(?!(?:for|with|to|from|in|on|as|at|of)\b)[\w-]+\s+){0,2}?(?:deal|contract|order|term sheet|agreement|"
    r"partnership|pact|tie-?up|alliance|"
    r"supply|offtake|talks)\b",
    re.IGNORECASE,
)
LISTING_CONT = re.compile(rf"\s*(?:,|,?\s*and|,?\s*or)\s+(?:[\w-]+\s+){{0,2}}?{SLOT}", re.IGNORECASE)

# Brand names that are also everyday words: trusted only where the text corroborates them.
COMMON_WORDS = frozenset(
    (
        "ample coherent harbinger triumph workhorse cruise grab reliance mini arrival arm smart "
        "bolt aurora proton redwood genesis lion hero blink enterprise alphabet polaris lime bird "
        "via zero volta electra plus tier ideal summit leap origin lightning element seat ram "
        "oracle stellar nova fusion atlas titan vision spark wave pulse volt charge power energy "
        "motion rise tritium sunrise ionic evolve"
    ).split()
)


_SLOT = re.compile(SLOT)


def slots(text: str) -> list[int]:
    """The slot numbers named in a stretch of masked text."""
    return [int(n) for n in _SLOT.findall(text)]
