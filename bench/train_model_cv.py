"""Cross-validation of evradar's second opinion, grouped by source file (`python bench/train_model.py --cv`).

Each labelled file in turn is left out: the model is trained on the others and judged on it,
alone (how often its EV judgement and its kind are right) and inside the EV-partnership
handler beside the rules (how many kinds of true alerts it makes right or wrong, at each
probability threshold). The rules were written while reading these same files, so beside
them the model's gains are, if anything, understated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from bot.flow.classify import item_from_json
from bot.flow.detection import DEFAULT_HANDLERS, config_file, load_companies, load_handlers
from handlers import _model
from handlers.ev_partnership import EvPartnershipHandler

KIND_THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
EV_CONFIDENCE = (0.6, 0.7, 0.8, 0.9)


def report(data: Sequence[Any], train: Callable[[Sequence[Any]], dict[str, Any]]) -> None:
    handler = load_handlers(DEFAULT_HANDLERS, load_companies(config_file("companies")))[0]
    assert isinstance(handler, EvPartnershipHandler)
    sources = sorted({e.source for e in data})
    ev_right = kind_right = kinds = 0
    rules_kind = n_alerts = 0
    by_threshold = dict.fromkeys(KIND_THRESHOLDS, 0)
    changed = {t: [0, 0] for t in KIND_THRESHOLDS}  # made right, made wrong
    ev_flips = {t: [0, 0] for t in EV_CONFIDENCE}
    rules_ev = deals = 0
    for source in sources:
        model = _model.from_json(train([e for e in data if e.source != source]))
        held = [e for e in data if e.source == source]
        for example in held:
            p = model.ev(set(example.ev_features))
            ev_right += (p >= 0.5) == example.ev
            if example.kind:
                kinds += 1
                kind_right += model.kind(set(example.kind_features))[0] == example.kind
        handler.model = None
        plain = [handler.detect(item_from_json(e.data)) for e in held]
        for example, found in zip(held, plain, strict=True):
            if found is None or len(found.partners) < 2:
                continue
            deals += 1
            rules_ev += found.ev == example.ev
            p = model.ev(set(example.ev_features))
            for t in EV_CONFIDENCE:
                says = True if p >= t else False if p <= 1 - t else found.ev
                if says != found.ev:
                    ev_flips[t][says != example.ev] += 1
        true_alerts = [(e, d) for e, d in zip(held, plain, strict=True) if d and d.alert and e.ev and e.kind]
        n_alerts += len(true_alerts)
        rules_kind += sum(d.kind == e.kind for e, d in true_alerts)
        for t in KIND_THRESHOLDS:
            handler.model = dataclasses.replace(model, thresholds=dataclasses.replace(model.thresholds, kind=t))
            for example, before in true_alerts:
                after = handler.detect(item_from_json(example.data))
                kind = after.kind if after else ""
                by_threshold[t] += kind == example.kind
                if kind != before.kind and example.kind in (kind, before.kind):
                    changed[t][kind != example.kind] += 1
    print(f"cross-validation by source file ({', '.join(sources)}), {len(data)} stories")
    print(f"model alone: EV judgement right {ev_right / len(data):.3f} of {len(data)} stories")
    print(f"model alone: kind right {kind_right / kinds:.3f} of {kinds} partnerships")
    print(f"deals with two partners: rules' EV judgement right {rules_ev / deals:.3f} of {deals}")
    for t in EV_CONFIDENCE:
        right, wrong = ev_flips[t]
        print(f"  the model overriding them from {t:.0%} sure: {right} made right, {wrong} made wrong")
    print(f"kind of {n_alerts} true alerts, rules alone: {rules_kind} right ({rules_kind / n_alerts:.3f})")
    for t in KIND_THRESHOLDS:
        right, wrong = changed[t]
        print(
            f"  model decides weak-cue kinds from p >= {t:.2f}: {by_threshold[t]} right "
            f"({by_threshold[t] / n_alerts:.3f}; {right} made right, {wrong} made wrong)"
        )
