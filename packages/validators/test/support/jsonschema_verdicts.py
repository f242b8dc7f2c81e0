"""Verdicts of Python's jsonschema on a corpus of values, for other-languages.test.ts.

Usage: python3 jsonschema_verdicts.py CORPUS.json

CORPUS.json: {"schemaSets": {"<set>": "<directory of exported schemas>"},
              "cases": [{"set": "<set>", "file": "send_event.json", "value": ...}, ...]}
Each case's value is checked with Draft7Validator against <directory>/<file>, WITHOUT a format
checker: what a Python service gets from the exported schemas and nothing else. Prints one JSON
document on stdout: {"jsonschema": "<version>", "python": "<version>", "verdicts": [{"valid": bool,
"errors": [{"pointer": "/json/pointer", "keyword": "...", "message": "..."}]}, ...]}, one verdict
per case, in order.
"""

import json
import os
import sys
from importlib.metadata import version

from jsonschema import Draft7Validator


def pointer(path):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def main(corpus_path):
    with open(corpus_path, encoding="utf-8") as f:
        corpus = json.load(f)
    validators = {}

    def validator(schema_set, file):
        key = (schema_set, file)
        if key not in validators:
            with open(os.path.join(corpus["schemaSets"][schema_set], file), encoding="utf-8") as f:
                schema = json.load(f)
            Draft7Validator.check_schema(schema)
            validators[key] = Draft7Validator(schema)  # no format_checker: formats are annotations
        return validators[key]

    verdicts = []
    for case in corpus["cases"]:
        errors = [
            {"pointer": pointer(e.absolute_path), "keyword": e.validator, "message": e.message[:300]}
            for e in validator(case["set"], case["file"]).iter_errors(case["value"])
        ]
        verdicts.append({"valid": not errors, "errors": errors})
    out = {
        "jsonschema": version("jsonschema"),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "verdicts": verdicts,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: jsonschema_verdicts.py CORPUS.json")
    main(sys.argv[1])
