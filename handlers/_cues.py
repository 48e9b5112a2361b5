"""Deal cues that name the counterparty: money, goods, building and technology going from one
company to another ("invests in X", "supplies X", "builds X's cars", "uses X's chips").

The cue's slot group is the counterparty; the companies before it are the other side. Cues
where companies act together, and deal words, are in ``_cues_together``.
"""

from __future__ import annotations

from functools import partial

from ._cue import _GAP, _QTY, _S, _SHORT, SLOT, Cue, CueRule, register
from ._cues_together import TOGETHER
from ._weights import CUE

__all__ = ["CUES", "CUE_RULES", "SLOT", "_SHORT", "Cue"]

_BOUND: list[CueRule] = []
_cue = partial(register, _BOUND)

# Cues that name their counterparty: the company in the slot is the partner.
# "a plant next to X's site": the company only says where the money goes.
_PLACED_BY = (
    r"(?!(?:[^\s⟦;]++\s+){0,5}?(?:plants?|factor(?:y|ies)|gigafactor(?:y|ies)|facilit(?:y|ies)|sites?)\s+"
    r"(?:next to|near|beside|alongside|close to|at)\s)"
)
_cue(
    "invests in",
    CUE.proof,
    "investment",
    True,
    "invest* put puts putting pour* inject* commit*",
    rf"(?<!keeps its )(?<!keep its )(?<!kept its )(?<!retains its )(?<!retain its )(?<!retained its )"
    rf"(?:(?:invest\w*|pour\w*|inject\w*|commit\w*){_GAP}|(?:puts?|putting)\s+(?:(?:about|up to|another|nearly|"
    rf"some|an extra)\s+)?(?:[$€£¥]|rs\.?\s*|us\$|eur\s*|usd\s*)?\d[^\s⟦;]*(?:\s+[^\s⟦;]++){{0,4}}?\s+)"
    rf"(?:in|into)\s+{_PLACED_BY}{_SHORT}{_S}",
    examples="Toyota invests $400 million in Pony.ai | Honda will pour $2 billion into Cruise | "
    "BII will put Rs 1,925 crore in Mahindra's EV unit",
    misses="Toyota invests in a new plant in Kentucky | Waymo will put its driver in Hyundai's robotaxis | "
    "AESC will invest $2 billion in a gigafactory next to Renault's Douai plant | "
    "Ford and Rivian scrap their joint EV, though Ford keeps its investment in Rivian",
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
    rf"(?:stake\s+)?(?:of|in)\s+{_SHORT}{_S}"
    r"(?!(?:'s|’s)?(?:\s+[\w-]+){0,3}\s+(?:output|production|capacity|supply|supplies|volumes?|sales)\b)",
    examples="Stellantis buys 21% of Leapmotor | Volkswagen will take a majority of Scout Motors",
    misses="Tesla takes 20% of the market | Tesla to take a fifth of Ganfeng's lithium hydroxide output",
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
    "customer of speaker",
    CUE.strong,
    "supply",
    True,
    "⟦",
    rf"{_S}\s+(?:said|says|announced)\s+(?:that\s+)?⟦\d+⟧\s+(?:will|would|is to)\s+(?:be|become)\s+(?:the\s+)?"
    rf"(?:first|launch|anchor|biggest|largest|key|lead)\s+customer\s+(?:for|of)\s+its\b",
    after=(" said", " says", " announced"),
    examples="Stellantis said Amazon will be the first customer for its Ram ProMaster electric van",
    misses="Stellantis said Amazon will be a big market for vans",
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
    "order* buy buys bought purchas* procur* source* sourcing recycl* collect* reserv* pre use uses using",
    rf"(?:orders?|ordered|ordering|buy|buys|bought|purchas\w*|procur\w*|source\w*|sourcing|recycl\w*|use|uses|using|"
    rf"collect\w*|reserv\w*|pre-?order\w*){_GAP}from\s+{_SHORT}{_S}",
    examples="Uber orders robotaxis from Lucid | Tesla buys lithium from Ganfeng | "
    "the German factory will use batteries from BYD",
    misses="Tesla buys back shares",
)
# Money named between the verb and "from": an amount, funding, a round.
_MONEY_GAP = (
    r"(?:\s+[^\s⟦;]++){0,6}?\s+(?:[$€£¥]|(?:us|c|a)\$|rs\.?\s|inr\s|\d[\d,.]*\s*(?:billion|million|bn|mn|m|crore|"
    r"lakh|yuan|euros?|dollars?|won|yen|rupees?)\b|(?:fresh |new |more )?(?:funding|financing|investment|capital|"
    r"backing|cash|money|loans?)\b|series [a-f]\b|(?:funding |investment |seed )?round\b)"
    r"[^\s⟦;]*+(?:\s+[^\s⟦;]++){0,6}?\s+"
)
_cue(
    "raises from",
    CUE.strong,
    "investment",
    True,
    "rais* secur* receiv* land* get gets got",
    rf"(?:rais\w+|secur\w+|receiv\w+|land\w*|get|gets|got)(?={_MONEY_GAP}(?:from|led by)\b){_GAP}"
    rf"(?:from|led by)\s+(?:new\s+|existing\s+)?(?:investors?\s+|backer\s+)?{_SHORT}{_S}",
    examples="Rivian raises $2.5 billion from Amazon | Nio secures fresh funding from Tencent | "
    "Rimac gets a Series C led by Porsche",
    misses="Rivian raises its output forecast | Infineon secures a power chip contract from Hyundai | "
    "GM secures cobalt from Glencore | VinFast lands order for 25,000 taxis from Green SM",
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
    "take takes buy buys secure* lock* consider* weigh*",
    rf"(?:take|takes|buy|buys|secure\w*|lock\w* in|consider\w*|weigh\w*){_GAP}{_S}(?:'s)?\s+{_SHORT}"
    rf"(?:output|production|supply|capacity|chips|cells|batteries)\b",
    examples="Tesla will take Ganfeng's lithium output | BMW locks in Northvolt's cell supply | "
    "Tesla said to consider BYD Blade cells for its Berlin plant",
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
# What is made for someone that makes the deal a supply, not contract manufacturing of vehicles.
_PARTS = (
    r"(?:cells?|batter(?:y|ies)|cathodes?|anodes?|materials?|precursors?|chips?|semiconductors?|components?|parts|"
    r"modules?|packs?|motors?|plants?|factor(?:y|ies)|gigafactor(?:y|ies)|facilit(?:y|ies))"
)
_GAP_NO_COMMA = r"(?:\s+[^\s⟦;,]++){0,8}?\s+"
_cue(
    "builds for",
    CUE.strong,
    "manufacturing",
    True,
    "build builds building built make makes making made produc* assembl* manufactur*",
    rf"(?:build|builds|building|built|make|makes|making|made|produce\w*|assembl\w*|manufactur\w*)"
    rf"(?!(?:\s+[^\s⟦;,]++){{0,6}}?\s+{_PARTS}\s+for\s){_GAP_NO_COMMA}for\s+{_S}"
    rf"(?!'s\s+(?:[\w-]+\s+)?(?:fleets?|services?|network|platform|app|drivers|riders|customers|users)\b)",
    examples="Foxconn will build electric cars for Fisker",
    misses="Foxconn will build a plant for batteries | a purpose-built robotaxi for Cruise's fleet | "
    "they will mass-produce cathode material for Toyota's batteries",
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
    rf"(?:at|in|using|use|uses|into)\s+(?:one of\s+)?{_S}(?:'s)?\s+"
    rf"(?:(?!{_PARTS}\s|silicon\s|lithium\s)[\w-]+\s+){{0,3}}?"
    rf"(?:plants?|factory|factories|facility|facilities|site|assembly line)\b",
    near=16,
    examples="Xiaomi will make its EVs at Great Wall's factory",
    misses="Xiaomi will make its EVs at a new factory | ZF will invest in Wolfspeed's silicon carbide plant | "
    "Tesla will use gear at CATL's battery plant",
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
    "select* choos* chose install* swap*",
    rf"(?:use|uses|using|adopt\w*|integrat\w*|deploy\w*|offer\w*|put|puts|bring\w*|licens\w*|licenc\w*|"
    rf"switch\w* to|tap\w*|pick\w*|select\w*|choos\w*|chose|install\w*|swap\w*(?:\s+[\w-]+){{0,3}}\s+for)"
    rf"\s+{_S}(?:'s)?\s+(?:[\w,.-]+\s+){{0,4}}?"
    rf"(?:platform|technology|tech|chips?|software|systems?|architecture|robotaxis?|vehicles|plug|connector|"
    rf"standard|network|batteries|cells|app|chassis|drive|solution|services|anodes?|cathodes?|materials?|"
    rf"motors?|powertrains?|modules?|packs?|lidars?|sensors?|inverters?|e-axles?|units?|chargers|superchargers|"
    rf"charging (?:stations|hubs|posts|points))\b",
    examples="Toyota will use BYD's battery technology | Mercedes adopts Nvidia's chips | "
    "Mercedes picks Sila's silicon anode for the G-Class | "
    "Sinopec swapped the pumps for BYD's 1,500 kW flash chargers | Wawa installs Tesla Superchargers",
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
    rf"(?:picks?|picked|selects?|selected|chooses?|chose|taps?|tapped|names?|named|appoints?)\s+{_S}"
    rf"(?=(?:\s*(?:,|,?\s*and|&)\s+⟦\d+⟧)*\s+(?:as|for|to)\b)",
    examples="BMW picks CATL as its cell supplier | BMW taps EVE Energy, CATL for round cells",
    misses="BMW picks a new chief as part of a shake-up | BMW taps CATL, then builds its own cells",
)
_cue(
    "awards to",
    CUE.strong,
    "supply",
    True,
    "award awards awarded awarding",
    rf"(?:award|awards|awarded|awarding)\s+(?:[^\s⟦;]++\s+){{0,8}}?(?:contracts?|orders?|deals?|business)\s+"
    rf"(?:[^\s⟦;]++\s+){{0,8}}?to\s+{_SHORT}{_S}",
    examples="BMW awarded contracts for round battery cells to CATL and EVE Energy",
    misses="BMW was awarded a prize for its battery design | BMW awarded the contract to its own plant",
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

CUE_RULES: list[CueRule] = _BOUND + TOGETHER
CUES: dict[str, Cue] = {cue.name: cue for cue, _ in CUE_RULES}
