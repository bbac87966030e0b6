#!/usr/bin/python3
"""Checks schemas/ (DESIGN §2, §4): every JSON Schema is a valid draft 2020-12
schema, every $ref resolves, every example validates, the envelope maps each
event type to its events/<type>.schema.json, openapi.json references only what
exists and uses every command and response schema; and, given a file of event
samples (one EnvelopeJson per line, written by the domain tests), that every
emitted event matches the envelope and its type's data schema, so code and
schemas cannot drift apart.

Usage:
  validate_schemas.py SCHEMAS_DIR [--samples FILE] [--responses FILE]
                      [--run-domain-test BINARY] [--run-sample-writer BINARY]

--run-domain-test runs BINARY with REDLEDGER_EVENT_SAMPLES=FILE first (the
file is removed before), and then requires FILE to hold at least one event.
Without --samples, REDLEDGER_EVENT_SAMPLES from the environment is used when
set. --run-sample-writer runs BINARY SAMPLES RESPONSES (tests/schemas/
schema_samples.cc), which appends events to SAMPLES and writes response
bodies, one {"schema": "responses/<name>.schema.json", "body": …} per line,
to RESPONSES; each body is validated against its schema. Exits non-zero,
naming each problem, on any failure.

Runs offline with Debian's python3-jsonschema (4.10, RefResolver) and with
newer releases (the `referencing` registry).
"""
import argparse
import json
import os
import subprocess
import sys
import urllib.parse

import jsonschema

BASE = "https://redledger.example/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

try:  # jsonschema >= 4.18
    import referencing
    import referencing.jsonschema
except ImportError:
    referencing = None


class Checker:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.problems = []
        self.schemas = {}  # $id -> schema
        self.paths = {}    # $id -> path relative to root

    def fail(self, where, what):
        self.problems.append("%s: %s" % (where, what))

    # --- loading -----------------------------------------------------------
    def load_all(self):
        for dirpath, _, files in os.walk(self.root):
            for f in sorted(files):
                if not f.endswith(".schema.json"):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), self.root).replace(os.sep, "/")
                try:
                    with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                        doc = json.load(fh)
                except (OSError, ValueError) as e:
                    self.fail(rel, "not JSON: %s" % e)
                    continue
                if doc.get("$schema") != DRAFT:
                    self.fail(rel, "$schema must be %s" % DRAFT)
                if doc.get("$id") != BASE + rel:
                    self.fail(rel, "$id must be %s" % (BASE + rel))
                    continue
                self.schemas[doc["$id"]] = doc
                self.paths[doc["$id"]] = rel
        if not self.schemas:
            self.fail(self.root, "no *.schema.json files")
        if referencing:
            resources = [(i, referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT202012))
                         for i, s in self.schemas.items()]
            self.registry = referencing.Registry().with_resources(resources)

    def validator(self, schema, base_id):
        if referencing:
            return jsonschema.Draft202012Validator(schema, registry=self.registry)
        resolver = jsonschema.RefResolver(base_uri=base_id, referrer=self.schemas[base_id], store=dict(self.schemas))
        return jsonschema.Draft202012Validator(schema, resolver=resolver)

    def resolve(self, base_id, ref):
        """The target of `ref` seen from the document `base_id`, or raises."""
        url = urllib.parse.urljoin(base_id, ref)
        doc_url, _, fragment = url.partition("#")
        if doc_url not in self.schemas:
            raise LookupError("no schema with $id %s" % doc_url)
        target = self.schemas[doc_url]
        for part in [p for p in fragment.split("/") if p]:
            part = urllib.parse.unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(target, list):
                target = target[int(part)]
            elif isinstance(target, dict) and part in target:
                target = target[part]
            else:
                raise LookupError("no %s in %s" % (fragment, doc_url))
        return target

    def errors(self, where, schema, base_id, instance):
        v = self.validator(schema, base_id)
        try:
            found = sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))
        except Exception as e:  # an unresolvable $ref surfaces only while validating
            self.fail(where, "cannot validate: %s: %s" % (type(e).__name__, str(e)[:300]))
            return
        for e in found:
            self.fail(where, "/%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message))

    # --- schema files --------------------------------------------------------
    def check_schemas(self):
        for sid, doc in sorted(self.schemas.items()):
            rel = self.paths[sid]
            try:
                jsonschema.Draft202012Validator.check_schema(doc)
            except jsonschema.exceptions.SchemaError as e:
                self.fail(rel, "invalid schema: %s" % e.message)
                continue
            for ref in refs_in(doc):
                try:
                    self.resolve(sid, ref)
                except (LookupError, ValueError, IndexError) as e:
                    self.fail(rel, "$ref %s does not resolve: %s" % (ref, e))
            # DESIGN §4: unknown body fields are invalid_request; event data is closed too.
            if rel.split("/")[0] in ("commands", "events") and doc.get("additionalProperties") is not False:
                self.fail(rel, "must set additionalProperties: false")
            examples = doc.get("examples")
            if rel != "defs.schema.json" and (not isinstance(examples, list) or not examples):
                self.fail(rel, "needs a non-empty `examples` array")
            for i, ex in enumerate(examples or []):
                self.errors("%s examples[%d]" % (rel, i), doc, sid, ex)
                if rel.startswith("events/"):
                    self.check_no_float("%s examples[%d]" % (rel, i), ex)
            for name, d in (doc.get("$defs") or {}).items():
                for i, ex in enumerate(d.get("examples") or []):
                    self.errors("%s $defs/%s examples[%d]" % (rel, name, i), {"$ref": sid + "#/$defs/" + name}, sid, ex)

    def event_types(self):
        return sorted(self.paths[i][len("events/"):-len(".schema.json")] for i in self.paths if self.paths[i].startswith("events/"))

    def check_envelope_mapping(self):
        env = self.schemas.get(BASE + "envelope.schema.json")
        if env is None:
            self.fail("envelope.schema.json", "missing")
            return
        mapped = {}
        for clause in env.get("allOf", []):
            t = clause.get("if", {}).get("properties", {}).get("type", {}).get("const")
            target = clause.get("then", {}).get("properties", {}).get("data", {}).get("$ref")
            if t:
                mapped[t] = target
        for t in self.event_types():
            if mapped.get(t) != "events/%s.schema.json" % t:
                self.fail("envelope.schema.json", "allOf must map type %s to events/%s.schema.json" % (t, t))
        for t in sorted(set(mapped) - set(self.event_types())):
            self.fail("envelope.schema.json", "maps type %s, which has no events/ schema" % t)

    def check_no_float(self, where, value):
        if isinstance(value, float):
            self.fail(where, "floating point value %r (event data holds no floating point)" % value)
        elif isinstance(value, dict):
            for k, v in value.items():
                self.check_no_float(where + "/" + k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.check_no_float("%s/%d" % (where, i), v)

    # --- OpenAPI ---------------------------------------------------------------
    def check_openapi(self):
        path = os.path.join(self.root, "openapi.json")
        try:
            with open(path, encoding="utf-8") as fh:
                api = json.load(fh)
        except (OSError, ValueError) as e:
            self.fail("openapi.json", "cannot load: %s" % e)
            return
        if not str(api.get("openapi", "")).startswith("3.1."):
            self.fail("openapi.json", "openapi must be 3.1.x")
        if api.get("jsonSchemaDialect", DRAFT) != DRAFT:
            self.fail("openapi.json", "jsonSchemaDialect must be %s" % DRAFT)
        used = set()
        openapi_id = BASE + "openapi.json"
        for ref in refs_in(api):
            if ref.startswith("#"):
                try:
                    json_pointer(api, ref[1:])
                except LookupError as e:
                    self.fail("openapi.json", "$ref %s: %s" % (ref, e))
                continue
            url = urllib.parse.urljoin(openapi_id, ref)
            used.add(url.partition("#")[0])
            try:
                self.resolve(openapi_id, ref)
            except (LookupError, ValueError, IndexError) as e:
                self.fail("openapi.json", "$ref %s does not resolve: %s" % (ref, e))
        methods = {"get", "put", "post", "delete", "patch", "head", "options"}
        for p, item in sorted(api.get("paths", {}).items()):
            ops = {m: o for m, o in item.items() if m in methods}
            if not ops:
                self.fail("openapi.json", "%s has no operation" % p)
            params = {seg[1:-1] for seg in p.split("/") if seg.startswith("{") and seg.endswith("}")}
            for m, op in ops.items():
                declared = {resolve_local(api, q).get("name") for q in item.get("parameters", []) + op.get("parameters", [])
                            if resolve_local(api, q).get("in") == "path"}
                if params != declared:
                    self.fail("openapi.json", "%s %s: path parameters %s, declared %s" % (m.upper(), p, sorted(params), sorted(declared)))
                if not op.get("responses"):
                    self.fail("openapi.json", "%s %s has no responses" % (m.upper(), p))
                if not op.get("operationId"):
                    self.fail("openapi.json", "%s %s has no operationId" % (m.upper(), p))
        # Schemas reached from the document through other schemas count as used.
        todo = list(used)
        while todo:
            sid = todo.pop()
            for ref in refs_in(self.schemas.get(sid, {})):
                target = urllib.parse.urljoin(sid, ref).partition("#")[0]
                if target not in used:
                    used.add(target)
                    todo.append(target)
        for sid, rel in sorted(self.paths.items()):
            if rel.split("/")[0] in ("commands", "responses") or rel == "envelope.schema.json":
                if sid not in used:
                    self.fail("openapi.json", "does not reference %s" % rel)

    # --- event samples -------------------------------------------------------
    def check_samples(self, samples):
        try:
            with open(samples, encoding="utf-8") as fh:
                lines = [l for l in fh.read().split("\n") if l.strip()]
        except OSError as e:
            self.fail(samples, "cannot read event samples: %s" % e)
            return
        if not lines:
            self.fail(samples, "no event samples: the domain tests wrote none")
            return
        env_id = BASE + "envelope.schema.json"
        known = set(self.event_types())
        seen = {}
        for n, line in enumerate(lines, 1):
            where = "%s:%d" % (os.path.basename(samples), n)
            try:
                e = json.loads(line)
            except ValueError as err:
                self.fail(where, "not JSON: %s" % err)
                continue
            t = e.get("type") if isinstance(e, dict) else None
            if t not in known:
                self.fail(where, "event type %r has no schema in events/" % t)
                continue
            before = len(self.problems)
            self.errors(where + " (envelope, %s)" % t, self.schemas[env_id], env_id, e)
            self.check_no_float(where + " data", e.get("data"))
            seen[t] = seen.get(t, 0) + 1
            if len(self.problems) - before > 50:
                break
        print("validated %d event samples: %s" % (len(lines), ", ".join("%s×%d" % kv for kv in sorted(seen.items()))))
        missing = sorted(known - set(seen))
        if missing:
            print("event types not in the samples: %s" % ", ".join(missing))

    def check_responses(self, path):
        try:
            with open(path, encoding="utf-8") as fh:
                lines = [l for l in fh.read().split("\n") if l.strip()]
        except OSError as e:
            self.fail(path, "cannot read response samples: %s" % e)
            return
        if not lines:
            self.fail(path, "no response samples")
        seen = set()
        for n, line in enumerate(lines, 1):
            where = "%s:%d" % (os.path.basename(path), n)
            try:
                sample = json.loads(line)
                sid = BASE + sample["schema"]
                body = sample["body"]
            except (ValueError, KeyError, TypeError) as e:
                self.fail(where, "not a {\"schema\", \"body\"} line: %s" % e)
                continue
            if sid not in self.schemas:
                self.fail(where, "no schema %s" % sample["schema"])
                continue
            seen.add(sample["schema"])
            self.errors("%s (%s)" % (where, sample["schema"]), self.schemas[sid], sid, body)
        print("validated %d response samples against %d schemas" % (len(lines), len(seen)))


def refs_in(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            elif k not in ("examples", "example", "const", "enum"):
                yield from refs_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs_in(v)


def json_pointer(doc, pointer):
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            raise LookupError("no %s" % pointer)
    return doc


def resolve_local(api, node):
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#"):
        node = json_pointer(api, node["$ref"][1:])
    return node


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("schemas")
    ap.add_argument("--samples", default=os.environ.get("REDLEDGER_EVENT_SAMPLES"))
    ap.add_argument("--responses")
    ap.add_argument("--run-domain-test")
    ap.add_argument("--run-sample-writer")
    args = ap.parse_args()

    c = Checker(args.schemas)

    def run(argv, env=None):
        try:
            rc = subprocess.run(argv, env=env).returncode
        except OSError as e:
            rc = "no run: %s" % e
        if rc != 0:
            c.fail(argv[0], "exited with %s" % rc)

    if args.run_domain_test or args.run_sample_writer:
        if not args.samples:
            sys.exit("--run-domain-test and --run-sample-writer need --samples FILE")
        if os.path.exists(args.samples):
            os.remove(args.samples)
    if args.run_domain_test:
        run([args.run_domain_test, "--gtest_brief=1"], dict(os.environ, REDLEDGER_EVENT_SAMPLES=os.path.abspath(args.samples)))
    if args.run_sample_writer:
        if not args.responses:
            sys.exit("--run-sample-writer needs --responses FILE")
        run([args.run_sample_writer, args.samples, args.responses])
    c.load_all()
    c.check_schemas()
    c.check_envelope_mapping()
    c.check_openapi()
    if args.samples:
        c.check_samples(args.samples)
    if args.responses:
        c.check_responses(args.responses)
    print("checked %d schemas in %s" % (len(c.schemas), c.root))
    if c.problems:
        for p in c.problems:
            print("FAIL " + p, file=sys.stderr)
        print("%d problem(s)" % len(c.problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
