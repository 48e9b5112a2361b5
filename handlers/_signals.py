"""Signals beyond the deal itself: its stage, whether it is about EVs, and false alarms."""

from __future__ import annotations

from ._cues import _SHORT, SLOT
from ._scan import Rule, rule

SIGNALS: list[Rule] = [
    # Stage: ended beats talks beats announced.
    rule(
        "ended",
        "exit* pull* quit* scraps scrapped scrapping scrap cancel* terminat* unwind* unwound wind* "
        "withdr* back* abandon* dissolv* break* broke split splits ditch* call* walk* revok* no sole full buy* "
        "bought takes take step* stepped stepping paus* suspend* shelv* put puts leav* sell* sold end ends "
        "ended ending reject* block* veto* stop* halt* ceas* laps* expir* fall falls fell cut* shrink* shrank "
        "reduc* trim* pare* lower* hand* cede* ceding give gives giving not no write writes writing written",
        r"(?:exit\w*|pull\w* (?:out|back)|quit\w*|scraps|scrapped|scrapping|cancel\w*|terminat\w*|"
        r"unwind\w*|unwound|wind\w* down|withdr[ae]w\w*|back\w* out|abandon\w*|dissolv\w*|break\w* up|"
        r"broke up|"
        r"(?<!evenly )(?<!equally )splits?(?! (?:company|firm|business|venture|joint venture))|"
        r"ditch\w*|call\w* off|walk\w* away|revok\w*|no longer|sole owner|full ownership|"
        r"buys? out|bought out|buying out|buyout|takes? full control|steps? back|stepped back|stepping back|"
        r"paus(?:e|es|ed|ing)|suspend\w*|shelv(?:e|es|ed|ing)|put on hold|puts? on ice|reject\w*|block\w*|"
        r"veto\w*|(?:stop\w*|halt\w*|ceas\w*) (?:\w+ing\b|production|assembly|work|supplies)|"
        r"laps(?:e|es|ed|ing)|expir(?:e|es|ed|ing)|f(?:a|e)ll(?:s)? through|pull\w* the plug|"
        r"(?:cut\w*|shrink\w*|shrank|reduc\w*|trim\w*|pare[sd]?|lower\w*) (?:its |their )?(?:[\w⟦⟧-]+ ){0,2}?"
        r"(?:stake|holding|shareholding)|hand\w* (?:over )?(?:\w+ ){0,2}?control|"
        r"(?:cede[sd]?|ceding|gives? up|giving up) (?:\w+ )?control|"
        r"(?:sell\w*|sold) (?:its|their|all|the) (?:[\w⟦⟧%-]+ ){0,5}?(?:stake|shares|holding|interest)\b|"
        r"leav\w* (?:the |its )?(?:\w+ ){0,2}(?:venture|partnership|alliance)|leaves\b|"
        r"end(?:s|ed|ing)? (?:its |their |the )?(?:[\w:.]+[ -]){0,3}?(?:partnership|venture|jv|alliance|deal|"
        r"tie-?up|cooperation|agreement|pact|contract|relationship|collaboration|ties)|"
        r"(?:(?<=will )|(?<=would )|(?<=to ))(?:not|no longer) "
        r"(?:supply|build|make|produce|assemble|provide|use|buy)|"
        r"cut\w* ties|"
        r"writ(?:e|es|ing|ten) down (?:its |the |their )?(?:[\w-]+ ){0,3}?(?:deal|contract|order|stake|"
        r"investment))\b",
    ),
    rule(
        "ended",
        "talks partnership venture alliance deal tie tieup cooperation agreement pact",
        r"(?:talks|partnership|venture|alliance|deal|tie-?up|cooperation|agreement|pact) (?:\S+ ){0,4}?"
        r"(?:ends|ended|collapse|collapses|fail|fails|failed|stall|stalls|stalled|break down|broke down|"
        r"collapsed|falls apart|fell apart|is over)\b",
    ),
    # A partner accused of breaking the deal: the partnership has ended, whatever the court says.
    rule(
        "broken deal",
        "fail* failed failing breach* breached reneg* backed",
        r"(?:fail(?:ed|ing|s)? to (?:honou?r|fund|complete|close|make good on)|breach(?:ed|es|ing)?(?: of)?|"
        r"reneg(?:ed|es|ing) on|backed out of) (?:the |an |its |their |a )?(?:[\w-]+ ){0,2}?"
        r"(?:deal|agreement|contract|pact|investment|partnership)s?\b",
        examples=("sued Foxconn, accusing it of failing to honour an investment agreement",),
        near_misses=("failed to win a contract",),
    ),
    rule("ended", "drop*", r"drop\w* (?:its |the |plans? )?\w*\s*(?:stake|deal|plan|partnership)\b"),
    rule(
        "talks",
        "in talks holds held discuss* negotiat* said reportedly report reports according sources "
        "source people familiar citing weigh weighs weighing mull* eyes eyeing courting courts approached "
        "sound* early near nears nearing close plan plans planned would pitch* lining working rumor* rumour* "
        "deny denies denied talks media news press reported "
        "speculat* not",
        r"(?:in talks|talks (?:with|on|about|to)|holds? talks|held talks|in discussions?|discuss\w*|"
        r"negotiat\w*|said to|reportedly|report(?=:)|reports? says?|(?:media|news|press) reports?|"
        r"according to (?:people|sources|a report)|"
        r"sources? (?:said|say|says|told|familiar)|people (?:familiar|with knowledge|close to|briefed)|"
        r"familiar with the matter|citing (?:people|officials|unnamed|insiders|sources|company sources)|"
        r"weigh(?:s|ing)?|mull\w*|eye(?:s|ing)|courting|courts|"
        r"approached|sound\w* out|in early-stage|early-stage talks|nears? (?:a )?deal|nearing (?:a )?deal|"
        r"talks (?:for|over)|den(?:y|ies|ied) (?:a |the )?(?:\w+ )?reports?|reports? that|"
        r"close to (?:a )?deal|plan(?:s|ned)? to announce|would (?:buy|invest|take|build|supply|partner)|"
        r"pitch\w*|lining up|working (?:internally )?on a plan|rumou?r\w*|speculat\w*|"
        r"not (?:yet )?(?:been )?(?:agreed|finali[sz]ed|signed)|reports? (?:said|suggested|indicated)|"
        r"reported (?:by (?:[\w-]+ ){1,3})?to be)\b",
        examples=(
            "Magna will assemble Xpeng models in Graz, reports said",
            "a contract with a customer reported by Korean media to be Tesla",
        ),
        near_misses=("Tesla reported record deliveries",),
    ),
    rule(
        "hedge",
        "could may might potential possible possibly",
        r"(?:could|may|might|potential|possible|possibly)\b",
        case=True,
    ),
    # Intent to look into a deal is talks even when a memorandum to do so is signed.
    rule(
        "exploring",
        "explor* consider* to will jointly studies studying evaluat* weigh* mull* non nonbinding feasibility",
        r"(?:explor(?:e|es|ed|ing)|consider(?:s|ed|ing)?|(?:to|will|jointly) study|stud(?:ies|ying)|"
        r"evaluat(?:e|es|ed|ing)|"
        r"weigh(?:s|ed|ing)?|mull(?:s|ed|ing)?|feasibility)\b",
        examples=(
            "signed a memorandum to explore working together",
            "agree to consider EVs for India",
        ),
        near_misses=("the study showed demand",),
    ),
    rule(
        "firm",
        "signed signs sign agreed agrees inked finali* formali* completed launch* unveil* announc* will",
        r"(?:signed|signs|sign|agreed|agrees|inked|finali[sz]\w*|formali[sz]\w*|completed|launch\w*|"
        r"unveil\w*|announc\w*|will)\b",
    ),
    # EV relevance: wording about the vehicles themselves ("ev") is worth more than wording about
    # parts ("ev_part": cells, lithium, motors), which grid storage and industry use too.
    rule("ev", "ev evs bev bevs phev phevs nev nevs hev hevs xev xevs", r"(?:[bpnhx]?evs?)\b", case=False),
    rule(
        "ev",
        "electric",
        r"electric[- ](?:(?:and|or) [\w-]+ )?(?:vehicles?|cars?|trucks?|bus|buses|vans?|suvs?|pickups?|scooters?|"
        r"motorcycles?|two-wheelers?|three-wheelers?|sedans?|models?|mobility|semis?|"
        r"rickshaws?|autos?|lorr(?:y|ies)|delivery|motorbikes?|bikes?|crossovers?|fleet|versions?|variants?)\b",
        examples=(
            "diesel and electric versions of the van",
            "to focus on electric and connected models",
            "electric or hybrid cars",
        ),
        near_misses=("an electric and gas utility", "electric motors for pumps"),
    ),
    rule("ev", "electric", r"electric [A-Z][\w-]+|electric(?=[- ]⟦\d+⟧)", case=True),
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
        "robotaxi robotaxis robo autonomous self driverless driver adas automated smart intelligent "
        "lidar e ultium skateboard epowertrain",
        r"(?:robo-?taxis?|autonomous|self-driving|driverless|driver[- ]assist\w*|adas|automated[- ]driving|"
        r"smart[- ]driving|smart[- ](?:cars?|vehicles?|evs?|mobility)|intelligent (?:driving|vehicles?|cars?|"
        r"electric)|lidar|e-(?:scooters?|bikes?|trucks?|buses?|vans?)|ultium|skateboard|e-?powertrain)\b",
    ),
    rule(
        "ev_part",
        "battery",
        r"battery (?:cells?|packs?|plants?|factory|factories|makers?|materials|recycl\w*|"
        r"supply|production|venture|company|maker|start-?up|technology|tech|systems?|manufactur\w*)\b",
    ),
    rule(
        "ev_part",
        "lithium li gigafactory gigafactories cathode cathodes anode anodes precursor "
        "precursors solid lfp nmc gwh cylindrical prismatic pouch",
        r"(?:(?:lithium|li)-ion|gigafactor(?:y|ies)|lithium|cathodes?|anodes?|precursors?|solid-state|"
        r"lfp|nmc|gwh|(?:cylindrical|prismatic|pouch) (?:cells?|batter(?:y|ies)))\b",
    ),
    rule(
        "ev_part",
        "electric e edrive edrives inverter inverters silicon sic powertrain powertrains drive",
        r"(?:electric[- ](?:drive|motors?|powertrains?|drivetrains?)|e-axles?|edrives?|e-motors?|inverters?|"
        r"silicon carbide|sic|(?:electric )?drive units?)\b",
    ),
    # Domains next to EVs that share their words: named, so a rejection can say which.
    rule(
        "off:grid",
        "grid megapack megapacks utility energy stationary mwh mw power interconnector aemo big bess ess "
        "storage solar",
        r"(?:grid|megapacks?|utility[- ](?:scale|storage)|energy[- ]storage|stationary storage|mwh|mw|"
        r"power plants?|interconnector|aemo|big battery(?! (?:cell )?(?:plants?|factor(?:y|ies)))|bess|ess|"
        r"(?<!voltage )storage (?:projects?|systems?|plants?|complex|parks?|"
        r"contracts?|orders?|capacity|sites?|facilit(?:y|ies))|solar[- ](?:plus[- ])?storage)\b",
        examples=("SK On wins its first energy-storage order", "CATL to supply batteries for a 19 GWh BESS"),
        near_misses=(
            "CATL to supply batteries for BMW's electric cars",
            "LG and Stellantis pick Windsor for a big battery plant",
            "SVOLT will supply high-voltage storage systems to Stellantis",
        ),
    ),
    rule(
        "off:solar",
        "solar photovoltaic photovoltaics pv",
        r"(?:solar (?:cells?|modules?|panels?|roofs?|farms?|parks?|factory|factories|plants?|glass|wafers?|"
        r"business|power|energy)|photovoltaics?|pv (?:modules?|panels?|plants?))\b",
        examples=("Panasonic to exit Tesla's solar factory in Buffalo",),
        near_misses=("a solar-powered electric car",),
    ),
    rule(
        "off:ai",
        "ai artificial chatbot chatbots large llm llms",
        r"(?:(?:ai|artificial intelligence) (?:start-?ups?|company|companies|firms?|labs?|models?|chatbots?|"
        r"data cent(?:er|re)s?|servers?|chips? for data)|chatbots?|large language models?|llms?)\b",
        examples=("Tesla asked shareholders whether to invest in xAI, the AI startup founded by Elon Musk",),
        near_misses=("Nvidia's AI chips for self-driving cars",),
    ),
    rule(
        "off:hydrogen",
        "hydrogen fuel electrolys* electrolyz* electrolyser electrolysers",
        r"(?:hydrogen|fuel[- ]cells?|electroly[sz]\w*)\b",
        examples=("Honda and GM to stop fuel cell production", "a hydrogen truck venture"),
        near_misses=("a fuel-efficient car",),
    ),
    rule(
        "off:motors",
        "industrial factory motor motors water heat hydraulic vacuum compressors hvac machinery",
        r"(?:(?:industrial|factory) (?:electric )?(?:motors?|drives|automation|equipment|machinery)|motors? for "
        r"(?:industr\w+|pumps|fans|compressors|machinery|factories|appliances)|hvac|compressors|"
        r"(?:water|heat|hydraulic|vacuum|industrial) pumps)\b",
        examples=(
            "a venture to make industrial electric motors",
            "motors for pumps and fans",
            "a JV for factory motors",
            "a plant for heat pumps",
        ),
        near_misses=("electric motors for its SUVs", "swapped the gas pumps for BYD's flash chargers"),
    ),
    rule(
        "off:car software",
        "voice in infotainment alexa siri chatgpt connected connectivity carplay android digital wallet",
        r"(?:voice assistants?|voice control|in-car (?:software|assistants?|entertainment|voice|apps?|"
        r"payments?)|infotainment|alexa|siri|chatgpt|connected[- ]car (?:services|platform)|connectivity|"
        r"carplay|android auto|digital (?:car )?keys?|wallet)\b",
        examples=(
            "Mercedes adds a ChatGPT voice assistant",
            "an in-car entertainment deal",
            "drivers gain digital key access through Samsung Wallet",
        ),
        near_misses=("Mercedes adds Nvidia driving software",),
    ),
    rule(
        "off:mining",
        "haul mining mine iron",
        r"(?:(?<!electric )(?<!battery-electric )(?<!long-)(?<!long )haul trucks?|"
        r"mining (?:operations?|equipment|trucks?|fleets?|sites?)|"
        r"mine sites?|iron ore)\b",
        examples=(
            "Vale and Caterpillar expand their autonomous mining operation",
            "autonomous haul trucks at iron ore mines",
        ),
        near_misses=(
            "battery-electric haul trucks for BHP",
            "Vale will supply nickel to Tesla",
            "chargers for long-haul trucks",
        ),
    ),
    rule(
        "off:electronics",
        "smartphone smartphones phone phones laptop laptops tablet tablets wearables consumer tv tvs",
        r"(?:smartphones?|phones?|laptops?|tablets?|wearables|consumer electronics|tvs?|televisions?)\b",
        examples=("chips for smartphones and laptops",),
        near_misses=("chips for electric cars",),
    ),
    rule(
        "not_ev",
        "solar fuel stem missile missiles army navy submarine submarines military defence defense evtol air "
        "aircraft airline airlines aviation petrol diesel gasoline combustion formula f1 vaccine vaccines drug "
        "drugs oncology pharma* antibod* cancer clinical credit mastercard pay reinsur* 5g satellite "
        "satellites starlink sponsor* shirt shirts tournament football tennis stadium cloud plea assault "
        "charged convicted sentenced courtroom mining haul engine engines",
        r"(?:(?:solar|stem) cells?|missiles?|army|navy|submarines?|military|defen[cs]e contract|evtol|"
        r"air[- ]taxis?|aircraft|airlines?|aviation|petrol|diesel|gasoline|combustion|formula (?:one|1)|f1|"
        r"vaccines?|drugs?|oncology|pharma\w*|antibod\w+|cancer|clinical|credit cards?|mastercard|pay later|"
        r"reinsur\w+|5g|satellites?|starlink|sponsor\w*|shirts?|tournament|football|tennis|stadium|"
        r"cloud|plea|assault|charged with|convicted|sentenced|courtroom|mining operations?|"
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
        "blaze replace* defect defects crash crashes duty duties auction arrive arrives arriving hit hits goes "
        "hand hands handed deliver delivers rolls rolled gets get taking orders",
        r"(?:hires?|hired|appoints?|appointed|names? (?:new|former|ex-)|resigns?|steps? down|recalls?|"
        r"recalled|layoffs?|lays? off|cuts? (?:\d+|jobs|staff)|ipo|debut\w*|earnings|revenue|profit|"
        r"loss(?:es)?|quarter|results|deliveries|sales (?:rise|fall|jump|drop)|unveil\w*|hands? over|handed over|"
        r"delivers? (?:its |the )?first|hand(?:s|ed)? (?:over )?(?:its |the )?first|launch(?:es|ed)? "
        r"(?:its|the|a|new)|reveals?|opens? (?:its|a|first|new)|incorporates?|files? for|bankrupt\w*|"
        r"chapter (?:7|11)|administration|insolvency|collapses?|tariffs?|subsid\w+|incentives?|bans?|fined|"
        r"probe|investigat\w*|lawsuit|sues?|settle\w*|passes|milestone|breaks ground|picks [A-Z][a-z]+ for|"
        r"outsells?|outsold|overtakes?|overtook|beats|tops|ranking|best-selling|fires?|blaze|replace\w*|"
        r"defects?|crash(?:es)?|duty|duties|auction|arriv(?:e|es|ing)|hits? (?:dealers|showrooms|the road)|"
        r"goes on sale|opens? (?:pre-?)?orders|(?:starts?|started|begins?|began) taking (?:pre-?)?orders|"
        r"rolls? out of|rolled out of|gets? (?:a |an )?(?:[\w⟦⟧-]+ ){0,2}?(?:factory|plant) (?:upgrade|expansion)|"
        r"launch(?:es|ed)?(?! (?:a |an |the )?(?:joint|partnership|venture|alliance)))\b",
        examples=(
            "Huawei-designed Luxeed sedan from Chery opens orders",
            "Mazda-branded EZ-6 sedan rolls out of Changan plant",
            "Huawei-backed Aito brand gets Seres factory upgrade",
        ),
        near_misses=("EVgo-branded Tesla Superchargers are coming",),
    ),
    rule(
        "acquisition",
        "acquire acquires acquired acquiring acquisition buys bought to takeover takes took "
        "purchase merger merges merged complete completes",
        rf"(?:acquires?|acquired|acquiring|acquisition of|buys|bought|to buy|takeover of|takes over|"
        rf"took over|purchase of|merger with|merges with|merged with|completes? (?:its )?merger)\s+"
        rf"(?:(?!(?:from|to|for|with|more|up|over|about|around|some)\b|\d)[\w-]+\s+){{0,4}}?"
        rf"(?:{SLOT}(?!'s)|blank-check|spac)",
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
        "existing_venture",
        "loan loans lend* lent credit refinanc* expan* enlarg* boost* capital joint jv venture",
        r"(?:loans?|lend\w*|lent|credit (?:line|facility)|refinanc\w*|expan\w*|enlarg\w*|boost\w*|"
        r"capital increase) (?:[\w$.,-]+ ){0,6}?(?:its|their|the) (?:[\w-]+ ){0,3}?(?:joint venture|jv|venture)\b|"
        r"(?:joint venture|jv|venture) (?:gets|wins|secures|receives|lands|obtains|takes) (?:[\w$.,-]+ ){0,4}?"
        r"(?:loans?|financing|credit)\b",
        examples=(
            "Toyota lends $1 billion to its battery joint venture with Panasonic",
            "the Ultium Cells joint venture gets a $2.5 billion loan",
        ),
        near_misses=("Toyota and Panasonic form a battery joint venture",),
    ),
    rule(
        "venture_news",
        "joint venture jv",
        r"(?:joint venture|venture|jv)(?:\s+(?:with|of|between)\s+(?:[\w-]+\s+){0,2}?⟦\d+⟧"
        r"(?:\s*(?:,|and|&)\s*⟦\d+⟧)*)?,?\s+(?:slows?|slowed|delays?|delayed|paus(?:es|ed)|hits?|reach(?:es|ed)|"
        r"opens?|opened|(?:starts?|started|begins?|began) (?:production|output|mass production|building|making|"
        r"producing|assembling|exporting|exports|deliveries|taking orders)|broke ground|breaks? ground|"
        r"rolls? out|rolled out|cuts?|lays? off|hires?|posts?|reports?|recalls?)\b",
        examples=(
            "Ford's battery JV with SK On slows hiring",
            "the joint venture reached full production",
            "Ultium Cells, the carmaker's battery joint venture, reached full output",
            "Changan Mazda, the carmakers' Chinese joint venture, began building the EZ-6 electric sedan",
        ),
        near_misses=(
            "Ford and SK On form a battery JV to build three plants",
            "the venture will start production",
        ),
    ),
    rule(
        "dispute",
        "settle* lawsuit lawsuits sue sues sued suing litigation dispute feud trade court antitrust import "
        "lawmakers senators senator congress republicans democrats question questions questioned scrutiny",
        r"(?:settle\w*|lawsuits?|sues?|sued|suing|litigation|dispute|feud|trade[- ]secrets?|court\b(?!\s+⟦)|"
        r"antitrust|"
        r"import ban|lawmakers|senators?|congress|republicans|democrats|question(?:s|ed)? \S+ (?:over|about)|"
        r"scrutiny)\b",
        examples=("Tianqi takes the regulator to court over the pact", "Lordstown sues Foxconn"),
        near_misses=("Volkswagen is said to court Foxconn and Magna",),
    ),
    rule(
        "digest",
        "digest round roundup newsletter week briefing top podcast episode quick live what quiz download morning",
        r"(?:digest|round-?up|newsletter|week in review|briefing|top stories|podcast|episode|quick charge|"
        r"live updates|live blog|what we're|quiz|the download|morning brief)\b",
    ),
    rule(
        "digest_start",
        "weekly daily morning evening the this opinion analysis commentary column explainer interview podcast",
        r"(?:(?:weekly|daily|morning|evening|the week|this week)\b|"
        r"(?:opinion|analysis|commentary|column|explainer|interview|podcast)\s*:)",
        examples=(
            "Opinion: Western carmakers need Chinese partners",
            "Analysis: why battery ventures keep forming",
        ),
        near_misses=("Stellantis and CATL sign an LFP deal after months of analysis",),
    ),
    rule(
        "consumer_deals",
        "flash on sale deal deals price discount* coupon promo lowest all new best black cyber prime off",
        r"(?:flash sale|on sale|sale price|(?<!strike )(?<!strikes )(?<!sign )(?<!signs )(?<!seal )(?<!seals )"
        r"deals? on|price cuts?|discount\w*|coupon|promo code|lowest price|"
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
]
