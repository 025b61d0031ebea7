"""Driving JupyterLab in Debian's Chromium with Playwright (no browser download).

JupyterLab is started on 127.0.0.1 with a random port and token, with the app exposed as
`window.jupyterapp` and notebook windowing off (every cell stays in the page).
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
         "--disable-dev-shm-usage"]
SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                                "checkForUpdates": False}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server for a folder; stop() ends it."""

    def __init__(self, root: Path, settings_dir: Path, log: Path):
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.settings_dir = settings_dir
        for name, value in SETTINGS.items():
            plugin_dir, _, file = name.partition("/")
            path = settings_dir / plugin_dir / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
                   JUPYTERLAB_SETTINGS_DIR=str(settings_dir))
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        self.log = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
             "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=False", *as_root],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_until_up()

    def set_locale(self, locale: str) -> None:
        """JupyterLab's interface language for pages opened from now on ('zh_CN': its Simplified
        Chinese language pack; 'default': English)."""
        path = self.settings_dir / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"locale": locale}))

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{sep}token={self.token}"

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("api/status"), timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("JupyterLab did not start")

    def shutdown_kernels(self) -> None:
        """End every session's kernel (each test opens its own notebook)."""
        sessions = json.loads(urllib.request.urlopen(self.url("api/sessions"), timeout=10).read())
        for session in sessions:
            request = urllib.request.Request(self.url(f"api/sessions/{session['id']}"), method="DELETE")
            urllib.request.urlopen(request, timeout=30).read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.map(cell => {
    const model = cell.model;
    const outputs = model.type === 'code' ? model.outputs.toJSON() : [];
    return {type: model.type, source: model.sharedModel.getSource().slice(0, 120),
            count: model.type === 'code' ? model.sharedModel.execution_count : null,
            running: cell.node.querySelector('.jp-InputPrompt') ?
                     cell.node.querySelector('.jp-InputPrompt').textContent.includes('*') : false,
            outputs: outputs.map(o => ({type: o.output_type, ename: o.ename || null,
                                        evalue: (o.evalue || '').slice(0, 200),
                                        html: !!(o.data && o.data['text/html'])}))};
  });
  return {kernel: kernel ? kernel.status : 'none', path: panel.context.path, cells};
}"""


def notebook_state(page) -> dict | None:
    return page.evaluate(NOTEBOOK_STATE)


def goto_notebook(page, lab: "Lab", path: str) -> None:
    """Open a notebook in a fresh JupyterLab workspace (no tab of an earlier session is restored)
    and wait until its kernel is idle."""
    import time as _time

    workspace = f"t{_time.monotonic_ns()}"
    page.goto(lab.url(f"lab/workspaces/{workspace}/tree/{path}?reset"), wait_until="domcontentloaded",
              timeout=60_000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=60_000)
    wait_for_idle_kernel(page)


def wait_for_idle_kernel(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_function("""() => {
      const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
      const ctx = panel && panel.sessionContext;
      return !!(ctx && ctx.session && ctx.session.kernel && ctx.session.kernel.status === 'idle');
    }""", timeout=timeout_ms)


def run_all_and_wait(page, timeout_ms: int = 180_000) -> dict:
    """Run every cell and wait until each code cell has run (a count, no '*') and the kernel is idle."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => {
      const panel = window.jupyterapp.shell.currentWidget;
      const session = panel && panel.sessionContext && panel.sessionContext.session;
      const kernel = session && session.kernel;
      if (!kernel) return false;
      const code = panel.content.widgets.filter(c => c.model.type === 'code');
      const done = code.every(c => c.model.sharedModel.execution_count !== null &&
                                   !c.node.querySelector('.jp-InputPrompt').textContent.includes('*'));
      return done && kernel.status === 'idle';
    }""", timeout=timeout_ms, polling=500)
    return notebook_state(page)
