"""deploy/kubernetes/values.yaml: Zero to JupyterHub values that give each person the workbench
image running `workbench serve --hub` (never a Jupyter server), the database URL as a mounted
secret, per-person limits and the idle culler; deploy/Dockerfile builds the images they name."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "deploy" / "kubernetes" / "values.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"

#: Top-level keys the chart's values schema accepts (Zero to JupyterHub 4.x, additionalProperties false).
CHART_TOP_LEVEL = {"enabled", "fullnameOverride", "nameOverride", "imagePullSecret", "imagePullSecrets",
                   "hub", "proxy", "singleuser", "scheduling", "ingress", "prePuller", "custom", "cull",
                   "debug", "rbac", "global"}


def values() -> dict:
    return yaml.safe_load(VALUES.read_text())


def at(tree: dict, dotted: str):
    for key in dotted.split("."):
        assert isinstance(tree, dict) and key in tree, f"{dotted}: no {key!r}"
        tree = tree[key]
    return tree


def test_only_keys_the_chart_knows_at_the_top():
    assert set(values()) <= CHART_TOP_LEVEL


def test_each_person_gets_the_workbench_image_and_never_a_jupyter_server():
    v = values()
    assert at(v, "singleuser.cmd") == ["workbench", "serve", "--hub"]
    assert at(v, "singleuser.storage.type") == "none"
    text = VALUES.read_text()
    assert "jupyterhub-singleuser" not in text and "jupyter-lab" not in text.lower()
    assert at(v, "hub.config.JupyterHub.authenticator_class") == \
        "workbench.serving.hub_accounts.WorkbenchAuthenticator"
    assert at(v, "hub.config.JupyterHub.allow_named_servers") is False
    assert at(v, "hub.config.JupyterHub.admin_access") is False


def test_the_images_come_from_the_repositorys_dockerfile():
    v = values()
    docker = DOCKERFILE.read_text()
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", docker, flags=re.MULTILINE))
    assert stages == {"workbench", "hub"}
    assert f"--target workbench -t {at(v, 'singleuser.image.name')}:{at(v, 'singleuser.image.tag')}" in docker
    assert f"--target hub       -t {at(v, 'hub.image.name')}:{at(v, 'hub.image.tag')}" in docker
    assert 'CMD ["workbench", "serve", "--hub"]' in docker
    assert "pip install -e '.[hub]'" in docker


def test_the_database_url_is_a_mounted_secret_read_from_a_file():
    v = values()
    env = at(v, "singleuser.extraEnv")
    assert env["WORKBENCH_DB_FILE"] == "/etc/ccm-workbench/database-url"
    assert not any("postgresql" in str(value) for value in env.values())
    (volume,) = at(v, "singleuser.storage.extraVolumes")
    (mount,) = at(v, "singleuser.storage.extraVolumeMounts")
    assert volume["secret"]["secretName"] == "ccm-workbench-db"
    assert volume["secret"]["defaultMode"] == 0o400
    assert mount == {"name": volume["name"], "mountPath": "/etc/ccm-workbench", "readOnly": True}
    assert "postgresql://" not in VALUES.read_text() and "postgresql+psycopg://" not in VALUES.read_text()


def test_per_person_limits_idle_culler_and_tls():
    v = values()
    assert at(v, "singleuser.memory.limit") and at(v, "singleuser.memory.guarantee")
    assert at(v, "singleuser.cpu.limit") >= at(v, "singleuser.cpu.guarantee") > 0
    assert at(v, "cull.enabled") is True and at(v, "cull.timeout") == 3600 and at(v, "cull.every") > 0
    assert at(v, "proxy.https.enabled") is True
    assert at(v, "hub.config.JupyterHub.cookie_options") == {"secure": True, "samesite": "Lax"}
    hsts = at(v, "hub.config.JupyterHub.tornado_settings.headers.Strict-Transport-Security")
    assert "max-age=" in hsts
    assert at(v, "singleuser.networkPolicy.egressAllowRules.nonPrivateIPs") is False
