#!/usr/bin/python3
"""Validates the documents the scoring code emits against schemas/, so the
code and the schemas cannot drift apart.

Usage: validate_score_docs.py SCHEMAS_DIR SCORING_TEST_BINARY SAMPLES_FILE

Runs the binary with REDLEDGER_SCORE_SAMPLES=SAMPLES_FILE (removed first);
the tests append lines "<schema path under schemas/>\t<JSON>". Each JSON is
validated against its schema (with tests/schemas/validate_schemas.py's
loader and resolver). Exits non-zero, naming each problem.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas"))
import validate_schemas  # noqa: E402


def main():
    schemas_dir, binary, samples = sys.argv[1:4]
    if os.path.exists(samples):
        os.remove(samples)
    env = dict(os.environ, REDLEDGER_SCORE_SAMPLES=os.path.abspath(samples))
    subprocess.run([binary, "--gtest_brief=1"], env=env, check=True, stdout=subprocess.DEVNULL)
    checker = validate_schemas.Checker(schemas_dir)
    checker.load_all()
    problems, seen = list(checker.problems), {}
    with open(samples, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    for n, line in enumerate(lines, 1):
        rel, _, doc = line.partition("\t")
        schema_id = validate_schemas.BASE + rel
        if schema_id not in checker.schemas:
            problems.append("line %d: no schema %s" % (n, rel))
            continue
        validator = checker.validator(checker.schemas[schema_id], schema_id)
        for err in validator.iter_errors(json.loads(doc)):
            problems.append("line %d (%s): %s at %s" % (n, rel, err.message, "/".join(map(str, err.path))))
        seen[rel] = seen.get(rel, 0) + 1
    kinds = {"responses/scores.schema.json", "responses/site_scores.schema.json", "responses/notice.schema.json",
             "responses/policies.schema.json", "events/notice.published.schema.json"}
    for missing in sorted(kinds - set(seen)):
        problems.append("no sample for %s" % missing)
    for p in problems:
        print(p, file=sys.stderr)
    print("validated %d scoring documents: %s" % (len(lines), ", ".join("%s×%d" % kv for kv in sorted(seen.items()))))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
