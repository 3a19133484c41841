"""The local stack: SeaweedFS (S3) and the Prefect server as tracked background processes.

Every background process intake starts has a pid file ``var/run/<name>.pid`` and a log
``var/log/<name>.log``. It runs in its own session (process group), so stopping it stops
its children too, and nothing is ever found or killed by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from infra.settings import Settings, get_settings
from models.errors import ConfigurationError, IntakeError

S3 = "s3"
PREFECT = "prefect"
STACK_SERVICES: tuple[str, ...] = (S3, PREFECT)

#: Ports ``weed mini`` opens, as offsets from ``settings.s3_port`` (all on 127.0.0.1).
WEED_PORT_OFFSETS: dict[str, int] = {
    "s3.port": 0,
    "s3.port.grpc": 1,
    "master.port": 2,
    "master.port.grpc": 3,
    "volume.port": 4,
    "volume.port.grpc": 5,
    "filer.port": 6,
    "filer.port.grpc": 7,
    "admin.port": 8,
    "admin.port.grpc": 9,
}

#: Environment for the Prefect server: no calls to the vendor, the V1 UI.
PREFECT_SERVER_ENV: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_V2_ENABLED": "false",
}

ProgressCallback = Callable[[str], None]


class StackError(IntakeError):
    """A stack service did not start or become healthy; the message carries its log tail."""

    exit_code = 4
    code = "stack_failed"


@dataclass(frozen=True)
class ServiceStatus:
    """What ``intake stack status`` shows for one background process."""

    name: str
    """service name, also the pid and log file stem"""
    pid: int | None
    """process id from the pid file, ``None`` when there is no pid file"""
    running: bool
    """the recorded process is alive"""
    healthy: bool | None
    """health check answered; ``None`` when the service has no health check"""
    address: str
    """where it serves (URL), or empty"""
    log: Path
    """its log file"""


# ---------------------------------------------------------------------------------------
# generic background processes


def run_dir(settings: Settings | None = None) -> Path:
    """``var/run``: pid files and local sockets."""
    return (settings or get_settings()).var_dir / "run"


def log_dir(settings: Settings | None = None) -> Path:
    """``var/log``: one log per background process."""
    return (settings or get_settings()).var_dir / "log"


def pid_path(name: str, settings: Settings | None = None) -> Path:
    """The pid file of background process ``name``."""
    return run_dir(settings) / f"{name}.pid"


def log_path(name: str, settings: Settings | None = None) -> Path:
    """The log file of background process ``name``."""
    return log_dir(settings) / f"{name}.log"


def _reap(pid: int) -> None:
    """Collect ``pid`` if it is our own exited child, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _alive(pid: int) -> bool:
    _reap(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X")


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def read_pid(name: str, settings: Settings | None = None) -> int | None:
    """The pid recorded for ``name`` if that process is still alive and still ours, else None.

    A pid file whose process is gone (or whose pid was reused by another program) is
    removed.
    """
    path = pid_path(name, settings)
    try:
        lines = path.read_text().split("\n", 1)
        pid = int(lines[0])
    except (OSError, ValueError):
        return None
    program = lines[1].strip() if len(lines) > 1 else ""
    if _alive(pid):
        argv = _cmdline(pid)
        if not program or any(Path(a).name == program for a in argv[:3]):
            return pid
    path.unlink(missing_ok=True)
    return None


def _child_preexec() -> None:
    # A shell that started us with `&` makes SIGINT ignored; give the child default
    # handlers so SIGTERM / SIGINT stop it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def start_background(name: str, argv: Sequence[str], env: Mapping[str, str] | None = None,
                     settings: Settings | None = None, cwd: Path | None = None) -> int:
    """Start ``argv`` as background process ``name``; return its pid.

    The process runs in a new session with stdout and stderr appended to
    ``var/log/<name>.log``; its pid goes to ``var/run/<name>.pid``. ``env`` is added to
    the current environment. If ``name`` is already running, its pid is returned and
    nothing new is started.

    Example: ``start_background("serve", [".venv/bin/python", "-m", "flows.serve"])``
    """
    existing = read_pid(name, settings)
    if existing is not None:
        return existing
    run_dir(settings).mkdir(parents=True, exist_ok=True)
    log = log_path(name, settings)
    log.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    with log.open("ab") as out:
        out.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} start {name}\n".encode())
        out.flush()
        try:
            proc = subprocess.Popen(  # noqa: S603 - argv is built by us, no shell
                list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                env=full_env, cwd=cwd, start_new_session=True, preexec_fn=_child_preexec,
            )
        except OSError as e:
            raise ConfigurationError(f"cannot start {name}: {argv[0]}: {e}") from e
    pid_path(name, settings).write_text(f"{proc.pid}\n{Path(argv[0]).name}\n")
    return proc.pid


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _wait_until(done: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    """Poll ``done`` until it holds or ``timeout`` seconds pass; whether it held."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)
    return True


def _wait_gone(pid: int, timeout: float) -> bool:
    return _wait_until(lambda: not _alive(pid), timeout)


def stop_background(name: str, settings: Settings | None = None, timeout: float = 15.0) -> bool:
    """Stop background process ``name`` and its process group; True if one was running.

    Sends SIGTERM, then SIGINT, then SIGKILL, each after ``timeout / 2`` seconds without
    exit. The pid file is removed.

    Example: ``stop_background("serve")``
    """
    pid = read_pid(name, settings)
    if pid is None:
        pid_path(name, settings).unlink(missing_ok=True)
        return False
    for sig, wait in ((signal.SIGTERM, timeout / 2), (signal.SIGINT, timeout / 2),
                      (signal.SIGKILL, 5.0)):
        _signal_group(pid, sig)
        if _wait_gone(pid, wait):
            break
    # children that outlived the leader still belong to its process group
    _signal_group(pid, signal.SIGKILL)
    # orphans are reaped by PID 1, which here takes 1-2 s when idle and more under load
    _wait_group_gone(pid, GROUP_GONE_SECONDS)
    pid_path(name, settings).unlink(missing_ok=True)
    return True


#: How long ``stop_background`` waits for the last of a process group to be reaped.
GROUP_GONE_SECONDS = 15.0


def _wait_group_gone(pgid: int, timeout: float) -> bool:
    """Wait until no process of group ``pgid`` is left: a killed child dies, and is reaped,
    a moment after the signal (longer on a loaded machine), so "stopped" means gone."""
    def gone() -> bool:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return True  # not ours to wait for
        return False

    return _wait_until(gone, timeout, step=0.05)


def background_names(settings: Settings | None = None) -> list[str]:
    """Names of every process with a pid file under ``var/run``."""
    folder = run_dir(settings)
    return sorted(p.stem for p in folder.glob("*.pid")) if folder.exists() else []


def log_tail(name: str, settings: Settings | None = None, lines: int = 25) -> str:
    """The last ``lines`` lines of ``name``'s log (empty if none)."""
    try:
        text = log_path(name, settings).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def port_in_use(host: str, port: int) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def free_port_block(count: int, start: int = 20000, stop: int = 60000) -> int:
    """The first port ``p >= start`` such that ``p .. p+count-1`` are all free on loopback."""
    port = start
    while port + count < stop:
        busy = next((p for p in range(port, port + count) if not _bindable(p)), None)
        if busy is None:
            return port
        port = busy + 1
    raise ConfigurationError(f"no block of {count} free ports between {start} and {stop}")


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# ---------------------------------------------------------------------------------------
# the two stack services


def find_program(name: str) -> str:
    """Path of ``name`` next to this Python (the venv's bin), else on ``PATH``."""
    candidate = Path(sysconfig.get_path("scripts")) / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(f"program {name!r} not found; install the project "
                                 "(pip install -e .) so the venv has it")
    return found


def weed_argv(settings: Settings) -> list[str]:
    """``weed mini`` command line: S3 and its helpers on loopback, ports from s3_port on."""
    var = settings.var_dir
    ports = [f"-{flag}={settings.s3_port + offset}" for flag, offset in WEED_PORT_OFFSETS.items()]
    return [
        find_program("weed"), f"-logdir={log_dir(settings) / 'weed'}", "mini",
        f"-dir={var / 's3'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.localSocket={run_dir(settings) / 'weed-s3.sock'}",
        f"-filer.localSocket={run_dir(settings) / 'weed-filer.sock'}",
        *ports,
    ]


def weed_env(settings: Settings) -> dict[str, str]:
    """Credentials and bucket for ``weed mini`` (without credentials S3 would be open)."""
    access_key, secret_key = settings.credentials()
    return {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key,
            "S3_BUCKET": settings.s3_bucket}


def prefect_argv(settings: Settings) -> list[str]:
    """``prefect server start`` on loopback at ``settings.prefect_port``."""
    return [find_program("prefect"), "server", "start", "--host", settings.prefect_host,
            "--port", str(settings.prefect_port)]


def prefect_env(settings: Settings) -> dict[str, str]:
    """Environment of the Prefect server: its own home under var/, no telemetry."""
    return {**PREFECT_SERVER_ENV, "PREFECT_HOME": str(settings.var_dir / "prefect")}


def s3_healthy(settings: Settings) -> bool:
    """True when S3 answers with our credentials and the bucket exists."""
    from infra.storage import Storage

    try:
        return Storage(settings, timeout=2.0, retries=0).bucket_exists()
    except IntakeError:
        return False


def prefect_healthy(settings: Settings) -> bool:
    """True when the Prefect server answers ``GET /api/health``."""
    try:
        response = httpx.get(f"{settings.prefect_api_url}/health", timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _ports(name: str, settings: Settings) -> list[int]:
    if name == S3:
        return [settings.s3_port + offset for offset in WEED_PORT_OFFSETS.values()]
    return [settings.prefect_port]


def _address(name: str, settings: Settings) -> str:
    return f"http://{settings.s3_endpoint}" if name == S3 else settings.prefect_ui_url


def _healthy(name: str, settings: Settings) -> bool:
    return s3_healthy(settings) if name == S3 else prefect_healthy(settings)


def _start(name: str, settings: Settings) -> int:
    try:
        return _start_service(name, settings)
    except OSError as e:
        raise StackError(f"{name}: cannot prepare {settings.var_dir}: {e}") from e


def _start_service(name: str, settings: Settings) -> int:
    if name == S3:
        (settings.var_dir / "s3").mkdir(parents=True, exist_ok=True)
        (log_dir(settings) / "weed").mkdir(parents=True, exist_ok=True)
        # weed writes its gRPC sockets into the working directory
        return start_background(S3, weed_argv(settings), weed_env(settings), settings,
                                cwd=run_dir(settings))
    (settings.var_dir / "prefect").mkdir(parents=True, exist_ok=True)
    return start_background(PREFECT, prefect_argv(settings), prefect_env(settings), settings)


def _check_ports_free(name: str, settings: Settings) -> None:
    host = settings.s3_host if name == S3 else settings.prefect_host
    ports = _ports(name, settings)
    if min(ports) < 1 or max(ports) > 65535:
        raise StackError(f"{name}: ports {min(ports)}-{max(ports)} are outside 1-65535; "
                         "weed uses INTAKE_S3_PORT and the next 9 ports")
    busy = [p for p in ports if port_in_use(host, p)]
    if busy:
        knob = "INTAKE_S3_PORT (weed uses it and the next 9 ports)" if name == S3 \
            else "INTAKE_PREFECT_PORT"
        raise StackError(f"{name}: port(s) {busy} on {host} are taken by another process "
                         f"not started from {settings.var_dir}; stop it or set {knob}")


def stack_up(settings: Settings | None = None, *, services: Sequence[str] = STACK_SERVICES,
             timeout: float = 120.0, progress: ProgressCallback | None = None,
             ) -> list[ServiceStatus]:
    """Start SeaweedFS and the Prefect server unless running; return once both are healthy.

    Idempotent: services already running from this ``var/`` are left alone. On a timeout
    or an early exit a ``StackError`` carries the service's log tail. ``progress``
    receives short human messages while waiting.
    """
    settings = settings or get_settings()
    say = progress or (lambda _msg: None)
    started: list[str] = []
    for name in services:
        if read_pid(name, settings) is not None:
            say(f"{name}: already running")
            continue
        _check_ports_free(name, settings)
        pid = _start(name, settings)
        started.append(name)
        say(f"{name}: started (pid {pid})")
    deadline = time.monotonic() + timeout
    waiting = list(services)
    while waiting:
        for name in list(waiting):
            if _healthy(name, settings):
                waiting.remove(name)
                say(f"{name}: healthy at {_address(name, settings)}")
            elif read_pid(name, settings) is None:
                raise StackError(f"{name} exited during start-up; last lines of "
                                 f"{log_path(name, settings)}:\n{log_tail(name, settings)}")
        if not waiting:
            break
        if time.monotonic() > deadline:
            name = waiting[0]
            raise StackError(f"{name} not healthy after {timeout:.0f} s; last lines of "
                             f"{log_path(name, settings)}:\n{log_tail(name, settings)}")
        say(f"waiting for {', '.join(waiting)}")
        time.sleep(0.5)
    return stack_status(settings)


def stack_down(settings: Settings | None = None, names: Sequence[str] | None = None,
               progress: ProgressCallback | None = None) -> list[str]:
    """Stop what intake started in the background (all pid files, or ``names``).

    Returns the names that were running and are now stopped. Processes are found only
    through their pid files, never by name.
    """
    settings = settings or get_settings()
    say = progress or (lambda _msg: None)
    todo = list(names) if names is not None else background_names(settings)
    # stop flow servers before the services they talk to
    todo.sort(key=lambda n: (n in STACK_SERVICES, -STACK_SERVICES.index(n)
                             if n in STACK_SERVICES else 0))
    stopped = []
    for name in todo:
        say(f"stopping {name}")
        if stop_background(name, settings):
            stopped.append(name)
    return stopped


def stack_status(settings: Settings | None = None) -> list[ServiceStatus]:
    """Status of S3, Prefect and every other process with a pid file under ``var/run``."""
    settings = settings or get_settings()
    names = list(STACK_SERVICES) + [n for n in background_names(settings)
                                    if n not in STACK_SERVICES]
    rows = []
    for name in names:
        pid = read_pid(name, settings)
        if name in STACK_SERVICES:
            healthy: bool | None = _healthy(name, settings) if pid is not None else False
            address = _address(name, settings)
        else:
            healthy, address = None, ""
        rows.append(ServiceStatus(name, pid, pid is not None, healthy, address,
                                  log_path(name, settings)))
    return rows
