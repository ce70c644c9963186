#!/usr/bin/env bash
# Checks the deploy/ folder without building or running a container (no Docker engine on the
# development machines or in CI): what can be checked is checked.
#
#   tests/deploy/deploy_test.sh REPO_ROOT [PFXD_BINARY]
#
#   - every YAML file parses (python3 + PyYAML), the Kubernetes objects hold what deploy/README.md
#     promises (one replica, non-root uid 10001, read-only root, 0400 secrets, ports, probes),
#     and `kubectl kustomize` builds deploy/k8s (when kubectl is installed);
#   - the ConfigMap's config is deploy/pfxd.textproto but for data_dir, and it parses as
#     pfx.v1.ServerConfig (protoc, when installed);
#   - the Grafana dashboard parses as JSON; every query and alert parses as PromQL and names
#     only pfxd's metrics and their labels (the list below), each spelled in server/metrics.cc;
#   - promtool check rules / check config pass, and the alerts fire and stay quiet as
#     tests/deploy/alerts_test.yml says (promtool test rules);
#   - systemd-analyze verify passes on the unit (skipped when systemd-analyze is absent);
#   - every COPY source of the Dockerfile exists and is let into the build context, and every
#     source folder the build needs is copied;
#   - with PFXD_BINARY: pfxd itself accepts deploy/pfxd.textproto (paths rewritten to throwaway
#     certificates and a KEK, loopback ports), serves /metrics, stops on SIGTERM, and the image
#     installs every shared library the binary needs.
# Each failure prints a line starting with FAIL; the script exits 1 if any check failed.
# shellcheck disable=SC2016  # the bash -c '...' snippets take their arguments as $1, $2
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1/deploy" ]; then
  echo "usage: $0 REPO_ROOT [PFXD_BINARY]" >&2
  exit 2
fi
ROOT="$(cd "$1" && pwd)"
PFXD="${2:-}"
DEPLOY="$ROOT/deploy"
TMP="$(mktemp -d)"
PFXD_PID=""
cleanup() {
  if [ -n "$PFXD_PID" ]; then kill "$PFXD_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
skip() { skipped=$((skipped + 1)); echo "skip  $*"; }
# check NAME COMMAND...: runs the command, its output kept for a failure.
check() {
  local name="$1"
  shift
  local out
  if out="$("$@" 2>&1)"; then
    pass "$name"
  else
    fail "$name"
    printf '%s\n' "$out" | sed 's/^/      /'
  fi
}

# The metrics pfxd exports (server/metrics.cc): name, type, labels. Panels and alerts may name
# these and `up` only, histograms also with _bucket, _sum and _count; a label a query groups by,
# matches on or shows in a legend must be one of the metric's, or instance, job (le: histograms).
METRICS="up gauge
pfxd_prefixes gauge kind state
pfxd_validations_total counter result
pfxd_validation_transitions_total counter from to
pfxd_verifications_lost_total counter to
pfxd_validation_queue_depth gauge
pfxd_validation_queue_oldest_age_seconds gauge
pfxd_grpc_server_handled_total counter grpc_method grpc_code
pfxd_grpc_server_handling_seconds histogram grpc_method
pfxd_wal_sync_seconds histogram
pfxd_commit_group_size histogram
pfxd_sessions gauge established initial_table_complete
pfxd_session_routes gauge router peer
pfxd_last_route_update_timestamp_seconds gauge
pfxd_rocksdb_pending_compaction_bytes gauge
pfxd_rocksdb_sst_bytes gauge
pfxd_rocksdb_write_stopped gauge"
export METRICS

# ---- tools ----------------------------------------------------------------------------------
PY=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
    PY="$candidate"
    break
  fi
done
if [ -z "$PY" ]; then
  echo "FAIL  no python3 with PyYAML (Debian package python3-yaml)"
  exit 1
fi
if ! command -v promtool >/dev/null 2>&1; then
  echo "FAIL  promtool not found (Debian package prometheus)"
  exit 1
fi

# ---- the files --------------------------------------------------------------------------------
for f in Dockerfile Dockerfile.dockerignore pfxd.textproto README.md systemd/pfxd.service \
  k8s/statefulset.yaml k8s/service.yaml k8s/configmap.yaml k8s/pdb.yaml k8s/kustomization.yaml \
  prometheus/alerts.yml prometheus/prometheus.yml grafana/pfxd-dashboard.json; do
  if [ -f "$DEPLOY/$f" ]; then pass "deploy/$f exists"; else fail "deploy/$f is missing"; fi
done

# ---- YAML -------------------------------------------------------------------------------------
for f in "$DEPLOY"/k8s/*.yaml "$DEPLOY"/prometheus/*.yml "$ROOT/tests/deploy/alerts_test.yml"; do
  [ -f "$f" ] || continue
  check "${f#"$ROOT"/} parses as YAML" "$PY" -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]
if not docs:
    sys.exit("no document in " + sys.argv[1])
' "$f"
done

# ---- Kubernetes objects -------------------------------------------------------------------------
check "deploy/k8s objects hold what deploy/README.md promises" "$PY" - "$DEPLOY/k8s" <<'EOF'
import os, sys, yaml
k8s = sys.argv[1]
objs = {}
for name in sorted(os.listdir(k8s)):
    if name.endswith(".yaml") and name != "kustomization.yaml":
        for d in yaml.safe_load_all(open(os.path.join(k8s, name))):
            if d:
                objs[(d["kind"], d["metadata"]["name"])] = d
errors = []
def want(cond, msg):
    if not cond:
        errors.append(msg)

kust = yaml.safe_load(open(os.path.join(k8s, "kustomization.yaml")))
listed = set(kust.get("resources", []))
present = {n for n in os.listdir(k8s) if n.endswith(".yaml") and n != "kustomization.yaml"}
want(listed == present, f"kustomization resources {sorted(listed)} != files {sorted(present)}")

sts = objs.get(("StatefulSet", "pfxd"))
want(sts is not None, "no StatefulSet pfxd")
if sts:
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    want(spec.get("replicas") == 1, "replicas must be 1 (pfxd is a single writer)")
    want(pod.get("terminationGracePeriodSeconds") == 15, "terminationGracePeriodSeconds != 15")
    sc = pod.get("securityContext", {})
    want(sc.get("runAsNonRoot") is True, "runAsNonRoot is not true")
    want(sc.get("runAsUser") == 10001, "runAsUser != 10001")
    want(sc.get("fsGroup") == 10001, "fsGroup != 10001")
    want(sc.get("fsGroupChangePolicy") == "OnRootMismatch",
         "fsGroupChangePolicy must be OnRootMismatch (else the kubelet makes the data dir "
         "group-writable at each mount, which pfxd refuses)")
    containers = {c["name"]: c for c in pod["containers"]}
    c = containers.get("pfxd")
    want(c is not None, "no container pfxd")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    claims = {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates", [])}
    for cont in pod["containers"] + pod.get("initContainers", []):
        csc = cont.get("securityContext", {})
        want(csc.get("readOnlyRootFilesystem") is True,
             f"container {cont['name']}: readOnlyRootFilesystem is not true")
        want(csc.get("allowPrivilegeEscalation") is False,
             f"container {cont['name']}: allowPrivilegeEscalation is not false")
        for m in cont.get("volumeMounts", []):
            want(m["name"] in volumes or m["name"] in claims,
                 f"container {cont['name']} mounts unknown volume {m['name']}")
    if c:
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        want(ports == {"grpc": 50051, "metrics": 9464, "bmp": 11019}, f"container ports {ports}")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        want(mounts.get("/var/lib/pfxd") in claims, "/var/lib/pfxd is not the volume claim")
        want("/etc/pfxd/tls" in mounts and "/etc/pfxd/kek" in mounts, "TLS or KEK not mounted")
        want("/etc/pfxd/pfxd.textproto" in mounts, "the config is not mounted")
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            p = c.get(probe)
            want(p is not None, f"no {probe}")
            if p:
                port = (p.get("tcpSocket") or p.get("grpc") or {}).get("port")
                want(port == 50051, f"{probe} does not check port 50051")
    for name, v in volumes.items():
        if "secret" in v:
            want(v["secret"].get("defaultMode") == 0o400, f"secret volume {name}: defaultMode != 0400")

svc = objs.get(("Service", "pfxd"))
want(svc is not None, "no Service pfxd")
if svc:
    want(svc["spec"].get("type", "ClusterIP") == "ClusterIP", "Service pfxd is not ClusterIP")
    ports = {p["name"]: (p["port"], p["targetPort"]) for p in svc["spec"]["ports"]}
    want(ports == {"grpc": (50051, "grpc"), "metrics": (9464, "metrics"), "bmp": (11019, "bmp")},
         f"Service pfxd ports {ports}")
if sts:
    gov = objs.get(("Service", sts["spec"]["serviceName"]))
    want(gov is not None and gov["spec"].get("clusterIP") == "None",
         "the StatefulSet's serviceName is not a headless Service")
    labels = sts["spec"]["template"]["metadata"]["labels"]
    for (kind, name), o in objs.items():
        sel = o["spec"].get("selector") if kind in ("Service", "PodDisruptionBudget") else None
        if isinstance(sel, dict):
            sel = sel.get("matchLabels", sel)
            want(all(labels.get(k) == v for k, v in sel.items()),
                 f"{kind} {name} selects {sel}, not the pod's labels {labels}")

pdb = objs.get(("PodDisruptionBudget", "pfxd"))
want(pdb is not None and pdb["spec"].get("minAvailable") == 1, "no PodDisruptionBudget minAvailable 1")
cm = objs.get(("ConfigMap", "pfxd-config"))
want(cm is not None and "pfxd.textproto" in cm.get("data", {}), "no ConfigMap pfxd-config with pfxd.textproto")
if sts and cm:
    want(any(v.get("configMap", {}).get("name") == "pfxd-config" for v in volumes.values()),
         "the StatefulSet does not mount ConfigMap pfxd-config")
if errors:
    sys.exit("\n".join(errors))
EOF

if command -v kubectl >/dev/null 2>&1; then
  check "kubectl kustomize deploy/k8s builds" kubectl kustomize "$DEPLOY/k8s"
else
  skip "kubectl kustomize deploy/k8s: kubectl is not installed"
fi

# ---- the configuration --------------------------------------------------------------------------
# The ConfigMap's copy, as a file, for the checks below.
"$PY" -c '
import sys, yaml
cm = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d][0]
sys.stdout.write(cm["data"]["pfxd.textproto"])
' "$DEPLOY/k8s/configmap.yaml" >"$TMP/configmap.textproto" || true

check "the ConfigMap's config is deploy/pfxd.textproto but for data_dir" "$PY" - \
  "$DEPLOY/pfxd.textproto" "$TMP/configmap.textproto" <<'EOF'
import re, sys
def settings(path):
    out = []
    for line in open(path):
        line = re.sub(r"\s+#.*$", "", line).strip()   # comments never hold a '"#' in these files
        if line and not line.startswith("#") and not line.startswith("data_dir:"):
            out.append(line)
    return out
a, b = settings(sys.argv[1]), settings(sys.argv[2])
if a != b:
    import difflib
    sys.exit("\n".join(difflib.unified_diff(a, b, "deploy/pfxd.textproto", "configmap.yaml", lineterm="")))
dirs = [l for l in open(sys.argv[2]) if l.startswith("data_dir:")]
if not dirs or '"/var/lib/pfxd/db"' not in dirs[0]:
    sys.exit("the ConfigMap's data_dir must be /var/lib/pfxd/db (a subdirectory of the volume)")
EOF

if command -v protoc >/dev/null 2>&1; then
  for cfg in "$DEPLOY/pfxd.textproto" "$TMP/configmap.textproto"; do
    # metrics_listen_address is checked once config.proto has it; until then it is left out.
    if grep -q 'metrics_listen_address' "$ROOT/api/pfx/v1/config.proto"; then
      cp "$cfg" "$TMP/encode.textproto"
    else
      grep -v '^metrics_listen_address:' "$cfg" >"$TMP/encode.textproto"
    fi
    name="${cfg#"$ROOT"/}"
    [ "$cfg" = "$TMP/configmap.textproto" ] && name="the ConfigMap's config"
    check "$name parses as pfx.v1.ServerConfig" \
      bash -c 'protoc --proto_path="$1/api" --encode=pfx.v1.ServerConfig \
        "$1/api/pfx/v1/config.proto" <"$2" >/dev/null' _ "$ROOT" "$TMP/encode.textproto"
  done
else
  skip "config field names: protoc is not installed"
fi

# ---- Prometheus -----------------------------------------------------------------------------------
check "promtool check rules deploy/prometheus/alerts.yml" \
  promtool check rules "$DEPLOY/prometheus/alerts.yml"
check "promtool check config deploy/prometheus/prometheus.yml" \
  promtool check config "$DEPLOY/prometheus/prometheus.yml"

check "alerts: the six rules, each with severity, summary and description" "$PY" - \
  "$DEPLOY/prometheus/alerts.yml" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
groups = {g["name"]: g for g in d["groups"]}
if set(groups) != {"pfxd"}:
    sys.exit(f"groups {sorted(groups)}, want only pfxd")
rules = {r["alert"]: r for r in groups["pfxd"]["rules"]}
want = {"PfxdDown", "PfxdWriteStall", "PfxdQueueStuck", "PfxdFeedSilent",
        "PfxdVerifiedToFailedSpike", "PfxdSlowFsync"}
errors = []
if set(rules) != want:
    errors.append(f"alerts {sorted(rules)}, want {sorted(want)}")
for name, r in rules.items():
    if r.get("labels", {}).get("severity") not in ("critical", "warning"):
        errors.append(f"{name}: severity label must be critical or warning")
    for a in ("summary", "description"):
        if not r.get("annotations", {}).get(a, "").strip():
            errors.append(f"{name}: no {a} annotation")
if errors:
    sys.exit("\n".join(errors))
EOF

# promtool compares annotations verbatim, so the unit tests run on a copy without them.
mkdir -p "$TMP/ruletest"
"$PY" -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for g in d["groups"]:
    for r in g["rules"]:
        r.pop("annotations", None)
yaml.safe_dump(d, open(sys.argv[2], "w"))
' "$DEPLOY/prometheus/alerts.yml" "$TMP/ruletest/alerts.yml" || true
cp "$ROOT/tests/deploy/alerts_test.yml" "$TMP/ruletest/alerts_test.yml"
check "promtool test rules tests/deploy/alerts_test.yml (every alert fires, and only when it should)" \
  promtool test rules "$TMP/ruletest/alerts_test.yml"

# ---- Grafana ----------------------------------------------------------------------------------------
# Every query of the dashboard and every alert expression, one per line (template variables
# replaced), then: does each parse as PromQL, and does it name only pfxd's metrics?
check "deploy/grafana/pfxd-dashboard.json parses, with panels and a \${DS_PROMETHEUS} datasource" \
  "$PY" - "$DEPLOY/grafana/pfxd-dashboard.json" "$DEPLOY/prometheus/alerts.yml" "$TMP/exprs" <<'EOF'
import json, sys, yaml
d = json.load(open(sys.argv[1]))
errors = []
if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
    errors.append(f"schemaVersion {d.get('schemaVersion')}: want 36 or later")
names = [v.get("name") for v in d.get("templating", {}).get("list", [])]
if "DS_PROMETHEUS" not in names:
    errors.append("no DS_PROMETHEUS datasource variable")
exprs = []
def walk(panels):
    for p in panels:
        if p.get("type") != "row":
            ds = p.get("datasource", {})
            if ds.get("uid") != "${DS_PROMETHEUS}":
                errors.append(f"panel {p.get('title')!r}: datasource is not ${{DS_PROMETHEUS}}")
            if not p.get("targets"):
                errors.append(f"panel {p.get('title')!r}: no query")
        for t in p.get("targets", []):
            exprs.append(("panel " + repr(p.get("title")), t.get("expr", ""),
                          t.get("legendFormat", "")))
        walk(p.get("panels", []))
walk(d.get("panels", []))
if len(exprs) < 10:
    errors.append(f"only {len(exprs)} queries")
for v in d.get("templating", {}).get("list", []):
    q = v.get("query")
    if isinstance(q, dict) and q.get("query", "").startswith("label_values("):
        inner = q["query"][len("label_values("):].rsplit(",", 1)[0]
        exprs.append(("variable " + v["name"], inner, ""))
for g in yaml.safe_load(open(sys.argv[2]))["groups"]:
    for r in g["rules"]:
        exprs.append(("alert " + r["alert"], r["expr"], ""))
with open(sys.argv[3], "w") as out:
    for where, e, legend in exprs:
        e = e.replace("$__rate_interval", "5m").replace("$instance", ".*").replace("\n", " ")
        out.write(where + "\t" + e + "\t" + legend + "\n")
if errors:
    sys.exit("\n".join(errors))
EOF

if [ -f "$TMP/exprs" ]; then
  check "every dashboard query and alert names only pfxd's metrics and their labels" \
    "$PY" - "$TMP/exprs" <<'EOF'
import os, re, sys
labels_of = {}
for line in os.environ["METRICS"].splitlines():
    name, kind, *labels = line.split()
    common = {"instance", "job"}
    labels_of[name] = set(labels) | common
    if kind == "histogram":
        for suffix in ("_bucket", "_sum", "_count"):
            labels_of[name + suffix] = set(labels) | common | ({"le"} if suffix == "_bucket" else set())
keywords = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "inf", "nan"}
errors = []
for line in open(sys.argv[1]):
    where, expr, legend = line.rstrip("\n").split("\t")
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # strings
    matchers = re.findall(r"\{([^}]*)\}", e)
    e = re.sub(r"\{[^}]*\}", "", e)                           # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                          # ranges
    grouping = re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    metrics = []
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        name = m.group(0)
        if e[m.end():].lstrip().startswith("(") or name.lower() in keywords:
            continue                                          # a function or a keyword
        if re.fullmatch(r"[0-9]*[eE][0-9]*", name):
            continue
        if name not in labels_of:
            errors.append(f"{where}: {name} is not a pfxd metric: {expr}")
        else:
            metrics.append(name)
    if not metrics:
        continue
    allowed = set().union(*(labels_of[m] for m in metrics))
    used = set()
    for g in grouping:
        used |= {x.strip() for x in g.split(",") if x.strip()}
    for m in matchers:
        used |= set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", m))
    used |= {x for x in re.findall(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", legend)}
    for label in sorted(used - allowed):
        errors.append(f"{where}: label {label} is not one of {sorted(allowed)}: {expr}")
if errors:
    sys.exit("\n".join(errors))
EOF
  # The names are the exporter's: each one is spelled in server/metrics.cc.
  if [ -f "$ROOT/server/metrics.cc" ]; then
    missing=""
    for m in $(printf '%s\n' "$METRICS" | awk '$1 != "up" {print $1}'); do
      grep -q "\"$m\"" "$ROOT/server/metrics.cc" || missing="$missing $m"
    done
    if [ -z "$missing" ]; then
      pass "every metric the dashboard and alerts use is exported by server/metrics.cc"
    else
      fail "server/metrics.cc does not name:$missing"
    fi
  else
    skip "metric names against the exporter: server/metrics.cc does not exist"
  fi
  # Each expression as a recording rule: promtool check rules parses them all.
  "$PY" -c '
import sys, yaml
rules = [{"record": f"check:expr{i}", "expr": line.rstrip("\n").split("\t")[1]}
         for i, line in enumerate(open(sys.argv[1]))]
yaml.safe_dump({"groups": [{"name": "exprs", "rules": rules}]}, open(sys.argv[2], "w"))
' "$TMP/exprs" "$TMP/exprs.yml" || true
  check "every dashboard query parses as PromQL (promtool)" promtool check rules "$TMP/exprs.yml"
fi

# ---- systemd ------------------------------------------------------------------------------------------
# verify refuses a unit whose ExecStart binary does not exist, and /usr/bin/pfxd is not installed
# here: the copy runs /bin/true instead. verify only warns (exit 0) on unknown or malformed
# settings, so any line it prints about the unit fails the check too.
if command -v systemd-analyze >/dev/null 2>&1; then
  mkdir -p "$TMP/systemd"
  sed 's|^ExecStart=.*|ExecStart=/bin/true|' "$DEPLOY/systemd/pfxd.service" >"$TMP/systemd/pfxd.service"
  check "systemd-analyze verify deploy/systemd/pfxd.service" bash -c '
    out="$(systemd-analyze verify "$1" 2>&1)"; rc=$?
    about="$(printf "%s\n" "$out" | grep -F "pfxd.service" || true)"
    printf "%s\n" "$out"
    [ "$rc" -eq 0 ] && [ -z "$about" ]' _ "$TMP/systemd/pfxd.service"
  # (Each `| grep -q` below reads a captured output: with pipefail, grep -q closing the pipe
  # early would fail the writer and so the test.)
  if grep -q -- '--offline' <<<"$(systemd-analyze security --help 2>/dev/null || true)"; then
    check "systemd-analyze security: exposure of pfxd.service at most 2.5" \
      systemd-analyze security --offline=yes --threshold=25 "$TMP/systemd/pfxd.service"
  else
    skip "systemd-analyze security --offline: not supported by this systemd"
  fi
  check "pfxd.service runs /usr/bin/pfxd --config /etc/pfxd/pfxd.textproto as pfxd" bash -c '
    grep -qx "ExecStart=/usr/bin/pfxd --config /etc/pfxd/pfxd.textproto" "$1" &&
    grep -qx "User=pfxd" "$1" && grep -qx "StateDirectory=pfxd" "$1" &&
    grep -qx "ExecReload=/bin/kill -HUP \$MAINPID" "$1"' _ "$DEPLOY/systemd/pfxd.service"
else
  skip "systemd-analyze verify: systemd-analyze is not installed"
fi

# ---- Dockerfile ----------------------------------------------------------------------------------------
check "Dockerfile: instructions, COPY sources, build context, entrypoint" "$PY" - "$ROOT" <<'EOF'
import os, re, sys
root = sys.argv[1]
text = open(os.path.join(root, "deploy/Dockerfile")).read()
# Instructions, continuation lines joined, comments dropped.
lines, cur = [], ""
for raw in text.splitlines():
    s = raw.strip()
    if not cur and (not s or s.startswith("#")):
        continue
    if cur and s.startswith("#"):
        continue
    cur += " " + s[:-1] if s.endswith("\\") else " " + s
    if not s.endswith("\\"):
        lines.append(cur.strip())
        cur = ""
errors = []
known = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
         "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
copies = []
for l in lines:
    word = l.split()[0].upper()
    if word not in known:
        errors.append(f"unknown instruction: {l[:60]}")
    if word in ("COPY", "ADD"):
        args = l.split()[1:]
        if any(a.startswith("--from") for a in args):
            continue
        args = [a for a in args if not a.startswith("--")]
        copies += args[:-1]
if not lines or not lines[0].upper().startswith("FROM DEBIAN:BOOKWORM"):
    errors.append("the first stage is not FROM debian:bookworm")
froms = [l for l in lines if l.upper().startswith("FROM ")]
if not froms or froms[-1].split()[1] != "debian:bookworm-slim":
    errors.append("the runtime stage is not debian:bookworm-slim")
for src in copies:
    if not os.path.exists(os.path.join(root, src)):
        errors.append(f"COPY {src}: no such file or folder in the repository")
# The build context's allow-list must let every COPY source in.
allowed = [l.strip()[1:].rstrip("/") for l in open(os.path.join(root, "deploy/Dockerfile.dockerignore"))
           if l.strip().startswith("!")]
for src in copies:
    s = src.rstrip("/")
    if s not in allowed:
        errors.append(f"COPY {src}: deploy/Dockerfile.dockerignore does not let it into the context")
# Every folder the top-level CMakeLists.txt always builds must be copied.
cmake = open(os.path.join(root, "CMakeLists.txt")).read()
copied = {c.rstrip("/") for c in copies}
for sub in re.findall(r"^add_subdirectory\((\w+)\)", cmake, re.M):
    if sub not in ("tests", "bench", "fuzz") and sub not in copied:
        errors.append(f"CMakeLists.txt builds {sub}/, which the Dockerfile does not COPY")
for cmake_file in ("CMakeLists.txt", "cmake"):
    if cmake_file not in copied:
        errors.append(f"the Dockerfile does not COPY {cmake_file}")
ep = [l for l in lines if l.upper().startswith("ENTRYPOINT")]
if not ep or ep[-1] != 'ENTRYPOINT ["/usr/bin/pfxd", "--config", "/etc/pfxd/pfxd.textproto"]':
    errors.append("ENTRYPOINT is not /usr/bin/pfxd --config /etc/pfxd/pfxd.textproto")
ports = set()
for l in lines:
    if l.upper().startswith("EXPOSE"):
        ports |= set(l.split()[1:])
if ports != {"50051", "9464", "11019"}:
    errors.append(f"EXPOSE {sorted(ports)}, want 50051 9464 11019")
if not any(l.upper().startswith("HEALTHCHECK") for l in lines):
    errors.append("no HEALTHCHECK")
if not any(re.match(r"USER (10001|pfxd)", l) for l in lines):
    errors.append("the image does not run as pfxd (uid 10001)")
if errors:
    sys.exit("\n".join(errors))
EOF

# The Debian packages the Dockerfile installs exist in bookworm (needs apt's package lists).
dockerfile_packages() {
  # The words after `apt-get install` up to the next && in each RUN.
  tr '\n' ' ' <"$DEPLOY/Dockerfile" | sed 's/\\ / /g' | grep -o 'apt-get install[^&]*' |
    tr ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -v -E '^(apt-get|install)$' | sort -u
}
if command -v apt-cache >/dev/null 2>&1 && apt-cache show --no-all-versions libc6 >/dev/null 2>&1; then
  # One apt-cache call: it shows the packages it knows and complains about the others.
  wanted="$(dockerfile_packages)"
  # shellcheck disable=SC2086
  known="$(apt-cache show --no-all-versions $wanted 2>/dev/null | sed -n 's/^Package: //p' | sort -u)"
  missing="$(comm -23 <(printf '%s\n' "$wanted") <(printf '%s\n' "$known") | tr '\n' ' ')"
  if [ -z "${missing// /}" ]; then
    pass "the Dockerfile's Debian packages exist ($(printf '%s' "$wanted" | tr '\n' ' '))"
  else
    fail "the Dockerfile installs packages apt does not know: $missing"
  fi
else
  skip "Dockerfile package names: apt-cache has no package lists here"
fi

# ---- pfxd itself (with PFXD_BINARY) -------------------------------------------------------------------
if [ -n "$PFXD" ]; then
  if [ ! -x "$PFXD" ]; then
    fail "$PFXD is not an executable"
  elif ! command -v openssl >/dev/null 2>&1; then
    skip "pfxd accepts deploy/pfxd.textproto: openssl is not installed"
  else
    # Throwaway certificates and KEK in the production paths' place, loopback ports.
    bash "$ROOT/scripts/make-dev-certs.sh" "$TMP/certs" >/dev/null 2>&1
    openssl rand -hex 32 >"$TMP/kek"
    chmod 400 "$TMP/kek"
    # A pfxd built before metrics existed does not know the field: then it is left out.
    metrics=no
    metrics_sed='/^metrics_listen_address:/d'
    if grep -q 'metrics_listen' <<<"$("$PFXD" --help 2>&1 || true)"; then
      metrics=yes
      metrics_sed='s|^metrics_listen_address:.*|metrics_listen_address: "127.0.0.1:0"|'
    fi
    sed -e 's|^listen_address:.*|listen_address: "127.0.0.1:0"|' \
      -e 's|^bmp_listen_address:.*|bmp_listen_address: "127.0.0.1:0"|' \
      -e "$metrics_sed" \
      -e "s|/etc/pfxd/tls/server.crt|$TMP/certs/server.crt|" \
      -e "s|/etc/pfxd/tls/server.key|$TMP/certs/server.key|" \
      -e "s|/etc/pfxd/tls/ca.crt|$TMP/certs/ca.crt|" \
      -e "s|/etc/pfxd/kek/2026-11|$TMP/kek|" \
      -e "s|^data_dir:.*|data_dir: \"$TMP/data\"|" \
      "$DEPLOY/pfxd.textproto" >"$TMP/pfxd.textproto"
    extra=()
    if [ "$metrics" = yes ]; then extra=(--metrics_port_file "$TMP/metrics_port"); fi
    "$PFXD" --config "$TMP/pfxd.textproto" --port_file "$TMP/port" "${extra[@]}" \
      >"$TMP/pfxd.log" 2>&1 &
    PFXD_PID=$!
    for _ in $(seq 150); do
      if [ -s "$TMP/port" ] || ! kill -0 "$PFXD_PID" 2>/dev/null; then break; fi
      sleep 0.2
    done
    if [ -s "$TMP/port" ]; then
      pass "pfxd accepts deploy/pfxd.textproto and serves (TLS, roles, KEK, BMP routers)"
      if [ "$metrics" = yes ]; then
        # The scrape the alerts and the dashboard rely on: HTTP 200, pfxd's families in it.
        check "pfxd serves /metrics on metrics_listen_address" "$PY" - "$TMP/metrics_port" <<'EOF'
import sys, urllib.request
port = open(sys.argv[1]).read().strip()
body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
for family in ("pfxd_validation_queue_depth", "pfxd_validation_queue_oldest_age_seconds",
               "pfxd_wal_sync_seconds_bucket", "pfxd_sessions"):
    if not any(l.startswith(family) for l in body.splitlines()):
        sys.exit(f"no {family} in the scrape:\n{body[:2000]}")
EOF
      else
        skip "pfxd serves /metrics: this pfxd predates metrics_listen_address"
      fi
      kill -TERM "$PFXD_PID"
      if wait "$PFXD_PID"; then pass "pfxd stops cleanly on SIGTERM"; else fail "pfxd exited $? on SIGTERM"; fi
    else
      fail "pfxd did not start with deploy/pfxd.textproto (paths rewritten to $TMP):"
      sed 's/^/      /' "$TMP/pfxd.log"
      kill "$PFXD_PID" 2>/dev/null || true
      wait "$PFXD_PID" 2>/dev/null || true
    fi
    PFXD_PID=""

    # The shared libraries pfxd needs all come with the runtime stage's packages (or their
    # dependencies, or the slim image's own libc6/libgcc-s1/libstdc++6).
    # Only a plain build says what the image needs: a sanitizer build loads the sanitizer's
    # runtime, and `make test-tsan` puts its own abseil first on LD_LIBRARY_PATH.
    if [ -n "${LD_LIBRARY_PATH:-}" ] || grep -q -E 'lib(a|t|ub)san' <<<"$(ldd "$PFXD" 2>&1 || true)"; then
      skip "pfxd's shared libraries: a sanitizer build or LD_LIBRARY_PATH is set"
    elif command -v ldd >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 &&
      apt-cache show --no-all-versions libc6 >/dev/null 2>&1; then
      runtime_pkgs="$(sed -n '/^FROM debian:bookworm-slim/,$p' "$DEPLOY/Dockerfile" | tr '\n' ' ' |
        sed 's/\\ / /g' | grep -o 'apt-get install[^&]*' | tr ' ' '\n' |
        grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -v -E '^(apt-get|install)$' | sort -u)"
      # shellcheck disable=SC2086
      closure="$( (echo libc6; echo libgcc-s1; echo libstdc++6
        apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
          --no-replaces --no-enhances $runtime_pkgs 2>/dev/null | grep -v '^ ') | sort -u)"
      # One dpkg -S for every library (by its path as loaded, resolved, and with or without
      # /usr: files may be registered under either since the /usr merge).
      needed="$(CLOSURE="$closure" "$PY" - "$PFXD" <<'PYEOF'
import os, re, subprocess, sys
libs = set()
for line in subprocess.run(["ldd", sys.argv[1]], capture_output=True, text=True).stdout.splitlines():
    m = re.search(r"(/\S+)\s+\(0x", line)
    if m:
        libs.add(m.group(1))
def forms(path):
    out = {path, os.path.realpath(path)}
    return (out | {f[4:] for f in out if f.startswith("/usr/")}
            | {"/usr" + f for f in out if not f.startswith("/usr/")})
queries = sorted(set().union(*(forms(l) for l in libs))) if libs else []
res = subprocess.run(["dpkg", "-S"] + queries, capture_output=True, text=True)
owner = {}
for line in res.stdout.splitlines():
    pkgs, _, path = line.partition(": ")
    for pkg in pkgs.split(", "):
        owner.setdefault(path, set()).add(pkg.split(":")[0])
closure = set(os.environ["CLOSURE"].split())
missing = []
for lib in sorted(libs):
    pkgs = set().union(*(owner.get(f, set()) for f in forms(lib)))
    if not pkgs:
        missing.append(os.path.basename(lib) + " (no package)")
    elif not pkgs & closure:
        missing.append("/".join(sorted(pkgs)) + " (" + os.path.basename(lib) + ")")
print(" ".join(missing))
PYEOF
)"
      if [ -z "$needed" ]; then
        pass "the runtime stage's packages provide every shared library pfxd loads"
      else
        fail "the runtime stage does not install: $needed"
      fi
    else
      skip "pfxd's shared libraries: ldd, dpkg or apt's package lists missing"
    fi
  fi
else
  skip "pfxd accepts deploy/pfxd.textproto: no PFXD_BINARY given"
fi

echo
echo "deploy_test: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
