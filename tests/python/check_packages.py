"""Judge generated node packages with the real framework, in one process.

Usage: python check_packages.py OUT_DIR [PACKAGE ...]

For every package under OUT_DIR (or the ones named): import it, construct the
node class it exports with a real ModelONEXContainer, run initialize() and
cleanup(), and validate its contract.yaml with ModelYamlContract. Prints one
JSON object per package and exits 1 if any package failed.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import traceback
from pathlib import Path

import yaml
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.models.contracts.model_yaml_contract import ModelYamlContract
from omnibase_core.nodes import NodeCompute, NodeEffect, NodeOrchestrator, NodeReducer

BASES = {
    "EFFECT_GENERIC": NodeEffect,
    "COMPUTE_GENERIC": NodeCompute,
    "REDUCER_GENERIC": NodeReducer,
    "ORCHESTRATOR_GENERIC": NodeOrchestrator,
}


def check(out: Path, name: str) -> dict[str, object]:
    result: dict[str, object] = {"package": name}
    data = yaml.safe_load((out / name / "contract.yaml").read_text(encoding="utf-8"))
    contract = ModelYamlContract.model_validate(data)
    node_type = contract.node_type.value
    result["node_type"] = node_type
    module = importlib.import_module(name)
    exported = [getattr(module, n) for n in module.__all__]
    nodes = [c for c in exported if isinstance(c, type) and issubclass(c, tuple(BASES.values()))]
    if len(nodes) != 1:
        raise AssertionError(f"expected one exported node class, found {nodes!r}")
    node_class = nodes[0]
    result["class"] = node_class.__name__
    result["base"] = node_class.__mro__[1].__name__
    if not issubclass(node_class, BASES[node_type]):
        raise AssertionError(f"{node_class.__name__} does not derive from {BASES[node_type].__name__}")
    node = node_class(ModelONEXContainer())

    async def lifecycle() -> None:
        await node.initialize()
        await node.cleanup()

    asyncio.run(lifecycle())
    return result


def main() -> int:
    out = Path(sys.argv[1]).resolve()
    names = sys.argv[2:] or sorted(p.name for p in out.iterdir() if (p / "__init__.py").is_file())
    sys.path.insert(0, str(out))
    failed = 0
    for name in names:
        try:
            record = check(out, name)
            record["ok"] = True
        except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
            failed += 1
            record = {"package": name, "ok": False, "error": "".join(traceback.format_exception_only(error)).strip()}
        print(json.dumps(record), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
