"""bench/webhook_post.py: prepared POSTs read back as the status, on kept-alive connections."""

from __future__ import annotations

import asyncio
import json

from aiohttp import MultipartWriter, web

from bench.webhook_post import WebhookPoster, request_bytes


async def _server(handler: web.RequestHandler) -> tuple[web.AppRunner, str]:  # type: ignore[type-arg]
    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/hook"


async def test_statuses_bodies_and_kept_alive_connections() -> None:
    seen: list[tuple[dict[str, object], str, int]] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        peer = request.transport.get_extra_info("peername")[1]  # type: ignore[union-attr]
        seen.append((body, request.headers["X-Secret"], peer))
        kind = body["kind"]
        if kind == "busy":
            return web.Response(status=503, text="busy")
        if kind == "multipart":  # what aiogram's webhook answer is
            writer = MultipartWriter("form-data")
            writer.append("answerCallbackQuery").set_content_disposition("form-data", name="method")
            return web.Response(body=writer)
        if kind == "chunked":
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for part in (b"a" * 10, b"b" * 3000, b"c"):
                await response.write(part)
            await response.write_eof()
            return response
        if kind == "close":
            return web.Response(text="ok", headers={"Connection": "close"})
        return web.json_response({"ok": True})

    runner, url = await _server(handler)
    poster = WebhookPoster(url)
    try:
        kinds = ["json", "multipart", "chunked", "busy", "json", "close", "json"]
        statuses = [await poster.post(request_bytes(url, {"kind": k}, {"X-Secret": "s"})) for k in kinds]
        assert statuses == [200, 200, 200, 503, 200, 200, 200]
        assert [b for b, _, _ in seen] == [{"kind": k} for k in kinds]
        assert {s for _, s, _ in seen} == {"s"}
        ports = [p for _, _, p in seen]
        assert len(set(ports[:6])) == 1  # one connection kept alive, one request after another
        assert ports[6] != ports[5]  # the server closed it: a new one
        # At once: one connection each, all answered.
        together = await asyncio.gather(
            *(poster.post(request_bytes(url, {"kind": "json", "n": n}, {"X-Secret": "s"})) for n in range(20))
        )
        assert together == [200] * 20
        assert len({p for _, _, p in seen[7:]}) == 20
    finally:
        poster.close()
        await runner.cleanup()


def test_request_bytes_are_one_post_with_its_length() -> None:
    raw = request_bytes("http://127.0.0.1:8080/telegram/webhook", {"a": "é"}, {"X-T": "1"})
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /telegram/webhook HTTP/1.1"
    assert "Host: 127.0.0.1:8080" in lines and "X-T: 1" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert json.loads(body) == {"a": "é"}
