"""Run generated node packages the way the framework runs them.

usage: run_nodes.py OUT CASES.json [PREFIX]

OUT holds the packages (it goes on sys.path; with PREFIX, the dotted
import path of OUT such as `myproj.nodes`, the directory above that does); CASES.json is a list of
{"package", "input" (a JSON object, or null for the runtime's own empty
request), "operation" (or null), "process" (bool), "runtime" (bool, default
true)}. For each case this runs omnibase-core's RuntimeLocal on the
package's contract.yaml (unless "runtime" is false: RuntimeLocal as used
here exists from omnibase-core 0.46.1 on) and, when "process" is set, `await node.process(...)` with the framework's own input
model, and prints one JSON line:

{"package", "runtime": {"result", "handler_result", "exceptions"} | null,
 "process": {"result", "exceptions"} | null}

"exceptions" lists every exception the run raised or logged, with its chain,
as "Type: message" strings; "handler_result" and "result" are JSON.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from pydantic import BaseModel


class Collect(logging.Handler):
    """Keeps every exception a log record carries."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.exceptions: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.exceptions.extend(chain(record.exc_info[1]))


def chain(exc: BaseException) -> list[str]:
    out = []
    seen: BaseException | None = exc
    while seen is not None:
        out.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    return out


def as_json(value: object) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    try:
        json.dumps(value)
    except TypeError:
        return repr(value)
    return value


async def run_runtime(out: Path, case: dict[str, Any], collect: Collect) -> dict[str, Any]:
    from omnibase_core.runtime.runtime_local import RuntimeLocal

    collect.exceptions = []
    contract = out / case["package"] / "contract.yaml"
    with tempfile.TemporaryDirectory() as state:
        input_path = None
        if case.get("input") is not None:
            input_path = Path(state) / "input.json"
            input_path.write_text(json.dumps(case["input"]), encoding="utf-8")
        runtime = RuntimeLocal(
            contract,
            state_root=Path(state) / "state",
            input_path=input_path,
            timeout=20,
        )
        exceptions: list[str] = []
        try:
            result = await runtime.run_async()
            result_name = result.name
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            exceptions.extend(chain(exc))
            result_name = "RAISED"
        last_error = getattr(runtime, "_last_error", None)
        return {
            "result": result_name,
            "handler_result": as_json(runtime.handler_result),
            "exceptions": collect.exceptions + exceptions,
            "last_error": last_error,
        }


async def run_process(case: dict[str, Any], prefix: str) -> dict[str, Any]:
    from omnibase_core.models.container.model_onex_container import (
        ModelONEXContainer,
    )

    package = importlib.import_module(prefix + case["package"])
    node_class = getattr(package, package.__all__[0])
    node = node_class(ModelONEXContainer())
    await node.initialize()
    data = case.get("input") or {}
    operation = case.get("operation")
    kind = type(node).__mro__[1].__name__
    try:
        if kind == "NodeCompute":
            from omnibase_core.models.compute.model_compute_input import (
                ModelComputeInput,
            )

            request = ModelComputeInput(
                data=data, computation_type=operation or "default"
            )
            output = await node.process(request)
            return {"result": as_json(output.result), "exceptions": []}
        if kind == "NodeEffect":
            from omnibase_core.enums.enum_effect_types import EnumEffectType
            from omnibase_core.models.effect.model_effect_input import (
                ModelEffectInput,
            )

            payload = dict(data)
            if operation:
                payload["operation_name"] = operation
            request = ModelEffectInput(
                effect_type=EnumEffectType.API_CALL, operation_data=payload
            )
            output = await node.process(request)
            return {"result": as_json(output.result), "exceptions": []}
        return {"result": None, "exceptions": [f"not dispatched: {kind}"]}
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        return {"result": None, "exceptions": chain(exc)}
    finally:
        await node.cleanup()


async def main() -> None:
    out = Path(sys.argv[1]).resolve()
    cases = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    prefix = sys.argv[3] if len(sys.argv) > 3 else ""
    root = out
    for _ in prefix.split(".") if prefix else []:
        root = root.parent
    sys.path.insert(0, str(root))
    prefix = prefix + "." if prefix else ""
    collect = Collect()
    logging.getLogger().addHandler(collect)
    logging.getLogger().setLevel(logging.DEBUG)
    for case in cases:
        record: dict[str, Any] = {"package": case["package"]}
        try:
            record["runtime"] = (
                await run_runtime(out, case, collect)
                if case.get("runtime", True)
                else None
            )
            record["process"] = await run_process(case, prefix) if case.get("process") else None
        except Exception:  # noqa: BLE001 - one bad package must not hide the rest
            record["crash"] = traceback.format_exc()
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
