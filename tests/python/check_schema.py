"""Validates contracts against the contract JSON Schema (draft 2020-12).

Usage: check_schema.py SCHEMA CONTRACT...
Prints one JSON object: each contract's path to its list of schema errors
(empty when it validates). Exits 1 if the schema itself is not valid.
"""

import json
import sys

import jsonschema
import yaml


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        schema = json.load(handle)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        print(f"the schema is not valid: {error.message}", file=sys.stderr)
        return 1
    validator = jsonschema.Draft202012Validator(schema)
    results = {}
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        results[path] = [error.message for error in validator.iter_errors(data)]
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
