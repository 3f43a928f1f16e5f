"""The production set-up's files agree with the settings and the README, and are valid for
the tools that read them (systemd, nginx), filled in as scripts/install-server.sh fills them."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "chiso-cchc.env.example"
UNITS = ["chiso-cchc-web.service", "chiso-cchc-worker.service", "chiso-cchc-reminders.service",
         "chiso-cchc-reminders.timer", "chiso-cchc-backup.service", "chiso-cchc-backup.timer"]


def settings_variables() -> set[str]:
    text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'(?:os\.getenv|envstr|envbool|envint|envlist|envjson)\(\s*"([A-Z][A-Z0-9_]+)"', text))


def readme_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration (environment variables)", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def env_example_variables() -> set[str]:
    return {line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
            if re.match(r"^[A-Z][A-Z0-9_]*=", line)}


def fill(text: str, tmp_path: Path) -> str:
    values = {"USER": "root", "APP_DIR": str(ROOT), "ENV_FILE": str(tmp_path / "env"), "STATE_DIR": str(tmp_path),
              "BACKUP_DIR": str(tmp_path / "backups"), "DOMAIN": "cchc.example.vn"}
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def test_every_setting_read_from_the_environment_is_in_the_readme_table():
    missing = settings_variables() - readme_variables()
    assert not missing, f"README's configuration table lacks {sorted(missing)}"


def test_the_production_environment_file_sets_every_setting_of_the_readme_table():
    wanted = readme_variables() - {"CCHC_USER"}  # a command-line default, not a setting of the site
    missing = wanted - env_example_variables()
    assert not missing, f"deploy/chiso-cchc.env.example lacks {sorted(missing)}"
    unknown = env_example_variables() - settings_variables() - {"WEB_CONCURRENCY", "XDG_CACHE_HOME"}
    assert not unknown, f"deploy/chiso-cchc.env.example sets what no setting reads: {sorted(unknown)}"


def test_the_environment_file_passes_check_deploy(tmp_path):
    """The generated file, as is, gives settings that pass `check --deploy --fail-level WARNING`."""
    text = fill(ENV_EXAMPLE.read_text(encoding="utf-8"), tmp_path)
    text = text.replace("@SECRET_KEY@", "k2Lq9" * 12).replace("@DB_PASSWORD@", "pw").replace("@DB_NAME@", "db")
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            key, value = line.split("=", 1)
            env[key] = value
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"  # check --deploy opens no connection
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    (tmp_path / "env").write_text("DEBUG=0\n")
    paths = []
    for unit in UNITS:
        path = tmp_path / unit
        path.write_text(fill((DEPLOY / unit).read_text(encoding="utf-8"), tmp_path), encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(["systemd-analyze", "verify", *paths], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "chiso-cchc" not in done.stderr, done.stderr


def test_the_timers_run_their_service_daily_in_vietnam_time():
    for name in ("reminders", "backup"):
        timer = (DEPLOY / f"chiso-cchc-{name}.timer").read_text(encoding="utf-8")
        assert re.search(r"^OnCalendar=\*-\*-\* \d\d:\d\d:00 Asia/Ho_Chi_Minh$", timer, re.M)
        assert "Persistent=true" in timer
    assert "send_deadline_reminders" in (DEPLOY / "chiso-cchc-reminders.service").read_text(encoding="utf-8")
    assert "nightly-backup.sh" in (DEPLOY / "chiso-cchc-backup.service").read_text(encoding="utf-8")


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_the_nginx_site_is_valid(tmp_path):
    """The site file inside a minimal nginx.conf, with a throw-away certificate: `nginx -t`."""
    cert_dir = tmp_path / "letsencrypt/live/cchc.example.vn"
    cert_dir.mkdir(parents=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=cchc.example.vn",
                    "-keyout", str(cert_dir / "privkey.pem"), "-out", str(cert_dir / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    site = fill((DEPLOY / "nginx-chiso-cchc.conf").read_text(encoding="utf-8"), tmp_path)
    site = site.replace("/etc/letsencrypt", str(tmp_path / "letsencrypt"))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n", encoding="utf-8")
    done = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "proxy_set_header X-Forwarded-Proto $scheme" in site and "client_max_body_size 25m" in site


@pytest.mark.parametrize("args, message", [([], "Cách dùng"), (["--no-start"], "Cách dùng"),
                                           (["bad domain;rm"], "Tên miền không hợp lệ")])
def test_the_installer_refuses_a_missing_or_bad_domain_before_doing_anything(args, message):
    done = subprocess.run(["bash", str(ROOT / "scripts/install-server.sh"), *args], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2 and message in done.stderr


def test_run_as_app_reads_the_environment_file_as_systemd_does(tmp_path):
    """Quotes removed wherever they are, backslash escapes, comments and blank lines skipped,
    an empty value kept empty (the settings then use their default)."""
    import getpass

    env_file = tmp_path / "env"
    env_file.write_text(
        "# comment\n\n"
        "PLAIN=a value  \n"
        "JSON='{\"bucket_name\": \"cchc\"}'\n"
        "ADMINS=\"Nguyễn Văn A <a@example.vn>, b@example.vn\"\n"
        "MIXED=x\"quoted part\"y\n"
        "EMPTY=\n", encoding="utf-8")
    done = subprocess.run(["bash", str(ROOT / "scripts/run-as-app.sh"), "/usr/bin/env"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "APP_USER": getpass.getuser(), "ENV_FILE": str(env_file)},
                          timeout=30)
    assert done.returncode == 0, done.stderr
    seen = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert seen["PLAIN"] == "a value"
    assert seen["JSON"] == '{"bucket_name": "cchc"}'
    assert seen["ADMINS"] == "Nguyễn Văn A <a@example.vn>, b@example.vn"
    assert seen["MIXED"] == "xquoted party"
    assert seen["EMPTY"] == ""


@pytest.mark.parametrize("name, value", [("CONN_MAX_AGE", ""), ("SECURE_HSTS_SECONDS", ""), ("ALLOWED_HOSTS", ""),
                                         ("SESSION_COOKIE_SECURE", "")])
def test_an_empty_value_means_the_default(name, value, tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.DATABASES['default']['CONN_MAX_AGE'], s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE)")
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SECRET_KEY": "k2Lq9" * 12, "DJANGO_SETTINGS_MODULE": "config.settings",
           name: value}
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", "import django; django.setup(); " + code], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "0", "['127.0.0.1',", "'localhost',", "'testserver']", "True"]


def test_a_number_that_is_not_one_stops_the_start_with_a_message_naming_it():
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SECRET_KEY": "k2Lq9" * 12, "CONN_MAX_AGE": "sixty"}
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "CONN_MAX_AGE='sixty': phải là một số nguyên" in done.stderr
