"""Deal cues: the wording that says two companies strike a deal, and which company is the counterparty.

A bound cue's slot group names the counterparty ("invests in ⟦1⟧"); an unbound cue proves a
deal when two companies share the sentence ("partnership"). Every cue carries examples that
must make it fire and near-misses that must not; tests read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._scan import Rule, rule
from ._weights import CUE

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
    stage: str = ""  # a stage the cue settles by itself ("ended" for an exit)


CUE_RULES: list[tuple[Cue, Rule]] = []


def verb_forms(lemmas: str) -> str:
    """A regex alternation of every form of the verbs ("sign" -> sign, signs, signed, signing).

    Irregular forms follow a slash ("build/built", "plan/planned/planning"); a particle
    follows an underscore ("set_up" -> set up, sets up, setting up).
    """
    forms: list[str] = []
    for entry in lemmas.split():
        verb, *irregular = entry.split("/")
        word, _, particle = verb.partition("_")
        if word.endswith("y") and word[-2] not in "aeiou":
            own = [word, word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
        elif word.endswith("e"):
            own = [word, word + "s", word + "d", word[:-1] + "ing"]
        else:
            third = word + ("es" if word.endswith(("s", "sh", "ch", "x")) else "s")
            own = [word, third, word + "ed", word + "ing"]
        tail = rf"\s+{particle}" if particle else ""
        forms += [f + tail for f in own] + [f.replace("_", r"\s+") for f in irregular]
    return "|".join(sorted(set(forms), key=len, reverse=True))


# What companies named together at the start of a clause do together.
_JOINT_VERBS = verb_forms(
    "plan/planned/planning launch open build/built develop form create set_up/setting_up start unveil "
    "sign team_up join partner expand extend deepen widen explore study invest establish break/broke "
    "strike/struck ink seal unite combine reveal show debut present introduce roll_out begin/began/beginning "
    "announce make/made pool collaborate cooperate co-develop agree/agreeing"
)


def _cue(
    name: str,
    strength: float,
    kind: str,
    bound: bool,
    triggers: str,
    pattern: str,
    *,
    examples: str,
    misses: str,
    near: int = 0,
    after: tuple[str, ...] = (),
    mutual: bool = False,
) -> None:
    """Register a cue; ``examples`` and ``misses`` are sentences separated by " | "."""
    cue = Cue(name, strength, kind, bound, mutual)
    found = rule(
        name,
        triggers,
        pattern,
        near=near,
        after=after,
        examples=tuple(examples.split(" | ")),
        near_misses=tuple(misses.split(" | ")),
    )
    CUE_RULES.append((cue, found))


# Cues that name their counterparty: the company in the slot is the partner.
_cue(
    "invests in",
    CUE.proof,
    "investment",
    True,
    "invest* put puts putting pour* inject* commit*",
    rf"(?:invest\w*|puts?|putting|pour\w*|inject\w*|commit\w*){_GAP}(?:in|into)\s+{_SHORT}{_S}",
    examples="Toyota invests $400 million in Pony.ai | Honda will pour $2 billion into Cruise",
    misses="Toyota invests in a new plant in Kentucky",
)
_cue(
    "stake in",
    CUE.proof,
    "investment",
    True,
    "stake stakes holding shareholding shareholder investor equity interest shares round funding financing",
    rf"(?:stakes?|holding|shareholding|shareholder|investor|equity|interest|shares|round|funding|financing)"
    rf"\s+(?:in|of|for)\s+{_SHORT}{_S}",
    examples="Stellantis takes a stake in Leapmotor | Volkswagen becomes the largest shareholder of Gotion",
    misses="BYD raised its stake target for the year",
)
_cue(
    "share of",
    CUE.proof,
    "investment",
    True,
    "take takes took taking buy buys bought buying acquire* own owns",
    rf"(?:take|takes|took|taking|buy|buys|bought|buying|acquire\w*|own|owns)\s+(?:up to |about |around |"
    rf"nearly |roughly |more than |a |an )*(?:{_QTY}\s*%|{_QTY}|half|majority|minority|control)\s+"
    rf"(?:stake\s+)?(?:of|in)\s+{_SHORT}{_S}",
    examples="Stellantis buys 21% of Leapmotor | Volkswagen will take a majority of Scout Motors",
    misses="Tesla takes 20% of the market",
)
_cue(
    "pays for share of",
    CUE.proof,
    "investment",
    True,
    "pay pays paid paying spend spends spent spending",
    rf"(?:pay|pays|paid|paying|spend|spends|spent|spending)(?:\s+[^\s⟦;]++){{0,6}}?\s+(?:for|on)\s+"
    rf"(?:about |roughly |nearly |a )?(?:{_QTY}\s*%|{_QTY}|half|majority|minority|control)\s+(?:stake\s+)?"
    rf"(?:of|in)\s+{_SHORT}{_S}",
    examples="Volkswagen agreed to pay EUR1.1 billion for 26% of Gotion",
    misses="Volkswagen agreed to pay EUR1.1 billion for 26% of the plant",
)
_cue(
    "takes a role",
    CUE.strong,
    "",
    True,
    "become becomes became becoming named",
    rf"(?:become|becomes|became|becoming|named)\s+(?:an?\s+|the\s+)?(?:{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:shareholder|investor|backer|partner|supplier|customer|distributor|manufacturer|owner)|"
    rf"(?:[\w-]+\s+){{0,3}}?(?:shareholder|investor|backer|partner|supplier|customer|distributor|"
    rf"manufacturer)\s+(?:for|of|to|in)\s+{_SHORT}{_S})",
    examples="Volkswagen becomes Gotion's biggest shareholder | "
    "Gotion is set to become a cell supplier for Volkswagen",
    misses="Volkswagen becomes the biggest carmaker",
)
_cue(
    "backs",
    CUE.weak,
    "investment",
    True,
    "backs backed backing funds funded",
    rf"(?:backs|backed|backing|funds|funded)\s+{_SHORT}{_S}",
    examples="Amazon backs Rivian",
    misses="Amazon backs a new climate pledge",
)
_cue(
    "shares to",
    CUE.strong,
    "investment",
    True,
    "shares",
    rf"shares{_GAP}to\s+{_SHORT}{_S}",
    examples="Lucid will issue new shares to Aston Martin",
    misses="Lucid shares rose to a record",
)
_cue(
    "supplies",
    CUE.strong,
    "supply",
    True,
    "suppl* ship ships shipping provid* feed feeds sell sells sold",
    rf"(?:suppl(?:y|ies|ied|ying)|ship|ships|shipping|provid\w*|feed|feeds|sell|sells|sold)"
    rf"{_GAP}(?:to|for)\s+{_SHORT}{_S}",
    examples="CATL will supply battery cells to Tesla | LG Energy Solution ships cells to General Motors",
    misses="CATL will supply its home market",
)
_cue(
    "delivers",
    CUE.hint,
    "supply",
    True,
    "deliver*",
    rf"deliver\w*{_GAP}(?:to|for)\s+{_SHORT}{_S}",
    examples="BYD delivers 100 buses to Uber",
    misses="BYD delivers record sales in May",
)
_cue(
    "customer",
    CUE.strong,
    "supply",
    True,
    "first launch anchor biggest largest key customer customers",
    rf"(?:(?:first|launch|anchor|biggest|largest|key)\s+)?customers?\s+(?:for|of)\s+(?:its\s+)?{_SHORT}{_S}",
    examples="Amazon becomes the first customer for Rivian",
    misses="Rivian wins more customers in Europe",
)
_cue(
    "fleet takes",
    CUE.strong,
    "supply",
    True,
    "pilot* trial* test* deploy* add adds adding roll* lease* rent* reserv* preorder* pre",
    rf"(?:pilot\w*|trial\w*|test\w*|deploy\w*|adds?|adding|roll\w* out|lease\w*|rent\w*|reserv\w*|"
    rf"pre-?order\w*)\s+(?:up to |about |more than |\d[\d,.]* )?{_SHORT}{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?:vans|trucks|cars|vehicles|evs|buses|robotaxis|scooters|semis?)\b",
    examples="Uber adds BYD vehicles to its fleet | Hertz will rent Tesla cars",
    misses="Hertz will rent more cars this summer",
)
_cue(
    "supplies direct",
    CUE.strong,
    "supply",
    True,
    "suppl* ship ships feed feeds sell sells sold",
    rf"(?:suppl(?:y|ies|ied|ying)|ship|ships|feed|feeds|sell|sells|sold)\s+(?:the\s+)?{_S}",
    examples="CATL supplies Tesla from its Shanghai plant",
    misses="CATL supplies more cells than ever",
)
_cue(
    "order from",
    CUE.proof,
    "supply",
    True,
    "order* buy buys bought purchas* procur* source* sourcing recycl* collect* reserv* pre",
    rf"(?:orders?|ordered|ordering|buy|buys|bought|purchas\w*|procur\w*|source\w*|sourcing|recycl\w*|"
    rf"collect\w*|reserv\w*|pre-?order\w*){_GAP}from\s+{_SHORT}{_S}",
    examples="Uber orders robotaxis from Lucid | Tesla buys lithium from Ganfeng",
    misses="Tesla buys back shares",
)
_cue(
    "raises from",
    CUE.strong,
    "investment",
    True,
    "rais* secur* receiv* land* get gets got",
    rf"(?:rais\w+|secur\w+|receiv\w+|land\w*|get|gets|got){_GAP}(?:from|led by)\s+(?:new\s+|"
    rf"existing\s+)?(?:investors?\s+|backer\s+)?{_SHORT}{_S}",
    examples="Rivian raises $2.5 billion from Amazon",
    misses="Rivian raises its output forecast",
)
_cue(
    "order of",
    CUE.proof,
    "supply",
    True,
    "order* buy buys bought purchas*",
    rf"(?:orders?|ordered|buy|buys|bought|purchas\w*)\s+(?:up to |about |around |more than |at least |"
    rf"some |another )?{_QTY}\s+{_SHORT}{_S}",
    examples="Amazon orders 100,000 Rivian vans",
    misses="Amazon orders 100,000 boxes a day",
)
_cue(
    "output of",
    CUE.proof,
    "supply",
    True,
    "take takes buy buys secure* lock*",
    rf"(?:take|takes|buy|buys|secure\w*|lock\w* in){_GAP}{_S}(?:'s)?\s+{_SHORT}"
    rf"(?:output|production|supply|capacity|chips|cells|batteries)\b",
    examples="Tesla will take Ganfeng's lithium output | BMW locks in Northvolt's cell supply",
    misses="Tesla will take more output",
)
_cue(
    "secures",
    CUE.fair,
    "supply",
    True,
    "secur* lock* win wins won land* bag* clinch*",
    rf"(?:secures?|secured|locks? in|wins?|won|lands?|landed|bags?|bagged|clinch\w*)\s+{_SHORT}{_S}",
    examples="Magna secures Fisker as a customer | Lucid wins Saudi Arabia's PIF",
    misses="Lucid wins an award",
)
_cue(
    "order with",
    CUE.proof,
    "",
    True,
    "order contract deal agreement pact partnership alliance venture tie tieup mou cooperation collaboration "
    "project programme consortium",
    rf"(?:order|contract|deal|agreement|pact|partnership|alliance|venture|tie-?up|mou|cooperation|"
    rf"collaboration|project|programme|consortium)\s+(?:with|from)\s+{_SHORT}{_S}",
    examples="Tesla signs a contract with Ganfeng | Uber strikes a partnership with BYD",
    misses="Tesla signs a contract for a new plant",
)
_cue(
    "builds for",
    CUE.strong,
    "manufacturing",
    True,
    "build builds building built make makes making made produc* assembl* manufactur*",
    rf"(?:build|builds|building|built|make|makes|making|made|produce\w*|assembl\w*|manufactur\w*)"
    rf"(?:\s+[^\s⟦;,]++){{0,8}}?\s+for\s+{_S}"
    rf"(?!'s\s+(?:[\w-]+\s+)?(?:fleets?|services?|network|platform|app|drivers|riders|customers|users)\b)",
    examples="Foxconn will build electric cars for Fisker",
    misses="Foxconn will build a plant for batteries | a purpose-built robotaxi for Cruise's fleet",
)
_cue(
    "builds cars of",
    CUE.proof,
    "manufacturing",
    True,
    "build builds building make makes making produce produces producing assembl* manufactur*",
    rf"(?:build|builds|building|make|makes|making|produce|produces|producing|assembl\w*|manufactur\w*)"
    rf"\s+(?:(?:\d+|two|three|four|five|several|more|new|its|the)\s+)?"
    rf"(?:{_S}(?:'s)?(?:-badged|-branded)?\s+(?:\w+[\s-]){{0,3}}?(?:cars?|vehicles?|evs?|models?|vans?|trucks?|buses|"
    rf"scooters?|suvs?|sedans?|pickups?|crossovers?|minivans?|e-scooters?)\b|{_S}'s\s+(?-i:[A-Z0-9][\w-]*)\b"
    rf"(?!\s+(?:cells?|chips?|batter(?:y|ies)|modules?|packs?|components?|parts?|motors?)\b))",
    examples="Magna to build Fisker's electric SUVs | Nissan will build Mitsubishi Motors vehicles | "
    "Stellantis stops assembling Leapmotor's T03 in Poland | Renault to build two Ford-badged EVs",
    misses="Magna to build electric SUVs | Stellantis stops assembling Leapmotor's own plan | "
    "LG Energy Solution to make Tesla's 4680 cells",
)
_cue(
    "at plant of",
    CUE.proof,
    "manufacturing",
    True,
    "at in using use uses into",
    rf"(?:at|in|using|use|uses|into)\s+(?:one of\s+)?{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:plants?|factory|factories|facility|facilities|site|assembly line)\b",
    near=16,
    examples="Xiaomi will make its EVs at Great Wall's factory",
    misses="Xiaomi will make its EVs at a new factory",
)
_cue(
    "built by",
    CUE.weak,
    "manufacturing",
    True,
    "built made assembled produced manufactured ⟦",
    rf"(?:built|made|assembled|produced|manufactured)\s+by\s+{_S}|{_S}-(?:built|made)\b",
    after=("-",),
    examples="The van will be built by Magna | a Foxconn-built EV",
    misses="The van will be built by hand",
)
_cue(
    "uses tech of",
    CUE.proof,
    "technology",
    True,
    "use uses using adopt* integrat* deploy* offer* put puts bring* licens* licenc* switch* tap* pick* "
    "select* choos* chose",
    rf"(?:use|uses|using|adopt\w*|integrat\w*|deploy\w*|offer\w*|put|puts|bring\w*|licens\w*|licenc\w*|"
    rf"switch\w* to|tap\w*|pick\w*|select\w*|choos\w*|chose)\s+{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,4}}?"
    rf"(?:platform|technology|tech|chips?|software|systems?|architecture|robotaxis?|vehicles|plug|connector|"
    rf"standard|network|batteries|cells|app|chassis|drive|solution|services|anodes?|cathodes?|materials?|"
    rf"motors?|powertrains?|modules?|packs?|lidars?|sensors?|inverters?|e-axles?|units?)\b",
    examples="Toyota will use BYD's battery technology | Mercedes adopts Nvidia's chips | "
    "Mercedes picks Sila's silicon anode for the G-Class",
    misses="Toyota will use new battery technology | Mercedes picks its chief for the unit",
)
_cue(
    "on app of",
    CUE.good,
    "technology",
    True,
    "on onto to into",
    rf"(?:on|onto|to|into)\s+{_S}(?:'s)?\s+(?:\w+\s+){{0,2}}?(?:app|platform|network|ride-hailing)\b",
    near=8,
    examples="Waymo robotaxis arrive on Uber's app",
    misses="Waymo launches on its own app",
)
_cue(
    "picks as",
    CUE.strong,
    "supply",
    True,
    "pick* select* choos* chose tap* name* appoint*",
    rf"(?:picks?|picked|selects?|selected|chooses?|chose|taps?|tapped|names?|named|appoints?)\s+{_S}\s+"
    rf"(?:as|for|to)\b",
    examples="BMW picks CATL as its cell supplier",
    misses="BMW picks a new chief as part of a shake-up",
)
_cue(
    "access to",
    CUE.proof,
    "charging",
    True,
    "access",
    rf"access to\s+{_S}(?:'s)?\s+(?:[\w-]+\s+){{0,3}}?(?:superchargers?|chargers|charging|network|stations)",
    examples="Ford drivers get access to Tesla's Superchargers",
    misses="Ford drivers get access to more chargers",
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
    "work* cooperat* collaborat* partner* team* join* ally allies agree agrees agreed sign* tie*",
    rf"(?:work|works|working|worked|cooperat\w*|collaborat\w*|partner\w*|team\w* up|join\w* forces|ally|"
    rf"allies|agree|agrees|agreed|sign\w*|tie\w* up)\s+(?:\w+\s+){{0,3}}?with\s+{_SHORT}{_S}",
    examples="Volvo will work with Northvolt | Ford teams up with SK On",
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
    rf"{_S}(?:'s)?(?:\s*,\s*(?:[\w-]+'s\s+)?{_S})*,?\s+(?:and|&)\s+(?:[\w-]+'s\s+)?(?:[\w-]+\s+){{0,2}}?"
    rf"{_S}(?:'s)?\s+(?:\w+\s+)?(?:{_JOINT_VERBS}|to|will|jointly|co-develop\w*)\b",
    after=(",", " and", " &", "'s", "’s", " ,"),
    mutual=True,
    examples="BMW and Daimler plan a joint platform | Ford, Volkswagen and Rivian sign a pact",
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

CUES: dict[str, Cue] = {cue.name: cue for cue, _ in CUE_RULES}
