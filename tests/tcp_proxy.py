"""A loopback TCP forwarder that a test can stop and start, so a service becomes really unreachable for the
code under test (connection refused, open connections cut) while the service itself keeps running.

Bounded: listens on 127.0.0.1 only, forwards to 127.0.0.1 only, at most ``max_connections`` at a time,
daemon threads, sockets with timeouts; ``stop()`` closes the listener and every forwarded connection.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress


class TcpProxy:
    def __init__(
        self, target_port: int, *, target_host: str = "127.0.0.1", max_connections: int = 32
    ) -> None:
        if target_host not in ("127.0.0.1", "localhost"):
            raise ValueError("TcpProxy forwards to the loopback interface only")
        self.target = (target_host, target_port)
        self.port = 0
        self.max_connections = max_connections
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_connections)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> TcpProxy:
        """Listen (again) on the same port as before, or on a free one the first time."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="tcp-proxy-accept").start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut the open ones (a client's kept-alive connections too)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @staticmethod
    def _close(sock: socket.socket) -> None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with suppress(OSError):
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # listener closed by stop()
            if not self._slots.acquire(blocking=False):
                self._close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._close(client)
                self._slots.release()
                continue
            for sock in (client, upstream):
                sock.settimeout(60)
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    self._close(client)
                    self._close(upstream)
                    self._slots.release()
                    return
                self._sockets.update((client, upstream))
            closed: list[bool] = []  # set once, under self._lock, by the first direction to end
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink, client, upstream, closed), daemon=True
                ).start()

    def _pump(
        self,
        source: socket.socket,
        sink: socket.socket,
        client: socket.socket,
        upstream: socket.socket,
        closed: list[bool],
    ) -> None:
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            # The first direction to end closes both sockets and frees the slot; the second does nothing.
            with self._lock:
                first = not closed
                closed.append(True)
                self._sockets.discard(client)
                self._sockets.discard(upstream)
            if first:
                self._close(client)
                self._close(upstream)
                self._slots.release()
