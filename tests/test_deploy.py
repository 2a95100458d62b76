"""deploy/ checked statically: manifests parse and agree on ports, paths, names and settings.

Nothing here builds an image or talks to a cluster; what can be run (nginx -t on the example,
systemd-analyze on the unit) is run.
"""

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

import pytest
import yaml

from tests.services import NGINX, NginxProxy, RecordingBackend, example_site, unavailable

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
MANIFESTS = sorted(K8S.glob("*.yaml"))


# --- helpers -----------------------------------------------------------------------------------


def k8s_docs() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def one(kind: str, name: str = "factbot") -> dict:
    found = [d for d in k8s_docs() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name} in deploy/k8s, found {len(found)}"
    return found[0]


def bot_container() -> dict:
    pod = one("Deployment")["spec"]["template"]["spec"]
    return next(c for c in pod["containers"] if c["name"] == "factbot")


def container_port(container: dict, port: int | str) -> int:
    """A probe's or Service's port, by number or by the container port's name."""
    if isinstance(port, int):
        assert port in [p["containerPort"] for p in container["ports"]], f"port {port} not exposed"
        return port
    named = [p["containerPort"] for p in container["ports"] if p.get("name") == port]
    assert named, f"no container port named {port!r}"
    return named[0]


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def docker_env() -> dict[str, str]:
    env = {}
    for keyword, args in dockerfile():
        if keyword == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def systemd_unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True, comment_prefixes=("#", ";"))
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read_string((DEPLOY / "factbot.service").read_text())
    return unit


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "factbot.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def settings_env_names() -> set[str]:
    """Every environment variable bot.settings.Settings reads."""
    try:
        from bot.settings import Settings
    except ImportError as exc:  # the Slack side not landed yet
        pytest.skip(f"bot.settings is not importable yet: {exc}")
    prefix = Settings.model_config.get("env_prefix", "")
    names = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias or field.alias
        if alias is None:
            names.add((prefix + field_name).upper())
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:  # AliasChoices
            names.update(str(choice).upper() for choice in alias.choices if isinstance(choice, str))
    return names


# --- Kubernetes --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MANIFESTS, ids=[p.name for p in MANIFESTS])
def test_manifest_parses(path):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    assert docs, f"{path.name} is empty"
    for doc in docs:
        assert doc["apiVersion"] and doc["kind"]
        if doc["kind"] != "Kustomization":
            assert doc["metadata"]["name"]


def test_kustomization_lists_every_manifest_but_the_secret_template():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    expected = {p.name for p in MANIFESTS} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == expected


def test_probes_hit_healthz_and_livez_on_the_port_the_container_exposes():
    # ready on /healthz (503 while a damaged store is repaired), alive on /livez (a process that
    # repairs itself is taken out of rotation, not restarted)
    container = bot_container()
    port = int(one("ConfigMap")["data"]["FACTBOT_PORT"])
    assert [p["containerPort"] for p in container["ports"]] == [port]
    for probe, path in (("readinessProbe", "/healthz"), ("livenessProbe", "/livez")):
        get = container[probe]["httpGet"]
        assert get["path"] == path, probe
        assert container_port(container, get["port"]) == port, probe


def test_service_targets_the_container_port_and_selects_the_pods():
    service = one("Service")
    deployment = one("Deployment")
    (port,) = service["spec"]["ports"]
    assert container_port(bot_container(), port["targetPort"]) == int(
        one("ConfigMap")["data"]["FACTBOT_PORT"]
    )
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_hpa_scales_the_deployment_which_requests_cpu():
    hpa = one("HorizontalPodAutoscaler")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "factbot")
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    # Utilization is relative to the request: without one the HPA cannot compute it.
    assert bot_container()["resources"]["requests"]["cpu"]


def test_secrets_come_from_the_secret_and_nothing_secret_is_in_the_configmap():
    secret = one("Secret")
    from_secret = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in bot_container()["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert set(from_secret) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "FACTBOT_STATE_DSN"}
    for name, ref in from_secret.items():
        assert ref["name"] == secret["metadata"]["name"]
        assert ref["key"] in secret["stringData"], name
    config = one("ConfigMap")["data"]
    assert not {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "FACTBOT_STATE_DSN"} & set(
        config
    )
    # HTTP mode: an app-level token would switch the replicas to Socket Mode.
    assert "SLACK_APP_TOKEN" not in secret["stringData"]


def test_each_pod_keeps_its_own_store_and_no_volume_is_shared():
    pod = one("Deployment")["spec"]["template"]["spec"]
    store_dir = str(PurePosixPath(one("ConfigMap")["data"]["FACTBOT_DB"]).parent)
    (mount,) = [m for m in bot_container()["volumeMounts"] if m["mountPath"] == store_dir]
    assert not mount.get("readOnly")  # a reload writes the next generation here
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert "emptyDir" in volume  # the pod's own: generations travel through PostgreSQL
    assert not [d for d in k8s_docs() if d.get("kind") == "PersistentVolumeClaim"]
    # it starts from the store baked into the image (factbot build at image build)
    (init,) = pod["initContainers"]
    assert "/app/data/facts.db" in " ".join(init["command"])
    assert [m["mountPath"] for m in init["volumeMounts"]] == [store_dir]


def test_pods_run_as_the_images_non_root_user():
    image_user = next(args for keyword, args in dockerfile() if keyword == "USER")
    uid, _, gid = image_user.partition(":")
    for kind, name in (("Deployment", "factbot"),):
        security = one(kind, name)["spec"]["template"]["spec"]["securityContext"]
        assert security["runAsNonRoot"] is True
        assert str(security["runAsUser"]) == uid and str(security["runAsGroup"]) == gid


def test_every_env_var_the_deploy_files_name_is_a_setting():
    known = settings_env_names()
    container = bot_container()
    named = {
        "deploy/k8s/configmap.yaml": set(one("ConfigMap")["data"]),
        "deploy/k8s/secret.example.yaml": set(one("Secret")["stringData"]),
        "deploy/k8s/deployment.yaml": {e["name"] for e in container.get("env", [])},
        "deploy/factbot.env.example": set(env_example()),
        "deploy/Dockerfile": {k for k in docker_env() if k.startswith(("FACTBOT_", "SLACK_"))},
    }
    unknown = {where: sorted(names - known) for where, names in named.items() if names - known}
    assert not unknown, f"not settings in bot/settings.py: {unknown}"


# --- Dockerfile --------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_slim_and_non_root():
    instructions = dockerfile()
    stages = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(stages) >= 2
    image_arg = next(
        args for keyword, args in instructions if keyword == "ARG" and args.startswith("PYTHON_IMAGE=")
    )
    assert image_arg == "PYTHON_IMAGE=python:3.11-slim"
    assert all(stage.split()[0] == "${PYTHON_IMAGE}" for stage in stages)
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert ("CMD", '["factbot"]') in instructions


def test_dockerfile_builds_the_store_at_image_build():
    runs = " ".join(args for keyword, args in dockerfile() if keyword == "RUN")
    assert "factbot build --sources /app/seeds --db /app/data/facts.db" in runs
    env = docker_env()
    assert env["FACTBOT_DB"] == "/app/data/facts.db"
    assert env["FACTBOT_SOURCES"] == "/app/seeds"


def test_dockerfile_healthcheck_hits_healthz_on_the_exposed_port():
    instructions = dockerfile()
    port = docker_env()["FACTBOT_PORT"]
    assert [args for keyword, args in instructions if keyword == "EXPOSE"] == [port]
    (check,) = [args for keyword, args in instructions if keyword == "HEALTHCHECK"]
    exec_form = json.loads(check[check.index("CMD") + len("CMD") :].strip())
    script = exec_form[-1]
    assert "/healthz" in script
    # The check reads FACTBOT_PORT at run time, falling back to the image's default.
    assert "os.environ.get('FACTBOT_PORT')" in script and f"'{port}'" in script


def test_dockerfile_healthcheck_script_really_checks(tmp_path):
    """Run the HEALTHCHECK's Python against a live /healthz and a dead port."""
    (check,) = [args for keyword, args in dockerfile() if keyword == "HEALTHCHECK"]
    argv = json.loads(check[check.index("CMD") + len("CMD") :].strip())
    assert argv[0] == "python"
    backend = RecordingBackend("ok").start()
    try:
        env = {**os.environ, "FACTBOT_PORT": str(backend.port)}
        ok = subprocess.run([sys.executable, *argv[1:]], env=env, timeout=30, check=False)
        assert ok.returncode == 0
        assert backend.paths == ["/healthz"]
    finally:
        backend.stop()
    env = {**os.environ, "FACTBOT_PORT": str(backend.port)}  # now closed
    dead = subprocess.run([sys.executable, *argv[1:]], env=env, timeout=30, check=False, capture_output=True)
    assert dead.returncode != 0


def test_dockerignore_lets_in_everything_the_dockerfile_copies():
    allowed = {
        line.strip().lstrip("!").rstrip("/")
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.strip().startswith("!")
    }
    for keyword, args in dockerfile():
        if keyword == "COPY" and "--from=" not in args:
            sources = [a for a in args.split() if not a.startswith("--")][:-1]
            for source in sources:
                assert source.rstrip("/") in allowed, f"COPY {source} is excluded by the .dockerignore"
                assert (ROOT / source).exists() or source == "README.md", f"COPY {source}: no such path"


# --- systemd -----------------------------------------------------------------------------------


def test_systemd_unit_runs_as_its_own_user_restarts_and_reads_secrets_from_a_file():
    service = systemd_unit()["Service"]
    assert service["User"] and service["User"] not in {"root", "0"}
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/factbot/factbot.env"
    assert service["WorkingDirectory"].startswith("/")
    assert service["ExecStart"].split()[0].endswith("/factbot")
    for hardening, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
    }.items():
        assert service[hardening] == value
    assert systemd_unit()["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (package systemd); the unit was parsed above")
    # verify insists that ExecStart exists on this machine; the rest is checked as written.
    text = (DEPLOY / "factbot.service").read_text()
    unit = tmp_path / "factbot.service"
    unit.write_text(re.sub(r"(?m)^ExecStart=.*$", "ExecStart=/bin/true", text))
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    complaints = [line for line in result.stderr.splitlines() if str(unit) in line]
    assert result.returncode == 0 and not complaints, result.stderr


# --- nginx example -----------------------------------------------------------------------------


def test_nginx_example_routes_slack_events_round_robin():
    if not os.access(NGINX, os.X_OK):
        unavailable("nginx is not installed (apt-get install nginx)")
    backends = [RecordingBackend(name).start() for name in ("r1", "r2", "r3")]
    proxy = None
    try:
        proxy = NginxProxy.start_site(lambda port: example_site(port, [b.port for b in backends]))
        answered_by = []
        for i in range(6):
            request = urllib.request.Request(
                f"{proxy.url}/slack/events", data=f"n={i}".encode(), method="POST"
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                answered_by.append(response.read().decode())
        assert sorted(answered_by) == ["r1", "r1", "r2", "r2", "r3", "r3"]
        assert [body for b in backends for _, _, body in b.requests] != []
        assert {method for b in backends for method, _, _ in b.requests} == {"POST"}

        with urllib.request.urlopen(f"{proxy.url}/healthz", timeout=5) as response:
            assert response.status == 200
        for path, method, status in (("/slack/events", "GET", 403), ("/admin", "GET", 404)):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(urllib.request.Request(proxy.url + path, method=method), timeout=5)
            assert refused.value.code == status
            refused.value.close()
    finally:
        if proxy is not None:
            proxy.stop()
        for backend in backends:
            backend.stop()


# --- docs --------------------------------------------------------------------------------------


def test_readme_shows_the_command_ci_runs():
    match = re.search(r'^TEST_CMD="(.+)"$', (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    assert match, ".ci/run no longer defines TEST_CMD"
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    assert match.group(1) in readme.read_text(), "the README's test command differs from .ci/run's"
