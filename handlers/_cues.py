"""Deal cues: the wording that says two companies strike a deal, and which company is the counterparty.

A bound cue's slot group names the counterparty ("invests in ⟦1⟧"); an unbound cue proves a
deal when two companies share the sentence ("partnership").
"""

from __future__ import annotations

from dataclasses import dataclass

from ._scan import Rule, rule

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


CUE_RULES: list[tuple[Cue, Rule]] = []


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
    CUE_RULES.append((cue, rule(name, triggers, pattern, near=near, after=after)))


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

CUES: dict[str, Cue] = {cue.name: cue for cue, _ in CUE_RULES}
