"""What kind of deal a story reports, read as an analyst reads it: the main aspect decides.

A story often has several aspects: a stake and a joint development, a plant and a joint
venture, a supply contract and an equity swap. Each aspect is a rule below. A *decisive*
aspect says what the deal is on its own ("takes a 20% stake", "to build Fisker's cars");
the others only lean ("software", "plant"). The headline is read first, then the lede
sentence by sentence; the first of them with a decisive aspect decides, and within one
sentence the order of ``PRECEDENCE`` settles it ("build X's cars" is manufacturing even with
a stake; a stake plus co-development is investment; a plant owned together is a joint
venture). Stories with no decisive aspect fall back to who the partners are (a battery
maker and a carmaker: supply; a chip or self-driving firm: technology), then to the
leaning words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.models import Kind

from ._scan import Rule, rule
from ._weights import KIND_LEAN, ROLE_WEIGHT

if TYPE_CHECKING:
    from ._sentence import Sentence

from ._passage import Role


@dataclass(frozen=True, slots=True)
class Aspect:
    """One aspect of a deal: the kind it points to and whether it decides the kind alone."""

    kind: Kind
    decisive: bool
    lean: float = KIND_LEAN.plain
    headline_only: bool = False  # decides only in the headline ("charging", a fleet count)
    directional: bool = False  # one side builds the other's cars: beats even a joint venture


_SLOT = re.compile(r"⟦\d+⟧(?:'s)?")
ASPECTS: dict[str, Aspect] = {}
ASPECT_RULES: list[Rule] = []


def _aspect(name: str, aspect: Aspect, triggers: str, pattern: str, examples: str, misses: str = "") -> None:
    ASPECTS[name] = aspect
    ASPECT_RULES.append(
        rule(
            name,
            triggers,
            pattern,
            examples=tuple(e for e in examples.split(" | ") if e),
            near_misses=tuple(m for m in misses.split(" | ") if m),
        )
    )


_aspect(
    "k:charging",
    Aspect("charging", decisive=True, lean=KIND_LEAN.strong, headline_only=True),
    "charging charger chargers charge supercharger superchargers nacs north battery swap swapping fast high",
    r"(?<!on-board )(?:(?:fast|high-power|high power)[- ])?(?:charg(?:ing|ers?|e points?)|superchargers?)\b"
    r"(?! (?:time|speed|port|standard|cell|batter(?:y|ie)|chemistr(?:y|ie)|capabilit(?:y|ie))s?\b)|nacs\b|"
    r"north american charging standard\b|battery[- ]swap\w*|"
    r"swap(?:ping)? (?:stations?|network)\b",
    "BP and Didi to build charging hubs in China | Nio and CATL extend battery-swap network",
    "an e-motor, inverter and on-board charger venture | cells with a faster charging time | "
    "VinFast eyes extreme fast-charging cells",
)
_aspect(
    "k:jv",
    Aspect("joint_venture", decisive=True, lean=KIND_LEAN.heavy),
    "joint jv jvs equally evenly equal 50 jointly co coowned coown coowns",
    r"joint[- ]?ventures?\b|jvs?\b|equally owned\b|50[:/-]50\b|jointly (?:owned|controlled|run)\b|"
    r"joint (?:company|companies|plant|factory|battery plant)\b|co-owned\b|co-owns?\b|"
    r"(?:evenly|equally) split (?:company|firm|business|venture)\b|equal stakes\b",
    "Honda and LG form a joint venture | a 50:50 company in China | a joint company for EVs | "
    "set up Electrum, an evenly split company",
    "a joint statement on trade",
)
_aspect(
    "k:jv-hedged",
    Aspect("joint_venture", decisive=False, lean=0.0),
    "may might could possibility possibly option",
    r"(?:may|might|could|possibility of|possibly|option to) (?:later )?(?:\w+ ){0,3}?"
    r"(?:form|set up|create|establish)\w* (?:a |an )?(?:[\w-]+ ){0,2}?joint[- ]?ventures?\b",
    "with the possibility of forming joint ventures later | may form a chip joint venture",
    "will form a joint venture",
)
_aspect(
    "k:venture",
    Aspect("joint_venture", decisive=True, lean=KIND_LEAN.plain),
    "venture set sets setting form forms formed forming build builds building create creates created creating "
    "establish establishes established establishing",
    r"(?<!joint )(?<!joint-)venture\b(?! capital)|"
    r"(?:set(?:s|ting)? up|form(?:s|ed|ing)?|creat(?:e|es|ed|ing)|establish(?:es|ed|ing)?) "
    r"(?:an? |the )?(?:new |joint )?"
    r"(?:[\w-]+ ){0,3}?(?:company|firm)\b|"
    r"(?:build|builds|building|run|runs|operate|operates) (?:\w+ ){1,4}?together\b",
    "the electric-car venture it started with BYD | to set up a new company | to build vans together | "
    "Nidec and PSA set up traction motor company",
    "venture capital firm | a company spokesman",
)
_aspect(
    "k:plant together",
    Aspect("joint_venture", decisive=True, lean=KIND_LEAN.plain),
    "⟦",
    r"⟦\d+⟧(?:\s*(?:,|,?\s*and|&)\s+⟦\d+⟧)+\s+(?:(?:to|will|plan to|agree to)\s+)?(?:build|builds|plan|plans|"
    r"set up|sets up|develop|develops|pick \S+ for|picks \S+ for|sign (?:deals?|agreements?|pacts?) for|"
    r"signs (?:deals?|agreements?|pacts?) for)\s+(?:(?!(?:to|at|in|of|on|from|with)\b)[\w$.,-]+\s+){0,6}?"
    r"(?:plants?|factory|gigafactory|"
    r"refinery|smelter)\b",
    "Ford, SK On and EcoPro BM plan a Quebec cathode plant | VinFast and Gotion to build an LFP cell plant | "
    "GM, Samsung SDI sign deals for an Indiana cell plant",
    "Ford plans a Quebec cathode plant with SK On | Ford and SK On plan to cut costs at the plant",
)
_aspect(
    "k:joint plant",
    Aspect("joint_venture", decisive=True, lean=KIND_LEAN.plain),
    "partner partners partnering consortium",
    r"partner(?:s|ing)? (?:in|for|on) (?:a |an |the |its |their )?(?:[\w$.-]+ ){0,5}?(?:plants?|factory|factories|"
    r"refinery|complex|smelter|project)\b|consortium\b",
    "to become its partner in a planned battery cell plant | a consortium led by CATL",
    "partners on software",
)
_aspect(
    "k:asset stake",
    Aspect("joint_venture", decisive=True, lean=KIND_LEAN.plain),
    "stake stakes share shares interest interests 0* 1* 2* 3* 4* 5* 6* 7* 8* 9*",
    r"(?:\d[\d.]*\s?%|stakes?|share|interests?)\s+(?:[\w-]+\s+){0,2}?(?:in|of)\s+(?:(?:⟦\d+⟧'s|the|its|their|a|"
    r"two|three)\s+)?(?:[\w-]+\s+){0,4}?(?:projects?|plants?|mines?|factory|factories|refinery|site|assets?)\b",
    "Equinor buys 45% of Standard Lithium's Arkansas brine projects | sells its share of the Lansing cell plant",
    "takes a 20% stake in Leapmotor | a 10% share of the market",
)
_aspect(
    "k:contract mfg",
    Aspect("manufacturing", decisive=True, lean=KIND_LEAN.heavy),
    "contract manufacturing production built assembled under ckd skd completely semi knocked local assembly",
    r"contract[- ](?:manufactur\w*|builder|assembl\w*)|manufacturing (?:services|partner)\b|"
    r"(?:ckd|skd|(?:completely|semi)[- ]knocked[- ]down|local) assembly\b|"
    r"assembly (?:partner|deal|agreement|contract)s?\b|"
    r"production (?:deal|tie-up|partner|base)\b|built by\b|(?:assembled|built|made) under contract\b|"
    r"under contract\b|contract production\b",
    "will be assembled under contract by Magna | picks BYD as manufacturing partner | a contract manufacturer | "
    "a CKD assembly deal in Indonesia | signs an assembly agreement | the contract production planned from 2027",
    "the production of batteries rose",
)
_aspect(
    "k:built",
    Aspect("manufacturing", decisive=True, lean=KIND_LEAN.heavy, directional=True),
    "built",
    r"(?<=⟧-)built\b",
    "Freelander returns as Chery-built EVs",
    "the Mississippi-built EVs in Canton",
)
_aspect(
    "k:make cars",
    Aspect("manufacturing", decisive=False, lean=KIND_LEAN.strong),
    "build builds building make makes making produce produces producing assemble assembles assembling "
    "manufacture manufactures",
    r"(?:build|builds|building|make|makes|making|produce|produces|producing|assemble|assembles|assembling|"
    r"manufacture|manufactures)(?:\s+[^\s;.]++){0,6}?\s+(?:cars?|vehicles?|evs?|models?|vans?|trucks?|"
    r"buses|scooters?|chassis|suvs?)\b",
    "to make electric cars | will assemble the vans",
    "to make battery cells",
)
_aspect(
    "k:makes for",
    Aspect("manufacturing", decisive=False, lean=KIND_LEAN.heavy),
    "handle handles handling take in responsible run runs running operate operates",
    r"(?:handle|handles|handling|take charge of|in charge of|responsible for|run|runs|running|operate|operates)\s+"
    r"(?:the\s+|its\s+|an?\s+)?(?:[\w-]+\s+){0,2}?(?:manufacturing|production|assembly)\b",
    "with TVS expected to handle manufacturing | Waymo taps Magna to run a robotaxi assembly plant",
    "the plant runs at full capacity",
)
_aspect(
    "k:plant",
    Aspect("supply", decisive=False, lean=KIND_LEAN.light),  # a plant for cells or materials feeds a buyer
    "plant plants factory factories refinery refineries smelter smelters complex",
    r"(?:plants?|factory|factories|refiner(?:y|ies)|smelters?|complex)\b",
    "a new battery plant",
)
_aspect(
    "k:stake",
    Aspect("investment", decisive=True, lean=KIND_LEAN.plain),
    "stake stakes shareholder shareholders equity funding capital convertible share shares warrants round",
    r"stakes?\b|shareholders?\b|equity (?:stake|investment|deal)\b|"
    r"funding round\b|capital injection\b|convertible\b|shares? (?:purchase|subscription|issue|placement)\b|"
    r"round (?:in|of)\b",
    "becomes its biggest shareholder | a 3.7 billion yuan share purchase | leads a round in Wallbox",
    "shares rose 5% | a share of the market",
)
_aspect(
    "k:invest",
    Aspect("investment", decisive=False, lean=KIND_LEAN.plain),
    "invest invests invested investing investment investments investor investors",
    r"invest(?:s|ed|ing|ment|ments|or|ors)?\b",
    "will invest $300 million",
)
_aspect(
    "k:supply",
    Aspect("supply", decisive=True, lean=KIND_LEAN.plain),
    "supply supplier suppliers order orders ordered ordering offtake cell cells battery batteries",
    r"supply (?:deals?|agreements?|contracts?|pacts?|orders?|partnerships?|tie-?ups?)\b|suppliers?\b|"
    r"orders?\b(?! (?:to|of business)\b)|ordered\b|ordering\b|offtake\b|"
    r"(?:cell|battery) (?:partners?|suppliers?|contracts?)\b|(?:cells|batteries) from\b",
    "signs a supply deal | an offtake agreement | picks CATL and EVE as cell partners",
    "in order to cut costs | with Toyota supplying the platform",
)
_aspect(
    "k:contract from",
    Aspect("supply", decisive=True, lean=KIND_LEAN.plain),
    "contract contracts order orders",
    r"(?:contracts?|orders?)\s+from\s+⟦\d+⟧(?!'s)",
    "Infineon secures a multi-year power semiconductor contract from Hyundai",
    "a contract from the government | Ineos pulls its EV contract from Magna's Graz plant",
)
_aspect(
    "k:supplying",
    Aspect("supply", decisive=False, lean=KIND_LEAN.plain),
    "suppl*",
    r"suppl(?:y|ies|ied|ying)\b",
    "will supply cylindrical cells",
)
_aspect(
    "k:fleet",
    Aspect("supply", decisive=True, lean=KIND_LEAN.plain, headline_only=True),
    "0* 1* 2* 3* 4* 5* 6* 7* 8* 9*",
    r"(?:\d[\d,.]*\d(?:\s?(?:k|000))?|\d\s?(?:k|000))\+?\s+(?:new\s+)?(?:[\w⟦⟧-]+\s+){0,3}?"
    r"(?:vehicles|cars|evs|robotaxis|vans|trucks|"
    r"buses|suvs|sedans|scooters|semis|e-buses|units)\b(?! (?:a|per|each) year| annually)",
    "to put 100,000 EVs on the platform | ordering 20,000 Gravity robotaxis | Uber orders 500 robotaxis",
    "a plant for 50,000 vehicles a year, it said | Waymo puts its driver in Hyundai Ioniq 5 robotaxis",
)
_aspect(
    "k:buys",
    Aspect("supply", decisive=False, lean=KIND_LEAN.plain),
    "purchas* to buy buys procure* recycl* deliver* sourc*",
    r"(?<!share )purchas\w*|to buy\b|buys?\b|procure\w*|recycl\w*|deliver\w*|sourc\w*",
    "agreed to buy nickel | sourcing cells",
    "a share purchase",
)
_aspect(
    "k:distribution",
    Aspect("other", decisive=True, lean=KIND_LEAN.plain),
    "distribut* dealer* import importer importers imports sales",
    r"distribut(?:or|ors|ion)\b|dealers?(?:hips?)?\b|import(?:er)?s? and sells?\b|import and distribute\b|"
    r"sales partners?\b",
    "names Rever as its distributor | chose dealer group Hedin to import and sell its cars",
    "the sales rose",
)
_aspect(
    "k:co-develop",
    Aspect("technology", decisive=True, lean=KIND_LEAN.plain),
    "co codevelop* jointly joint licen* codesign* research technology engineer* work works working",
    r"co-?develop\w*|jointly (?:develop|research|design|engineer|work)\w*|joint (?:development|research)\b|"
    r"work(?:s|ing)? jointly\b|"
    r"licen[cs]\w*|co-?design\w*|technology (?:partner|partnership|deal|agreement|licen[cs]e)\b|"
    r"engineer(?:s|ed|ing)? (?:\w+ ){0,3}?(?:cars|vehicles|evs|models|suvs|platforms?)\b|"
    r"engineering (?:contract|services|deal|work)\b",
    "agreed to co-develop electric drive units | to jointly research a platform | a technology licence | "
    "its biggest engineering contract",
    "a jointly owned plant",
)
_aspect(
    "k:platform use",
    Aspect("technology", decisive=True, lean=KIND_LEAN.plain),
    "⟦ use uses using adopt adopts adopting licence licenses license licensing build builds building based",
    r"⟦\d+⟧-based\b|based on ⟦\d+⟧(?:'s)?\s|"
    r"(?:use|uses|using|adopts?|adopting|licen[cs]e[sd]?|licensing)\s+⟦\d+⟧(?:'s)?\s+(?:[\w-]+\s+){0,3}?"
    r"(?:platform|architecture|skateboard|underpinnings)s?\b|"
    r"(?:build|builds|building)\s+(?:[\w-]+\s+){1,4}?on\s+⟦\d+⟧'s\s",
    "Ford to build a VW-based EV | will use Volkswagen's MEB electric architecture | "
    "to build a European EV on Volkswagen's MEB",
    "Ford will use Volkswagen's cells | a Detroit-based start-up",
)
_aspect(
    "k:tech",
    Aspect("technology", decisive=False, lean=KIND_LEAN.plain),
    "technolog* platform software autonomous self robotaxi robotaxis driver adas research r architecture "
    "chip chips powertrain powertrains drive",
    r"technolog\w*|platform\b|software\b|autonomous\b|self-driving\b|robotaxis?\b|driver[- ]assist\w*|"
    r"adas\b|research\b|r&d\b|architecture\b|chips?\b|powertrains?\b|drive units?\b",
    "a new EV platform | self-driving software",
)

_aspect(
    "k:autonomy",
    Aspect("technology", decisive=False, lean=0.0),
    "robotaxi robotaxis robo autonomous self driverless",
    r"robo-?taxis?\b|autonomous\b|self-driving\b|driverless\b",
    "Pony AI robotaxis head to Uber's app | driverless rides",
)
_aspect(
    "k:assembly",
    Aspect("manufacturing", decisive=False, lean=KIND_LEAN.plain),
    "assembly assemble assembles assembled assembling",
    r"assembl(?:y|e|es|ed|ing)\b",
    "runs the robotaxi assembly plant",
)

_VEHICLE_MAKERS = frozenset(["automaker", "ev_maker", "commercial_vehicle", "two_wheeler"])
# Within one sentence, the first kind here that a decisive aspect names wins.
PRECEDENCE: tuple[Kind, ...] = (
    "charging",
    "joint_venture",
    "manufacturing",
    "investment",
    "supply",
    "other",
    "technology",
)
# What a deal between a company of this sector and another usually is, when nothing else says.
SECTOR_KIND: dict[str, Kind] = {
    "battery": "supply",
    "battery_materials": "supply",
    "charging": "charging",
    "autonomy": "technology",
    "semiconductor": "technology",
}


# Cues that name a counterparty and decide the kind as a decisive aspect would; the first
# group means one side builds the other's cars, which in a headline beats even a joint venture.
_DIRECTIONAL_CUES = frozenset(["builds cars of", "built by"])
_DECISIVE_CUES: dict[str, Kind] = {
    **dict.fromkeys(["builds cars of", "built by", "builds for", "at plant of"], "manufacturing"),
    **dict.fromkeys(["invests in", "stake in", "share of", "shares to", "raises from"], "investment"),
    **dict.fromkeys(["supplies", "supplies direct", "order from", "order of", "output of"], "supply"),
}


def decisive_kinds(sent: Sentence) -> list[Kind]:
    """The kinds this sentence's decisive aspects and counterparty cues name, strongest first."""
    headline = sent.role is Role.TITLE
    aspects = [ASPECTS[n] for n in sent.hits if n in ASPECTS]
    found = {a.kind for a in aspects if a.decisive and (headline or not a.headline_only)}
    if "k:jv-hedged" in sent.hits and not _unhedged_jv(sent):
        found.discard("joint_venture")
    found |= {
        _DECISIVE_CUES[link.cue.name] for link in sent.links if link.cue.name in _DECISIVE_CUES and link.target
    }
    directional = any(a.directional for a in aspects) or any(
        link.cue.name in _DIRECTIONAL_CUES and link.target for link in sent.links
    )
    ranked = [k for k in PRECEDENCE if k in found]
    if {"investment", "supply"} <= found and _first_told(sent, _ORDERS) < _first_told(sent, _STAKES):
        ranked.remove("supply")  # "buys 10,000 vans, takes a minority stake": the order told first is the deal
        ranked.insert(ranked.index("investment"), "supply")
    return ["manufacturing", *ranked] if directional and headline else ranked


_ORDERS = ("k:fleet", "order from", "order of")
_STAKES = ("k:stake", "invests in", "stake in", "share of", "shares to", "raises from")


def _first_told(sent: Sentence, names: Sequence[str]) -> int:
    """Where the sentence first says one of these things."""
    return min((m.start() for n in names for m in sent.hits.get(n, ())), default=1 << 30)


def _unhedged_jv(sent: Sentence) -> bool:
    hedged = {m.start() for m in sent.hits.get("k:jv-hedged", ())}
    return any(not any(h < m.start() < h + 80 for h in hedged) for m in sent.hits.get("k:jv", ()))


def decide(sents: Sequence[Sentence], *, ended: bool, sectors: Sequence[str]) -> Kind:
    """The kind of the deal the headline and lede report; see the module docstring."""
    return decide_with_cue(sents, ended=ended, sectors=sectors)[0]


def decide_with_cue(
    sents: Sequence[Sentence], *, ended: bool, sectors: Sequence[str], described_venture: bool = False
) -> tuple[Kind, bool, str]:
    """The kind, whether a decisive phrase said so (False: partner sectors or leaning words did), and why.

    ``described_venture``: a partner is a venture the story describes as such, without its owners among
    the partners ("Uber signs with Motional, the venture of Hyundai and Aptiv"): the venture words describe
    that partner, not the deal.
    """
    if ended and any(_names_venture(s) for s in sents):
        return "joint_venture", True, "an exit from a venture"  # however it is told
    kind, decisive, why = _main(sents, sectors, frozenset(["joint_venture"] if described_venture else []))
    autonomy = any(s.has("k:autonomy") for s in sents)
    if kind == "supply" and autonomy and not any(s in _VEHICLE_MAKERS for s in sectors):
        # robotaxis on a ride-hailing app: the self-driving technology is the deal
        return "technology", decisive, "self-driving vehicles for a firm that does not make them"
    building = any(s.has("k:make cars") or s.has("k:assembly") for s in sents)
    if kind in ("other", "supply", "technology") and "contract_manufacturer" in sectors and building:
        return "manufacturing", decisive, "a contract manufacturer builds for the other side"
    return kind, decisive, why


def _main(sents: Sequence[Sentence], sectors: Sequence[str], skip: frozenset[Kind]) -> tuple[Kind, bool, str]:
    # A lede sentence told as background ("Ford had earlier invested in Redwood") decides last.
    told = [s for s in sents if s.role is Role.TITLE or not s.has("background")]
    decided = _decisive(told, skip)
    if decided is not None:
        return decided
    by_sector = next(((s, SECTOR_KIND[s]) for s in sectors if s in SECTOR_KIND), None)
    if by_sector is not None:  # no decisive words: who the partner is says what the deal is
        return by_sector[1], False, f"a {by_sector[0].replace('_', ' ')} company among the partners"
    decided = _decisive([s for s in sents if s not in told], skip)
    if decided is not None:
        return decided
    leaning: dict[Kind, float] = {}
    for sent in sents:
        for name in sent.hits:
            aspect = ASPECTS.get(name)
            if aspect is not None:
                leaning[aspect.kind] = leaning.get(aspect.kind, 0.0) + aspect.lean * ROLE_WEIGHT[sent.role]
    if leaning and max(leaning.values()) > 0:
        return max(PRECEDENCE, key=lambda k: leaning.get(k, 0.0)), False, "words that lean to it"
    return "other", False, "no words name a kind"


def _decisive(sents: Sequence[Sentence], skip: frozenset[Kind]) -> tuple[Kind, bool, str] | None:
    """The kind the first sentence with a decisive aspect names, if any."""
    for sent in sents:
        kinds = [k for k in decisive_kinds(sent) if k not in skip]
        if kinds:
            words = _cause(sent, kinds[0])
            return kinds[0], True, f'"{words}" in the {sent.role.value}' if words else f"the {sent.role.value}"
    return None


def _cause(sent: Sentence, kind: Kind) -> str:
    """The words of the sentence that name this kind ("takes a 20% stake"), companies shown as "…"."""
    matches = [
        m for n, ms in sent.hits.items() if (a := ASPECTS.get(n)) and a.kind == kind and a.decisive for m in ms
    ]
    link = next((k for k in sent.links if _DECISIVE_CUES.get(k.cue.name) == kind), None)
    if matches:
        words = min(matches, key=lambda m: m.start()).group()
    elif link is not None:
        words = link.text if len(link.text) <= 60 else link.cue.name  # a headline form's text is the headline
    else:
        return ""
    return shown(words)


def shown(words: str) -> str:
    """Matched words as a reader sees them: company slots shown as "…"."""
    return _SLOT.sub("…", words).strip()


def _names_venture(sent: Sentence) -> bool:
    return any(name in sent.hits for name in ("k:jv", "k:venture")) and "k:jv-hedged" not in sent.hits
