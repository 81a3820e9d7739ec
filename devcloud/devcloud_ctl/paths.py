"""Where everything lives: sources under ``devcloud/``, state under ``.devcloud/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DB_PORT = 3306
AMQP_PORT = 5672
EPMD_PORT = 4369
RABBIT_DIST_PORT = 25672
DB_USER = "devcloud"
DB_PASSWORD = "devcloud"
ADMIN_PASSWORD = "admin"
SERVICE_PASSWORD = "devcloud"
DEMO_PASSWORD = "demo"
AUTH_URL = "http://127.0.0.1:5000/v3"
REGION = "RegionOne"


@dataclass(frozen=True)
class Paths:
    repo: Path

    @property
    def src(self) -> Path:
        return self.repo / "devcloud"

    @property
    def templates(self) -> Path:
        return self.src / "etc"

    @property
    def scripts(self) -> Path:
        return self.src / "scripts"

    @property
    def lock_file(self) -> Path:
        return self.src / "requirements.lock"

    @property
    def root(self) -> Path:
        return self.repo / ".devcloud"

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "log"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def lock_file_path(self) -> Path:
        return self.root / "devcloud.lock"

    @property
    def clouds_yaml(self) -> Path:
        return self.root / "clouds.yaml"

    @property
    def mysql_socket(self) -> Path:
        return self.data / "mysql-run" / "mysqld.sock"

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    def pidfile(self, service: str) -> Path:
        return self.run / f"{service}.pid"

    def logfile(self, name: str) -> Path:
        return self.log / f"{name}.log"

    def marker(self, step: str) -> Path:
        return self.state / f"{step}.done"

    def wiped_on_reset(self) -> tuple[Path, ...]:
        return (
            self.etc,
            self.data,
            self.run,
            self.log,
            self.state,
            self.clouds_yaml,
            self.root / "build",
        )

    def ensure_dirs(self) -> None:
        for path in (self.etc, self.data, self.run, self.log, self.state):
            path.mkdir(parents=True, exist_ok=True)
