"""The load side of a webhook bench: requests posted as bytes built before the clock starts.

aiohttp's client costs some 150 µs of this process's CPU per request (a request
object, headers merged, the body serialised, the response parsed into objects);
on two cores shared with the workers, that CPU is taken from them. What the bench
needs is less: POST prepared bytes on a kept-alive HTTP/1.1 connection and read the
status. :class:`WebhookPoster` does that with an :class:`asyncio.Protocol` per
connection — ``Content-Length`` and chunked responses, a connection the server
closes replaced by a new one.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit


def request_bytes(url: str, body: dict[str, Any], headers: dict[str, str]) -> bytes:
    """One POST of ``body`` as JSON to ``url``, as it goes on the wire."""
    parts = urlsplit(url)
    payload = json.dumps(body, separators=(",", ":")).encode()
    lines = [f"POST {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}",
             "Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class _Exchange(asyncio.Protocol):
    """One connection; one request at a time, its response's status."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[int] | None = None
        self.reusable = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionResetError("the server closed the connection"))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._waiter is None or self._waiter.done():
            return
        status = self._response()
        if status is not None:
            self._waiter.set_result(status)

    def post(self, request: bytes) -> asyncio.Future[int]:
        assert self._transport is not None and self.reusable
        self._waiter = asyncio.get_running_loop().create_future()
        self._buffer.clear()
        self._transport.write(request)
        return self._waiter

    def close(self) -> None:
        self.reusable = False
        if self._transport is not None:
            self._transport.close()

    def _response(self) -> int | None:
        """The status once the whole response is in the buffer (then taken out of it), else None."""
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = buffer[:end].decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip().lower()
        start = end + 4
        if "content-length" in fields:
            stop = start + int(fields["content-length"])
            if len(buffer) < stop:
                return None
        elif fields.get("transfer-encoding") == "chunked":
            stop = _chunked_end(buffer, start)
            if stop is None:
                return None
        else:  # the body runs to the end of the connection
            return None
        if fields.get("connection") == "close":
            self.reusable = False
        del buffer[:stop]
        return status


def _chunked_end(buffer: bytearray, at: int) -> int | None:
    """Where a chunked body that starts at ``at`` ends, or None while it is incomplete."""
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(bytes(buffer[at:line_end]).split(b";", 1)[0], 16)
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", line_end)
            return None if trailer_end < 0 else trailer_end + 4
        at = line_end + 2 + size + 2
        if len(buffer) < at:
            return None


class WebhookPoster:
    """Prepared POSTs to one host, each on an idle kept-alive connection or a new one."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._idle: list[_Exchange] = []
        self._all: list[_Exchange] = []

    async def post(self, request: bytes) -> int:
        """The response's status; raises OSError when the connection fails."""
        exchange = self._idle.pop() if self._idle else await self._connect()
        try:
            status = await exchange.post(request)
        except BaseException:
            exchange.close()
            raise
        if exchange.reusable:
            self._idle.append(exchange)
        else:
            exchange.close()
        return status

    async def _connect(self) -> _Exchange:
        loop = asyncio.get_running_loop()
        _, exchange = await loop.create_connection(_Exchange, self._host, self._port)
        self._all.append(exchange)
        return exchange

    def close(self) -> None:
        for exchange in self._all:
            exchange.close()
        self._all.clear()
        self._idle.clear()
