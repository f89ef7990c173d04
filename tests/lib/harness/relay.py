"""A TCP relay from the cluster's network namespace to a server on the host's loopback (the test Vault server).

The pods reach a Service's address in the cluster namespace; the server listens on 127.0.0.1 of the host, which no
pod can reach. The relay's listening socket is made inside the cluster namespace (a thread enters it with setns(2):
a socket stays in the namespace it was made in), and each connection it accepts is joined to a new connection to
the server made from the host's namespace. It counts the connections it accepted, and lives in the test process:
nothing is left behind when the test ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import threading

CLONE_NEWNET = 0x40000000


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns into a network namespace failed")


def listen_in(namespace_pid: int, address: tuple[str, int]) -> socket.socket:
    """A listening socket bound to `address` inside the network namespace of process `namespace_pid`."""
    made: list[socket.socket | BaseException] = []

    def make() -> None:  # a thread of its own: setns moves only the calling thread, which then ends
        try:
            fd = os.open(f"/proc/{namespace_pid}/ns/net", os.O_RDONLY)
            try:
                _setns(fd)
            finally:
                os.close(fd)
            listener = socket.create_server(address)
            made.append(listener)
        except BaseException as error:  # handed to the caller
            made.append(error)

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    (result,) = made
    if isinstance(result, BaseException):
        raise result
    return result


class Relay:
    """Relays connections to `address` in the namespace of `namespace_pid` to `upstream` on the host; `stop()` ends it.

    `connections` counts the connections accepted so far (a client's attempts to reach the server).
    """

    def __init__(self, namespace_pid: int, address: tuple[str, int], upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = listen_in(namespace_pid, address)
        self.connections = 0
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed
            self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()  # the server is down: the client sees its connection closed
            return
        server.settimeout(None)
        upward = threading.Thread(target=_pipe, args=(client, server), daemon=True)
        upward.start()
        _pipe(server, client)
        upward.join()
        client.close()
        server.close()

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
