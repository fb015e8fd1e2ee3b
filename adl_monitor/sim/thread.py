"""The simulated exchange on its own event loop in a daemon thread, for synchronous callers:
the CLI's `--demo`, the GUI's demo mode, tests. The caller's thread never runs sim code."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any

from adl_monitor.sim.faults import FaultKind
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE
from adl_monitor.sim.server import SimExchange

START_TIMEOUT = 30.0


class SimExchangeThread:
    def __init__(
        self,
        scenario: str = "calm",
        seed: int = 1,
        speed: float = 1.0,
        port: int = 0,
        traders_per_side: int = DEFAULT_TRADERS_PER_SIDE,
        population: str = "a",
        lead_in: float = 0.0,
    ) -> None:
        self.sim = SimExchange(
            scenario,
            seed,
            speed,
            traders_per_side=traders_per_side,
            population=population,
            lead_in=lead_in,
        )
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return self.sim.base_url

    def start(self) -> str:
        """Start the server; return its base URL once it is listening."""
        if self._thread is not None:
            return self.sim.base_url
        ready: Future[str] = Future()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)

            async def boot() -> None:
                try:
                    ready.set_result(await self.sim.start(self._port))
                except BaseException as error:  # reported to the starting thread
                    ready.set_exception(error)

            booting = loop.create_task(boot())
            loop.run_forever()
            del booting
            loop.close()

        self._thread = threading.Thread(target=run, name="sim-exchange", daemon=True)
        self._thread.start()
        try:
            return ready.result(timeout=START_TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def _call(self, coro: Any) -> Any:
        assert self._loop is not None, "SimExchangeThread is not started"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=START_TIMEOUT)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            try:
                self._call(self.sim.stop())
            finally:
                loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=START_TIMEOUT)
        self._loop = None
        self._thread = None

    def truth(self) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            return dict(self.sim.truth())

        result: dict[str, Any] = self._call(read())
        return result

    def advance(self, seconds: float) -> None:
        async def step() -> None:
            self.sim.advance(seconds)

        self._call(step())

    def set_fault(
        self, venue: str, fault: FaultKind | str, route: str | None = None, retry_after: int = 1
    ) -> None:
        """`SimExchange.set_fault`, run on the server's loop."""

        async def stage() -> None:
            self.sim.set_fault(venue, fault, route, retry_after)

        self._call(stage())

    def add_read_only_key(self, api_key: str, secret: str, passphrase: str | None = None) -> None:
        """`SimExchange.add_read_only_key`, run on the server's loop."""

        async def add() -> None:
            self.sim.add_read_only_key(api_key, secret, passphrase)

        self._call(add())

    def clear_faults(self, venue: str | None = None, route: str | None = None) -> None:
        """`SimExchange.clear_faults`, run on the server's loop."""

        async def end() -> None:
            self.sim.clear_faults(venue, route)

        self._call(end())

    def __enter__(self) -> SimExchangeThread:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
