"""The words that signal a partnership, its kind and stage, EVs, and the usual false alarms.

Rules run on a story whose company names were replaced by numbered slots (``⟦0⟧``,
``⟦1⟧``…), so a cue can name the company it binds to: "invests in ⟦1⟧", "to build
⟦0⟧'s cars". Each rule lists the words it starts at (see ``_scan``); several rules may
share a name, and a name's hits are what the handler reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import Kind

from ._scan import Rule, Scanner, rule

SLOT = r"⟦(\d+)⟧"
_S = SLOT
# Gaps are counted in words so the regex engine steps word by word, not character by character.
_GAP = r"(?:\s+[^\s⟦;]++){0,8}?\s+"  # up to eight words, not crossing a company or a clause
_SHORT = (
    r"(?:[^\s⟦;]++\s+){0,6}?(?:⟦\d+⟧'s\s+(?:[^\s⟦;]++\s+){0,3}?)?"  # words (or an owner's name) before a company
)
_QTY = r"(?:\d[\d,.]*|a fifth|a third|a quarter|half|one-third|one-fifth)"


@dataclass(frozen=True, slots=True)
class Cue:
    """A deal rule: how much it proves and the kind it hints at."""

    name: str
    strength: float
    kind: str = ""
    bound: bool = False  # the rule's slot group names the counterparty
    mutual: bool = False  # the parties act together ("X and Y plan"), none is the other's counterparty


_CUES: list[tuple[Cue, Rule]] = []


def _cue(
    name: str,
    strength: float,
    kind: str,
    bound: bool,
    triggers: str,
    pattern: str,
    *,
    near: int = 0,
    after: tuple[str, ...] = (),
) -> None:
    cue = Cue(name, strength, kind, bound, mutual=name == "co-subjects")
    _CUES.append((cue, rule(name, triggers, pattern, near=near, after=after)))


# Cues that name their counterparty: the company in the slot is the partner.
_cue(
    "invests in",
    1.0,
    "investment",
    True,
    "invest* put puts putting pour* inject* commit*",
    rf"(?:invest\w*|puts?|putting|pour\w*|inject\w*|commit\w*){_GAP}(?:in|into)\s+{_SHORT}{_S}",
)
_cue(
    "stake in",
    1.0,
    "investment",
    True,
    "stake stakes holding shareholding shareholder investor equity interest shares round funding financing",
    rf"(?:stakes?|holding|shareholding|shareholder|investor|equity|interest|shares|round|funding|financing)"
    rf"\s+(?:in|of|for)\s+{_SHORT}{_S}",
)
_cue(
    "share of",
    1.0,
    "investment",
    True,
    "take takes took taking buy buys bought buying acquire* own owns",
    rf"(?:take|takes|took|taking|buy|buys|bought|buying|acquire\w*|own|owns)\s+(?:up to |about |around |"
    rf"nearly |roughly |more than |a |an )*(?:{_QTY}\s*%|{_QTY}|half|majority|minority|control)\s+"
    rf"(?:stake\s+)?(?:of|in)\s+{_SHORT}{_S}",
)
_cue(
    "backs",
    0.6,
    "investment",
    True,
    "backs backed backing funds funded",
    rf"(?:backs|backed|backing|funds|funded)\s+{_SHORT}{_S}",
)
_cue("shares to", 0.9, "investment", True, "shares", rf"shares{_GAP}to\s+{_SHORT}{_S}")
_cue(
    "supplies",
    0.9,
    "supply",
    True,
    "suppl* ship ships shipping provid* feed feeds sell sells sold",
    rf"(?:suppl(?:y|ies|ied|ying)|ship|ships|shipping|provid\w*|feed|feeds|sell|sells|sold)"
    rf"{_GAP}(?:to|for)\s+{_SHORT}{_S}",
)
_cue("delivers", 0.5, "supply", True, "deliver*", rf"deliver\w*{_GAP}(?:to|for)\s+{_SHORT}{_S}")
_cue(
    "customer",
    0.9,
    "supply",
    True,
    "first launch anchor biggest largest key customer customers",
    rf"(?:(?:first|launch|anchor|biggest|largest|key)\s+)?customers?\s+(?:for|of)\s+(?:its\s+)?{_SHORT}{_S}",
)
_cue(
    "fleet takes",
    0.9,
    "supply",
    True,
    "pilot* trial* test* deploy* add adds adding roll* lease* rent* reserv* preorder* pre",
    rf"(?:pilot\w*|trial\w*|test\w*|deploy\w*|adds?|adding|roll\w* out|lease\w*|rent\w*|reserv\w*|"
    rf"pre-?order\w*)\s+(?:up to |about |more than |\d[\d,.]* )?{_SHORT}{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?:vans|trucks|cars|vehicles|evs|buses|robotaxis|scooters|semis?)\b",
)
_cue(
    "supplies direct",
    0.9,
    "supply",
    True,
    "suppl* ship ships feed feeds sell sells sold",
    rf"(?:suppl(?:y|ies|ied|ying)|ship|ships|feed|feeds|sell|sells|sold)\s+(?:the\s+)?{_S}",
)
_cue(
    "order from",
    1.0,
    "supply",
    True,
    "order* buy buys bought purchas* procur* source* sourcing recycl* collect* reserv* pre",
    rf"(?:orders?|ordered|ordering|buy|buys|bought|purchas\w*|procur\w*|source\w*|sourcing|recycl\w*|"
    rf"collect\w*|reserv\w*|pre-?order\w*){_GAP}from\s+{_SHORT}{_S}",
)
_cue(
    "raises from",
    0.9,
    "investment",
    True,
    "rais* secur* receiv* land* get gets got",
    rf"(?:rais\w+|secur\w+|receiv\w+|land\w*|get|gets|got){_GAP}(?:from|led by)\s+(?:new\s+|"
    rf"existing\s+)?(?:investors?\s+|backer\s+)?{_SHORT}{_S}",
)
_cue(
    "order of",
    1.0,
    "supply",
    True,
    "order* buy buys bought purchas*",
    rf"(?:orders?|ordered|buy|buys|bought|purchas\w*)\s+(?:up to |about |around |more than |at least |"
    rf"some |another )?{_QTY}\s+{_SHORT}{_S}",
)
_cue(
    "output of",
    1.0,
    "supply",
    True,
    "take takes buy buys secure* lock*",
    rf"(?:take|takes|buy|buys|secure\w*|lock\w* in){_GAP}{_S}(?:'s)?\s+{_SHORT}"
    rf"(?:output|production|supply|capacity|chips|cells|batteries)\b",
)
_cue(
    "secures",
    0.7,
    "supply",
    True,
    "secur* lock* win wins won land* bag* clinch*",
    rf"(?:secures?|secured|locks? in|wins?|won|lands?|landed|bags?|bagged|clinch\w*)\s+{_SHORT}{_S}",
)
_cue(
    "order with",
    1.0,
    "",
    True,
    "order contract deal agreement pact partnership alliance venture tie tieup mou cooperation collaboration "
    "project programme consortium",
    rf"(?:order|contract|deal|agreement|pact|partnership|alliance|venture|tie-?up|mou|cooperation|"
    rf"collaboration|project|programme|consortium)\s+(?:with|from)\s+{_SHORT}{_S}",
)
_cue(
    "builds for",
    0.9,
    "manufacturing",
    True,
    "build builds building built make makes making made produc* assembl* manufactur*",
    rf"(?:build|builds|building|built|make|makes|making|made|produce\w*|assembl\w*|manufactur\w*)"
    rf"(?:\s+[^\s⟦;,]++){{0,8}}?\s+for\s+{_S}",
)
_cue(
    "builds cars of",
    1.0,
    "manufacturing",
    True,
    "build builds building make makes making produce produces producing assembl* manufactur*",
    rf"(?:build|builds|building|make|makes|making|produce|produces|producing|assembl\w*|manufactur\w*)"
    rf"\s+{_S}(?:'s)?\s+(?:\w+[\s-]){{0,3}}?(?:cars|vehicles|evs|models|vans|trucks|buses|scooters)\b",
)
_cue(
    "at plant of",
    1.0,
    "manufacturing",
    True,
    "at in using use uses into",
    rf"(?:at|in|using|use|uses|into)\s+(?:one of\s+)?{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:plants?|factory|factories|facility|facilities|site|assembly line)\b",
    near=16,
)
_cue(
    "built by",
    0.6,
    "manufacturing",
    True,
    "built made assembled produced manufactured ⟦",
    rf"(?:built|made|assembled|produced|manufactured)\s+by\s+{_S}|{_S}-(?:built|made)\b",
    after=("-",),
)
_cue(
    "uses tech of",
    1.0,
    "technology",
    True,
    "use uses using adopt* integrat* deploy* offer* put puts bring* licens* licenc* switch* tap* pick* "
    "select* choos* chose",
    rf"(?:use|uses|using|adopt\w*|integrat\w*|deploy\w*|offer\w*|put|puts|bring\w*|licens\w*|licenc\w*|"
    rf"switch\w* to|tap\w*|pick\w*|select\w*|choos\w*|chose)\s+{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,4}}?"
    rf"(?:platform|technology|tech|chips?|software|systems?|architecture|robotaxis?|vehicles|plug|connector|"
    rf"standard|network|batteries|cells|app|chassis|drive|solution|services)\b",
)
_cue(
    "on app of",
    0.8,
    "technology",
    True,
    "on onto to into",
    rf"(?:on|onto|to|into)\s+{_S}(?:'s)?\s+(?:\w+\s+){{0,2}}?(?:app|platform|network|ride-hailing)\b",
    near=8,
)
_cue(
    "picks as",
    0.9,
    "supply",
    True,
    "pick* select* choos* chose tap* name* appoint*",
    rf"(?:picks?|picked|selects?|selected|chooses?|chose|taps?|tapped|names?|named|appoints?)\s+{_S}\s+"
    rf"(?:as|for|to)\b",
)
_cue(
    "access to",
    1.0,
    "charging",
    True,
    "access",
    rf"access to\s+{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?(?:superchargers?|chargers|charging|network|stations)",
)
_cue(
    "with partner",
    0.8,
    "",
    True,
    "with and",
    rf"(?:with|and)\s+(?:its\s+|their\s+)?(?:[\w-]+\s+)?(?:partner|ally)\s+{_S}",
    near=40,
)
_cue(
    "joint with",
    0.9,
    "technology",
    True,
    "jointly together with",
    rf"(?:jointly|together){_GAP}with\s+{_S}|with\s+{_S}{_GAP}(?:jointly|together)\b",
)
_cue(
    "work with",
    1.0,
    "",
    True,
    "work* cooperat* collaborat* partner* team* join* ally allies agree agrees agreed sign* tie*",
    rf"(?:work|works|working|worked|cooperat\w*|collaborat\w*|partner\w*|team\w* up|join\w* forces|ally|"
    rf"allies|agree|agrees|agreed|sign\w*|tie\w* up)\s+(?:\w+\s+){{0,3}}?with\s+{_SHORT}{_S}",
)
_cue(
    "did with",
    0.7,
    "",
    True,
    "launch* develop* build builds built building design* produc* creat* set sets form* establish* "
    "found* open* run runs pilot* test* explor* stud* discuss* talk talks negotiat*",
    rf"(?:launch\w*|develop\w*|build|builds|built|building|design\w*|produc\w*|creat\w*|set up|sets up|"
    rf"form\w*|establish\w*|found\w*|open\w*|run|runs|pilot\w*|test\w*|explor\w*|stud\w*|discuss\w*|"
    rf"talks?|negotiat\w*){_GAP}with\s+{_SHORT}{_S}",
)
_cue(
    "co-subjects",
    0.85,
    "",
    True,
    "⟦",
    rf"{_S}(?:'s)?(?:\s*,\s*(?:[\w-]+'s\s+)?{_S})*,?\s+(?:and|&)\s+(?:[\w-]+'s\s+)?(?:[\w-]+\s+){{0,2}}?"
    rf"{_S}(?:'s)?\s+(?:\w+\s+)?(?:plan|plans|launch|launches|open|opens|build|builds|develop|develops|form|"
    rf"forms|create|creates|set up|sets up|start|starts|unveil|unveils|agree|agrees|sign|signs|to|will|"
    rf"team|teams|join|joins|partner|partners|expand|expands|extend|extends|deepen|deepens|widen|widens|"
    rf"explore|explores|study|studies|invest|invests|establish|establishes|break|breaks|strike|strikes|ink|"
    rf"inks|seal|seals|unite|unites|combine|combines|co-develop|jointly|reveal|reveals|unveil|show|shows|"
    rf"debut|debuts|present|presents|introduce|introduces|roll out|rolls out|begin|begins|announce|"
    rf"announces)\b",
    after=(",", " and", " &", "'s", "’s", " ,"),
)
_cue(
    "signs on",
    0.9,
    "",
    True,
    "sign signs signed signing pay pays paid paying",
    rf"(?:sign|signs|signed|signing)\s+(?:up\s+)?{_S}\s+(?:on|up|as)\b|(?:pay|pays|paid|paying)\s+{_S}\s+(?:to|for)\b",
)
_cue(
    "courts",
    0.8,
    "",
    True,
    "courting courted courts approached approaching sound* woo* pitches pitched pitching",
    rf"(?:courting|courted|courts|approached|approaching|sound\w* out|woo\w*|pitch(?:es|ed|ing))\s+{_SHORT}{_S}",
)

# Cues that prove a deal when two companies share the sentence.
_cue("partnership", 0.9, "", False, "partner*", r"partner(?:s|ship|ships|ed|ing)?\b")
_cue(
    "joint venture",
    1.0,
    "joint_venture",
    False,
    "joint jv jvs venture equally 50",
    r"joint[- ]?ventures?\b|jvs?\b|venture\b|equally owned\b|50[:/-]50\b",
)
_cue(
    "tie-up",
    0.9,
    "",
    False,
    "tie tieup tieups alliance alliances team teams teamed teaming join joins joined joining pact pacts",
    r"tie-?ups?\b|alliances?\b|team(?:s|ed|ing)? up\b|join(?:s|ed|ing)? forces\b|pacts?\b",
)
_cue(
    "memorandum",
    1.0,
    "",
    False,
    "memorandum memoranda mou mous letter letters loi framework term binding basic",
    r"memorand(?:um|a) of understanding\b|mous?\b|letters? of intent\b|loi\b|framework agreement\b|"
    r"term sheet\b|binding agreement\b|basic agreement\b",
)
_cue(
    "co-develop",
    0.8,
    "technology",
    False,
    "co codevelop* codesign* coinvest* cooperat* collaborat* jointly joint cobranded",
    r"co-?develop\w*|jointly\b|joint (?!statement)\w+|co-?branded\b|co-?operat\w*|collaborat\w*|"
    r"co-?design\w*|co-?invest\w*",
)
_cue(
    "deal",
    1.0,
    "",
    False,
    "sign signs signed signing ink inks inked strike strikes struck seal seals sealed "
    "agree agrees agreed finali* reach* clinch*",
    r"(?:sign|signs|signed|signing|ink|inks|inked|strike|strikes|struck|seal|seals|sealed|agree|agrees|"
    r"agreed|finali[sz]\w*|reach\w*|clinch\w*)(?:\s+[^\s⟦;.]++){0,6}?\s+(?:deal|agreement|agreements|"
    r"contract|pact|accord|partnership|mou|memorandum)\b",
)
_cue(
    "agree to",
    0.9,
    "",
    False,
    "agree agrees agreed",
    r"agree[sd]?\s+to\s+(?:jointly\s+)?(?:supply|build|develop|form|set up|create|invest|cooperate|"
    r"collaborate|work|buy|deliver|use|produce|make|license|provide|install|deploy|recycle|source|explore|"
    r"study|combine|share|sell)\b",
)
_cue("deal word", 0.5, "", False, "deal agreement contract accord", r"(?:deal|agreement|contract|accord)\b")
_cue("licence", 0.8, "technology", False, "licen*", r"licen[cs]\w*")
_cue("supply deal", 0.6, "supply", False, "suppl* offtake", r"suppl(?:y|ier|iers|ies)\b|offtake\b")
_cue(
    "stake",
    0.8,
    "investment",
    False,
    "stake stakes strategic capital funding convertible",
    r"stakes?\b|strategic (?:investor|investment|shareholder)\b|capital injection\b|funding round\b|"
    r"convertible (?:note|bond)s?\b",
)

CUES: dict[str, Cue] = {cue.name: cue for cue, _ in _CUES}

# Kind words with weights: the heaviest family in the headline and deal sentence wins.
KIND_WEIGHTS: dict[str, tuple[Kind, float]] = {}
_KINDS: list[Rule] = []


def _kind(name: str, kind: Kind, weight: float, triggers: str, pattern: str) -> None:
    KIND_WEIGHTS[name] = (kind, weight)
    _KINDS.append(rule(name, triggers, pattern))


_kind(
    "k:charging",
    "charging",
    1.5,
    "charging charger chargers charge supercharger superchargers nacs north battery swap swapping",
    r"charg(?:ing|ers?|e points?)\b|superchargers?\b|nacs\b|north american charging standard\b|"
    r"battery[- ]swap\w*|swap(?:ping)? stations?\b",
)
_kind(
    "k:jv",
    "joint_venture",
    2.0,
    "joint jv jvs equally 50 jointly",
    r"joint[- ]?ventures?\b|jvs?\b|equally owned\b|50[:/-]50\b|jointly (?:owned|controlled)\b",
)
_kind(
    "k:venture",
    "joint_venture",
    1.0,
    "venture set form",
    r"(?<!joint )(?<!joint-)venture\b|"
    r"(?:set up|form) a (?:new )?company\b",
)
_kind(
    "k:contract mfg",
    "manufacturing",
    2.0,
    "contract manufacturing production built",
    r"contract manufactur\w*|"
    r"manufacturing services\b|production (?:deal|tie-up|partner)|built by\b",
)
_kind("k:built", "manufacturing", 2.0, "built", r"(?<=-)built\b")  # "Chery-built"
_kind(
    "k:make cars",
    "manufacturing",
    1.5,
    "build builds building make makes making produce produces producing assemble assembles assembling "
    "manufacture manufactures",
    r"(?:build|builds|building|make|makes|making|produce|produces|producing|assemble|assembles|assembling|"
    r"manufacture|manufactures)(?:\s+[^\s;.]++){0,6}?\s+(?:cars?|vehicles?|evs?|models?|vans?|trucks?|"
    r"buses|scooters?|chassis)\b",
)
_kind("k:plant", "manufacturing", 0.5, "plant factory factories", r"(?:plant|factory|factories)\b")
_kind(
    "k:invest",
    "investment",
    1.0,
    "invest invests invested investing investment investments investor "
    "investors stake stakes equity shareholder funding capital convertible",
    r"invest(?:s|ed|ing|ment|ments|or|ors)?\b|stakes?\b|equity\b|shareholder\b|funding\b|"
    r"capital injection\b|convertible\b",
)
_kind(
    "k:supply",
    "supply",
    1.0,
    "suppl* order orders ordered purchas* to buy buys offtake procure* recycl* deliver* sourc*",
    r"suppl(?:y|ies|ied|ier|iers|ying)\b|orders?\b|ordered\b|purchas\w*|to buy\b|buys?\b|offtake\b|"
    r"procure\w*|recycl\w*|deliver\w*|sourc\w*",
)
_kind(
    "k:tech",
    "technology",
    1.0,
    "co codevelop* jointly licen* technolog* platform software autonomous "
    "self robotaxi robotaxis driver adas research r architecture",
    r"co-?develop\w*|jointly develop\w*|licen[cs]\w*|technolog\w*|platform\b|software\b|autonomous\b|"
    r"self-driving\b|robotaxis?\b|driver[- ]assist\w*|adas\b|research\b|r&d\b|architecture\b",
)
KIND_ORDER: tuple[Kind, ...] = (
    "charging",
    "joint_venture",
    "manufacturing",
    "investment",
    "supply",
    "technology",
)

_MORE: list[Rule] = [
    # Stage: ended beats talks beats announced.
    rule(
        "ended",
        "exit* pull* quit* scraps scrapped scrapping scrap cancel* terminat* unwind* unwound wind* "
        "withdr* back* abandon* dissolv* break* broke split splits ditch* call* walk* revok* no sole full buy* "
        "bought takes take step* stepped stepping paus* suspend* shelv* put puts leav* sells sell end ends "
        "ended ending reject* block* veto* stop*",
        r"(?:exit\w*|pull\w* (?:out|back)|quit\w*|scraps|scrapped|scrapping|cancel\w*|terminat\w*|"
        r"unwind\w*|unwound|wind\w* down|withdr[ae]w\w*|back\w* out|abandon\w*|dissolv\w*|break\w* up|"
        r"broke up|splits?|ditch\w*|call\w* off|walk\w* away|revok\w*|no longer|sole owner|full ownership|"
        r"buys? out|bought out|buying out|buyout|takes? full control|steps? back|stepped back|stepping back|"
        r"paus(?:e|es|ed|ing)|suspend\w*|shelv(?:e|es|ed|ing)|put on hold|puts? on ice|reject\w*|block\w*|"
        r"veto\w*|stop\w* (?:funding|supporting|supplying|buying|working)|"
        r"sells? (?:its|their) (?:remaining |entire )?(?:\d+% )?(?:stake|shares|holding)|"
        r"leav\w* (?:the |its )?(?:\w+ ){0,2}(?:venture|partnership|alliance)|leaves\b|"
        r"end(?:s|ed|ing)? (?:its |their |the )?(?:[\w:]+[ -]){0,3}?(?:partnership|venture|jv|alliance|deal|"
        r"tie-?up|cooperation|agreement|pact|contract))\b",
    ),
    rule(
        "ended",
        "partnership venture alliance deal tie tieup cooperation agreement pact",
        r"(?:partnership|venture|alliance|deal|tie-?up|cooperation|agreement|pact) (?:ends|ended|collapses|"
        r"collapsed|falls apart|fell apart|is over)\b",
    ),
    rule("ended", "drop*", r"drop\w* (?:its |the |plans? )?\w*\s*(?:stake|deal|plan|partnership)\b"),
    rule(
        "talks",
        "in talks holds held discuss* negotiat* said reportedly report reports according sources "
        "source people familiar citing weigh weighs weighing mull* eyes eyeing courting courts approached "
        "sound* early near nearing close plan plans planned would pitch* lining working rumor* rumour* "
        "speculat* not",
        r"(?:in talks|talks (?:with|on|about|to)|holds? talks|held talks|in discussions?|discuss\w*|"
        r"negotiat\w*|said to|reportedly|report:|reports? say|according to (?:people|sources|a report)|"
        r"sources? (?:said|say|says|told|familiar)|people (?:familiar|with knowledge|close to|briefed)|"
        r"familiar with the matter|citing people|weigh(?:s|ing)?|mull\w*|eye(?:s|ing)|courting|courts|"
        r"approached|sound\w* out|in early-stage|early-stage talks|near(?:ing)? (?:a )?deal|"
        r"close to (?:a )?deal|plan(?:s|ned)? to announce|would (?:buy|invest|take|build|supply|partner)|"
        r"pitch\w*|lining up|working (?:internally )?on a plan|rumou?r\w*|speculat\w*|"
        r"not (?:yet )?(?:been )?(?:agreed|finali[sz]ed|signed))\b",
    ),
    rule(
        "hedge",
        "could may might potential possible possibly explor* consider* study studying",
        r"(?:could|may|might|potential|possible|possibly|explor(?:e|es|ed|ing)|consider(?:s|ed|ing)?|study|"
        r"studying)\b",
        case=True,
    ),
    rule(
        "firm",
        "signed signs sign agreed agrees inked finali* formali* completed launch* unveil* announc* will",
        r"(?:signed|signs|sign|agreed|agrees|inked|finali[sz]\w*|formali[sz]\w*|completed|launch\w*|"
        r"unveil\w*|announc\w*|will)\b",
    ),
    # EV relevance.
    rule("ev", "ev evs bev bevs phev phevs nev nevs hev hevs xev xevs", r"(?:[bpnhx]?evs?)\b", case=False),
    rule(
        "ev",
        "electric",
        r"electric[- ](?:vehicles?|cars?|trucks?|bus|buses|vans?|suvs?|pickups?|scooters?|"
        r"motorcycles?|two-wheelers?|three-wheelers?|sedans?|models?|mobility|powertrains?|drive|motors?|semis?|"
        r"rickshaws?|autos?|lorr(?:y|ies)|delivery)\b",
    ),
    rule("ev", "electric", r"electric [A-Z][\w-]+", case=True),
    rule(
        "ev",
        "battery plug new e emobility electromobility electrif* zero",
        r"(?:battery[- ]electric|plug-in|new[- ]energy (?:vehicles?|cars?)|e-?mobility|electromobility|"
        r"electrif\w+|zero[- ]emissions? (?:vehicles?|trucks?|buses?|cars?))\b",
    ),
    rule(
        "ev",
        "charging charger chargers charge supercharger superchargers nacs battery",
        r"(?:charging|chargers?|charge points?|superchargers?|nacs|battery[- ]swap\w*)\b",
    ),
    rule(
        "ev",
        "battery",
        r"battery (?:cells?|packs?|plants?|factory|factories|makers?|materials|recycl\w*|"
        r"supply|production|venture|company|maker|start-?up|technology|tech|systems?|manufactur\w*)\b",
    ),
    rule(
        "ev",
        "lithium li cells cell gigafactory gigafactories cathode cathodes anode anodes precursor "
        "precursors solid lfp nmc gwh",
        r"(?:(?:lithium|li)-ion|cells?|gigafactor(?:y|ies)|lithium|cathodes?|anodes?|precursors?|solid-state|"
        r"lfp|nmc|gwh)\b",
    ),
    rule(
        "ev",
        "robotaxi robotaxis robo autonomous self driverless driver adas automated smart intelligent "
        "lidar e edrive edrives inverter inverters silicon sic fuel ultium skateboard epowertrain",
        r"(?:robo-?taxis?|autonomous|self-driving|driverless|driver[- ]assist\w*|adas|automated[- ]driving|"
        r"smart[- ]driving|smart[- ](?:cars?|vehicles?|evs?|mobility)|intelligent (?:driving|vehicles?|cars?|"
        r"electric)|lidar|e-axles?|edrives?|e-motors?|inverters?|silicon carbide|sic|e-(?:scooters?|bikes?|"
        r"trucks?|buses?|vans?)|fuel[- ]cell (?:trucks?|vehicles?|cars?|buses?)|ultium|skateboard|"
        r"e-?powertrain)\b",
    ),
    rule("not_ev", "solar fuel stem", r"(?:solar|fuel|stem) cells?\b"),  # read with "ev" cells
    rule(
        "not_ev",
        "grid megapack megapacks utility energy stationary mwh mw power interconnector aemo big "
        "missile missiles army navy submarine submarines military defence defense evtol air aircraft airline "
        "airlines aviation petrol diesel gasoline combustion formula f1 vaccine vaccines drug drugs oncology "
        "pharma* antibod* cancer clinical credit mastercard pay reinsur* 5g satellite satellites starlink siri "
        "sponsor* shirt shirts tournament football tennis stadium infotainment cloud plea assault charged "
        "convicted sentenced courtroom mining haul solar engine engines",
        r"(?:grid|megapacks?|utility-scale|energy storage|stationary storage|mwh|mw|power plants?|"
        r"interconnector|aemo|big battery|missiles?|army|navy|submarines?|military|defen[cs]e contract|evtol|"
        r"air[- ]taxis?|aircraft|airlines?|aviation|petrol|diesel|gasoline|combustion|formula (?:one|1)|f1|"
        r"vaccines?|drugs?|oncology|pharma\w*|antibod\w+|cancer|clinical|credit cards?|mastercard|pay later|"
        r"reinsur\w+|5g|satellites?|starlink|siri|sponsor\w*|shirts?|tournament|football|tennis|stadium|"
        r"infotainment|cloud|plea|assault|charged with|convicted|sentenced|courtroom|mining operations?|"
        r"haul trucks|solar (?:cells?|modules?|panels?|roofs?|farms?|power|energy|glass)|engines?)\b",
    ),
    # Headlines about something other than a deal: an alert needs the deal up front then.
    rule(
        "other_news",
        "hire hires hired appoint appoints appointed name names resign resigns step steps "
        "recall recalls recalled layoff layoffs lay lays cut cuts ipo debut* earnings revenue profit loss "
        "losses quarter results deliveries sales unveil* launch launches launched reveal reveals open opens "
        "incorporate incorporates file files bankrupt* chapter administration insolvency collapse collapses "
        "tariff tariffs subsid* incentive incentives ban bans fined probe investigat* lawsuit sue sues settle* "
        "passes milestone breaks picks outsell* outsold overtake* overtook beats tops ranking best fire fires "
        "blaze replace* defect defects crash crashes duty duties auction arrive arrives arriving hits goes",
        r"(?:hires?|hired|appoints?|appointed|names? (?:new|former|ex-)|resigns?|steps? down|recalls?|"
        r"recalled|layoffs?|lays? off|cuts? (?:\d+|jobs|staff)|ipo|debut\w*|earnings|revenue|profit|"
        r"loss(?:es)?|quarter|results|deliveries|sales (?:rise|fall|jump|drop)|unveil\w*|launch(?:es|ed)? "
        r"(?:its|the|a|new)|reveals?|opens? (?:its|a|first|new)|incorporates?|files? for|bankrupt\w*|"
        r"chapter (?:7|11)|administration|insolvency|collapses?|tariffs?|subsid\w+|incentives?|bans?|fined|"
        r"probe|investigat\w*|lawsuit|sues?|settle\w*|passes|milestone|breaks ground|picks [A-Z][a-z]+ for|"
        r"outsells?|outsold|overtakes?|overtook|beats|tops|ranking|best-selling|fires?|blaze|replace\w*|"
        r"defects?|crash(?:es)?|duty|duties|auction|arriv(?:e|es|ing)|hits (?:dealers|showrooms|the road)|"
        r"goes on sale|launch(?:es|ed)?(?! (?:a |an |the )?(?:joint|partnership|"
        r"venture|alliance)))\b",
    ),
    rule(
        "acquisition",
        "acquire acquires acquired acquiring acquisition buys bought to takeover takes took "
        "purchase merger merges merged complete completes",
        rf"(?:acquires?|acquired|acquiring|acquisition of|buys|bought|to buy|takeover of|takes over|"
        rf"took over|purchase of|merger with|merges with|merged with|completes? (?:its )?merger)\s+"
        rf"(?:(?:[\w-]+\s+){{0,4}}?)(?:{SLOT}(?!'s)|blank-check|spac)",
    ),
    rule(
        "acquisition",
        "sell*",
        rf"sell\w* (?:its |their )?(?:(?:[\w-]+\s+){{0,3}}?(?:unit|business|division|"
        rf"arm|operations?|subsidiary|group)|{SLOT})\s+to\s+{SLOT}",
    ),
    rule(
        "acquisition",
        "merger mergers merge merges merged merging combin* spac blank go goes going buyout wins won auction",
        r"(?:merg(?:er|ers|e|es|ed|ing)|combin\w+ (?:under|into) (?:a|one)|spac|blank-check|"
        r"go(?:es|ing)? (?:public|private)|buyout|wins? (?:an |the )?auction|won (?:an |the )?auction)\b",
    ),
    rule("acquisition", "take takes taking took", r"(?:take|takes|taking|took)\s+(?:[\w⟦⟧]+\s+){0,2}?private\b"),
    rule(
        "acquisition",
        "buy buys bought acquire acquires acquired purchase purchases",
        rf"(?:buy|buys|bought|acquire|acquires|acquired|purchase|purchases)\s+(?:the|its)\s+"
        rf"(?:[\w-]+\s+){{0,3}}?(?:business|unit|division|operations?|assets?)\s+(?:of|from)\s+{_SHORT}{SLOT}",
    ),
    rule(
        "part_ownership",
        "stake stakes half shares minority portion joint venture",
        r"(?:stakes?|half|shares|"
        r"minority|portion|joint|venture)\b",
    ),
    rule(
        "dispute",
        "settle* lawsuit lawsuits sue sues sued suing litigation dispute feud trade court antitrust import "
        "lawmakers senators senator congress republicans democrats question questions questioned scrutiny",
        r"(?:settle\w*|lawsuits?|sues?|sued|suing|litigation|dispute|feud|trade[- ]secrets?|court|antitrust|"
        r"import ban|lawmakers|senators?|congress|republicans|democrats|question(?:s|ed)? \S+ (?:over|about)|"
        r"scrutiny)\b",
    ),
    rule(
        "digest",
        "digest round roundup newsletter week briefing top podcast episode quick live what quiz download morning",
        r"(?:digest|round-?up|newsletter|week in review|briefing|top stories|podcast|episode|quick charge|"
        r"live updates|live blog|what we're|quiz|the download|morning brief)\b",
    ),
    rule(
        "digest_start",
        "weekly daily morning evening the this",
        r"(?:weekly|daily|morning|evening|the week|"
        r"this week)\b",
    ),
    rule(
        "consumer_deals",
        "flash on sale deal deals price discount* coupon promo lowest all new best black cyber prime off",
        r"(?:flash sale|on sale|sale price|deals? on|price cuts?|discount\w*|coupon|promo code|lowest price|"
        r"all-time low|new low|best buy|black friday|cyber monday|prime day|(?:(?<=% )|(?<=\d ))off)\b",
    ),
    rule(
        "marketing",
        "marketing advertis* promotional promote promotes promoting hype product brand ad "
        "movie streaming sponsor* merchandise",
        r"(?:marketing|advertis\w+|promotional|promot(?:e|es|ing) (?:it|the|its)|hype|product placement|"
        r"brand ambassador|ad campaign|marketing campaign|movie|streaming|sponsor\w*|merchandise)\b",
    ),
    rule(
        "no_partner",
        "no fail* seek* search* look* hunt* in",
        r"(?:no (?:partner|partners|counterparty|buyer) (?:was|were|has been|have been|is) "
        r"(?:named|identified|found|disclosed)|fail\w* to (?:find|secure|land|attract) (?:a |any )?"
        r"(?:business |strategic )?partners?|(?:seek\w*|search\w* for|look\w* for|hunt\w* for|in search of) "
        r"(?:a |new |strategic )*(?:partners?|investors?))\b",
    ),
    rule(
        "background",
        "also earlier previously already had existing last prior former since in founded "
        "follows follow following separately recalls recall notes note lists list background",
        r"(?:also|earlier|previously|already|had (?:signed|agreed|formed|invested|set up)|existing|last year|"
        r"prior|former|since 20\d\d|in 20\d\d|founded in|follows? (?:a|an|its|the)|following (?:a|an|its|the)|"
        r"separately|recalls? that|notes? in passing|lists?|background)\b",
    ),
    # Companies in these positions are context, not parties.
    rule(
        "listing",
        "such including include includes like ahead beating behind than versus vs against "
        "alongside rival rivals competitor competitors peer peers following followed formerly replacing "
        "instead other backed",
        rf"(?:such as|including|includes?|like|ahead of|beating|behind|than|versus|vs\.?|against|alongside|"
        rf"rivals?|competitors?|peers?|following|followed by|formerly|replacing|instead of|other shareholders "
        rf"include|other investors include|backed by)\s+(?:[\w-]+\s+){{0,3}}?{SLOT}",
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
        rf"ended|ending|exit\w*|quit\w*|leav\w*|dissolv\w*|unwind\w*|of|in)\s+"
        rf"{SLOT}\s+(?:[\w-]+\s+){{0,2}}?(?:joint venture|venture|jv|partnership|alliance|brand)\b",
        near=16,
    ),
    rule(
        "describes_next",
        "⟦",
        rf"{SLOT}(?:'s|-owned|-backed|-controlled|-led)\s+(?:[\w.&-]+\s+){{0,4}}?{SLOT}",
        after=("'s", "-owned", "-backed", "-controlled", "-led"),
    ),
    rule(
        "describes_unit",
        "⟦",
        rf"{SLOT}\s+(?:unit|subsidiary|arm|brand|affiliate|division|parent|owner|"
        rf"sister company|spin-?off|spinoff|group company)\s+{SLOT}",
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
        ),
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

SCANNER = Scanner([r for _, r in _CUES] + _KINDS + _MORE)

# "SK Innovation's BlueOval SK venture", "Ultium Cells' GM battery plants": the second name
# modifies a noun, so it is the one that only describes. Matched right after that name.
ATTRIBUTIVE = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:joint venture|venture|jv|plants?|factory|factories|facilit(?:y|ies)|sites?|"
    r"network|platform|programme|program|project|brand|autonomous|self-driving|robotaxis?|vehicles|cars|"
    r"models|chips|batteries|cells)\b",
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


def slots(text: str) -> list[int]:
    """The slot numbers named in a stretch of masked text."""
    return [int(n) for n in re.findall(SLOT, text)]
