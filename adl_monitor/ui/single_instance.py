"""One running app per user and data directory: a second launch raises the first one's window.

Two GUIs would run two engines that poll the same accounts (twice the requests against the
venues' rate limits) and write the same history database. The first instance listens on a
local socket (`QLocalServer`: a Unix socket, or a named pipe on Windows) whose name is derived
from the data directory, so a portable install or a test with its own directories is its own
instance. A second launch connects, says "raise", and exits.
"""

from __future__ import annotations

import getpass
import hashlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from adl_monitor.storage import paths

_log = logging.getLogger(__name__)

RAISE = b"raise\n"
CONNECT_TIMEOUT_MS = 500


def server_name() -> str:
    """The socket name for this user and data directory (short: Unix sockets have a limit)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in a container: the data dir still tells instances apart
        user = ""
    digest = hashlib.sha256(f"{user}\0{paths.data_dir().resolve()}".encode()).hexdigest()
    return f"adl-monitor-{digest[:16]}"


def ask_running_instance_to_raise(name: str | None = None) -> bool:
    """True when another instance answered and was asked to show its window."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(RAISE)
    socket.flush()
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; `raise_requested` asks the window to come to the front."""

    raise_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._clients: set[QLocalSocket] = set()  # kept alive here until they disconnect

    def listen(self) -> bool:
        """Start listening; a socket left by a crashed instance is removed first."""
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        _log.warning("single-instance socket unavailable: %s", self._server.errorString())
        return False

    def close(self) -> None:
        for client in list(self._clients):
            client.abort()
        self._clients.clear()
        self._server.close()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            client = self._server.nextPendingConnection()
            self._clients.add(client)
            client.readyRead.connect(self._on_message)
            client.disconnected.connect(self._on_disconnected)

    def _on_message(self) -> None:
        for client in list(self._clients):
            if client.bytesAvailable() and bytes(client.readAll().data()).startswith(RAISE.strip()):
                self.raise_requested.emit()

    def _on_disconnected(self) -> None:
        for client in [
            c for c in self._clients if c.state() != QLocalSocket.LocalSocketState.ConnectedState
        ]:
            self._clients.discard(client)
