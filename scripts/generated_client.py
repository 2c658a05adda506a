"""Checks the Python client that openapi-python-client generated from the API's OpenAPI
document (see scripts/generated-client):

1. the generator understood the whole document: no warning but the one it gives for
   file types it has no reader for (spreadsheets);
2. every operation's JSON request body is a model of the client, and every operation
   that answers JSON answers a typed model (or a list, a text, a number), never `Any`;
3. used against a running demo server, the client logs in, reads records, KPIs,
   clusters and funnels into its models, and saves a startup's profile from its
   `StartupInput` model.

    python3 scripts/generated_client.py WORK BASE EMAIL PASSWORD
"""

import importlib
import inspect
import json
import pkgutil
import re
import sys
from pathlib import Path

work, base, email, password = sys.argv[1:5]
failures = []

# 1. the generator's warnings: only for content types it cannot read
log = (Path(work) / "generate.txt").read_text()
for block in log.split("WARNING")[1:]:
    if "Unsupported content_type application/vnd.openxmlformats" not in block:
        failures.append("generator warning:" + block[:400])

sys.path.insert(0, str(Path(work) / "client"))
api = importlib.import_module("innobridge_api_client.api")
from innobridge_api_client import models  # noqa: E402
from innobridge_api_client.client import Client  # noqa: E402
from innobridge_api_client.types import Unset  # noqa: E402

document = json.loads((Path(work) / "openapi.json").read_text())


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# 2. every operation typed
operations = {}
for path, item in document["paths"].items():
    for method, op in item.items():
        operations[snake(op["operationId"])] = (method.upper(), path, op)
# the generator's functions by operation: api/TAG/OPERATION_ID.py
generated = {}
for module in pkgutil.walk_packages(api.__path__, "innobridge_api_client.api."):
    if not module.ispkg:
        generated[module.name.rsplit(".", 1)[1]] = importlib.import_module(module.name)
for name, (method, path, op) in operations.items():
    where = f"{method} {path}"
    mod = generated.get(name)
    if mod is None:
        failures.append(f"{where}: no function in the generated client")
        continue
    signature = inspect.signature(mod.sync_detailed)
    body = op.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        given = signature.parameters.get("body")
        kind = "" if given is None else str(given.annotation)
        if given is None or "Any" in kind or "dict" in kind:
            failures.append(f"{where}: its JSON body is not a model ({kind or 'absent'})")
    answers_json = any(
        code.startswith("2") and "application/json" in r.get("content", {})
        for code, r in op.get("responses", {}).items()
    )
    answered = str(signature.return_annotation)
    if answers_json and "Any" in answered:
        failures.append(f"{where}: answers {answered}, not a typed model")

# 3. the client at work against the demo
headers = {}
client = Client(base_url=base, raise_on_unexpected_status=True)
login = generated["login"].sync_detailed(
    client=client, body=models.Login(email=email, password=password)
)
session = login.parsed
assert isinstance(session, models.SessionInfo), login
cookie = login.headers["set-cookie"].split(";", 1)[0]
name, value = cookie.split("=", 1)
client = Client(
    base_url=base,
    cookies={name: value},
    headers={"x-csrf-token": session.csrf},
    raise_on_unexpected_status=True,
)


def typed(result, kind, what):
    items = result if isinstance(result, list) else [result]
    if not items or not all(isinstance(x, kind) for x in items):
        failures.append(f"{what}: read as {type(result).__name__}, not {kind.__name__}")
    return items[0] if items else None


found = generated["search"].sync(client=client, q="AI")
hit = typed(found.hits, models.Hit, "search hits")
startup = typed(generated["startup"].sync(id=hit.id, client=client), models.Startup, "startup")
typed(generated["api_kpi"].sync(client=client), models.Kpis, "KPIs")
breakdowns = typed(generated["api_breakdowns"].sync(client=client), models.Breakdowns, "breakdowns")
typed(breakdowns.by_cluster, models.Tally, "breakdowns by cluster")
clusters = generated["clusters"].sync(client=client)
cluster = typed(clusters, models.Cluster, "clusters")
report = typed(generated["cluster"].sync(code=cluster.code, client=client), models.ClusterReport, "cluster")
typed(report.members, models.Named, "cluster members")
funnels = typed(generated["funnel"].sync(client=client), models.Funnels, "funnels")
typed(funnels.program.steps, models.FunnelStep, "funnel steps")
saved = generated["put_startup"].sync_detailed(
    id=startup.id,
    client=client,
    body=models.StartupInput(employees=startup.employees if not isinstance(startup.employees, Unset) else 7),
)
if saved.status_code != 200:
    failures.append(f"PUT a startup from StartupInput: {saved.status_code} {saved.content[:200]!r}")

if failures:
    print("the generated client:\n  " + "\n  ".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"the generated client: {len(operations)} operations typed; reads and saves work")
