#!/usr/bin/env python3
"""Benchmark workload: N synthetic ONEX v2.0 contracts, deterministic by seed.

Every node type appears, each model has 5-20 fields of mixed types (scalars,
constraints, lists, dicts, optionals, literals, references to definitions),
definitions nest (a definition refers to another definition or an enum), and
each contract routes 1-3 operations to handlers. With --infra DIR the real
omnibase-infra contracts under DIR are replicated under unique names (the
`name:` keys and every module path segment equal to the node name renamed) and
take every fourth slot, so a quarter of the corpus is real-world shaped.

Usage: gen_contracts.py N OUT_DIR [--seed S] [--infra DIR]
Standard library only (runs with the system python3).
"""

import argparse
import os
import random
import re
import sys

NODE_TYPES = [
    ("compute", "COMPUTE_GENERIC"),
    ("effect", "EFFECT_GENERIC"),
    ("reducer", "REDUCER_GENERIC"),
    ("orchestrator", "ORCHESTRATOR_GENERIC"),
]
NOUNS = [
    "invoice", "order", "payment", "session", "ledger", "shipment", "account",
    "tenant", "quota", "report", "metric", "alert", "policy", "token", "device",
    "catalog", "price", "stock", "route", "schedule", "audit", "backup", "cache",
    "queue", "topic", "webhook", "profile", "consent", "refund", "coupon",
]
VERBS = [
    "total", "sync", "gate", "state", "fanout", "merge", "check", "score",
    "notify", "project", "index", "rollup", "expire", "verify", "dispatch",
]
WORDS = [
    "id", "name", "count", "amount", "status", "created_at", "updated_at",
    "owner", "region", "priority", "labels", "attempts", "limit", "offset",
    "reason", "source", "target", "weight", "ratio", "enabled", "payload",
    "checksum", "version", "deadline", "currency", "note", "kind", "scope",
]
SCALARS = ["str", "int", "float", "bool", "uuid", "decimal", "datetime", "date", "bytes"]


def camel(snake):
    return "".join(part.capitalize() for part in snake.split("_"))


def field_spec(rng, refs):
    """One field's YAML value lines (already indented by the caller)."""
    roll = rng.random()
    if roll < 0.35:
        return [rng.choice(SCALARS)]
    if roll < 0.45:
        return ["type: int", f"ge: {rng.randint(0, 5)}", f"le: {rng.randint(100, 10000)}"]
    if roll < 0.52:
        return ["type: str", f"min_length: {rng.randint(1, 4)}", f"max_length: {rng.randint(32, 256)}",
                "description: A bounded string."]
    if roll < 0.60:
        return [f"list[{rng.choice(SCALARS[:6] + refs) if refs else 'str'}]"]
    if roll < 0.66:
        return ["type: dict[str, any]", "default: {}"]
    if roll < 0.74:
        return [f"optional[{rng.choice(SCALARS[:6])}]"]
    if roll < 0.80:
        values = rng.sample(["low", "normal", "high", "urgent", "bulk", "batch"], 3)
        return ["type: literal", f"values: [{', '.join(values)}]", f"default: {values[0]}"]
    if refs:
        ref = rng.choice(refs)
        return [f"{ref} | None" if rng.random() < 0.4 else ref]
    return ["str | None"]


def fields_block(rng, refs, indent, count):
    lines = []
    names = rng.sample(WORDS, min(count, len(WORDS)))
    for i in range(count):
        name = names[i] if i < len(names) else f"extra_{i}"
        spec = field_spec(rng, refs)
        if len(spec) == 1:
            lines.append(f"{indent}{name}: {spec[0]}")
        else:
            lines.append(f"{indent}{name}:")
            lines.extend(f"{indent}  {part}" for part in spec)
    return lines


def synthetic(index, rng):
    kind, node_type = NODE_TYPES[index % 4]
    noun = rng.choice(NOUNS)
    verb = rng.choice(VERBS)
    node = f"node_{noun}_{verb}_{index:05d}_{kind}"
    ops = [f"{noun}.{v}" for v in rng.sample(VERBS, rng.randint(1, 3))]
    enum_name = f"{noun}_status"
    leaf = f"{noun}_part"
    outer = f"{noun}_group"
    lines = [
        f"# Synthetic {node_type} node {index} (benchmark workload).",
        f"name: {node}",
        "contract_version:",
        f"  major: {rng.randint(0, 3)}",
        f"  minor: {rng.randint(0, 9)}",
        "  patch: 0",
        f'node_version: "1.{rng.randint(0, 9)}.0"',
        f"node_type: {node_type}",
        "description: >",
        f"  Synthetic {kind} node over {noun} records: {verb}s them and reports",
        "  the outcome. Generated for benchmarks; deterministic by seed.",
    ]
    for role, suffix in (("input_model", "request"), ("output_model", "result")):
        model = f"{noun}_{verb}_{suffix}"
        lines += [
            f"{role}:",
            f"  name: Model{camel(model)}",
            f"  module: {node}.models.model_{model}",
            f"  description: The {suffix} of one {noun} {verb}.",
            "  fields:",
        ]
        lines += fields_block(rng, [enum_name, outer, leaf], "    ", rng.randint(5, 20))
    if node_type == "REDUCER_GENERIC":
        lines += [
            "state_model:",
            f"  name: Model{camel(noun)}{camel(verb)}Result",
            f"  module: {node}.models.model_{noun}_{verb}_result",
        ]
    lines += [
        "definitions:",
        f"  {leaf}:",
        f"    description: One part of a {noun}.",
        "    fields:",
    ]
    lines += fields_block(rng, [enum_name], "      ", rng.randint(3, 8))
    lines += [
        f"  {outer}:",
        f"    description: A group of {noun} parts.",
        "    fields:",
        f"      parts: list[{leaf}]",
        f"      status: {enum_name}",
        f"      lead: {leaf} | None",
        f"  {enum_name}:",
        f"    enum: [{', '.join(rng.sample(['new', 'open', 'held', 'done', 'failed', 'void'], 4))}]",
        "io_operations:",
    ]
    for op in ops:
        lines += [f"  - operation: {op}", "    input_fields: [id]", "    output_fields: [id]"]
    lines += ["handler_routing:", "  routing_strategy: operation_match", "  handlers:"]
    for op in ops:
        handler = f"{noun}_{op.split('.')[1]}"
        lines += [
            f"    - operation: {op}",
            "      handler:",
            f"        name: Handler{camel(handler)}",
            f"        module: {node}.handlers.handler_{handler}",
        ]
    if node_type == "ORCHESTRATOR_GENERIC":
        lines += [
            "workflow_coordination:",
            "  execution_mode: sequential",
            f"  steps: [{', '.join(o.replace('.', '_') for o in ops)}]",
            "published_events:",
            f"  - event_type: {noun}.{verb}ed",
            f"    topic: onex.evt.{noun}.{verb}.v1",
        ]
    if node_type == "REDUCER_GENERIC":
        lines += [
            "state_machine:",
            "  initial_state: idle",
            "  transitions:",
            "    - {from: idle, to: busy, event: start}",
            "    - {from: busy, to: idle, event: finish}",
        ]
    lines += ["metadata:", f"  author: {camel(noun)} Team", f"  tags: [{kind}, bench]"]
    return node, "\n".join(lines) + "\n"


def infra_contracts(root):
    found = []
    for entry in sorted(os.listdir(root)):
        path = os.path.join(root, entry, "contract.yaml")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                found.append(handle.read())
    return found


NAME_KEY = re.compile(r'^(name|contract_name|node_name):\s*"?([A-Za-z0-9_]+)"?\s*$', re.M)


def rename_infra(text, index):
    match = NAME_KEY.search(text)
    if match is None:
        return None, None
    old = match.group(2)
    new = f"{old}_r{index:05d}"
    text = re.sub(rf'^((?:name|contract_name|node_name):\s*"?){re.escape(old)}(?="?\s*$)',
                  rf"\g<1>{new}", text, flags=re.M)
    # Every module path segment equal to the node name.
    text = re.sub(rf"(?<=\.){re.escape(old)}(?=[.\"'\s]|$)", new, text, flags=re.M)
    text = re.sub(rf"(?<=[\s\"']){re.escape(old)}(?=\.)", new, text, flags=re.M)
    return new, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--infra", help="directory of real contracts to replicate (every 4th slot)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    infra = infra_contracts(args.infra) if args.infra else []
    os.makedirs(args.out, exist_ok=True)
    for index in range(args.n):
        text = None
        if infra and index % 4 == 3:
            _, text = rename_infra(infra[(index // 4) % len(infra)], index)
        if text is None:
            _, text = synthetic(index, rng)
        with open(os.path.join(args.out, f"c{index:05d}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
