"""Claude through the real Anthropic SDK: one structured request, validated, retried once.

The answer is requested as a forced tool call whose input schema is the seed's shape, so the
model answers with JSON of that shape; it is still validated here, and an invalid answer is sent
back once as the tool's error for a corrected call, then fails clearly. The SDK does retries with
backoff on 429/5xx itself (`max_retries`), reads `ANTHROPIC_BASE_URL` itself, and times out after
`timeout` seconds.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

logger = logging.getLogger(__name__)

TOOLS = {"analysis": ("record_analysis", "Record the analysis of the day."),
         "plan": ("record_plan", "Record the plan for the day.")}
PROMPTS = {"analysis": "analyzer.md", "plan": "planner.md"}


class AiFailed(RuntimeError):
    """Claude could not give a usable answer; the message says why, for a person."""


def prompt(kind: str) -> str:
    return resources.files("tracker_desktop.prompts").joinpath(PROMPTS[kind]).read_text("utf-8")


def request(kind: str, model: str, max_tokens: int, sent: dict[str, Any],
            schema: dict[str, Any]) -> dict[str, Any]:
    """The Messages API request for `kind`: exactly what `ai preview` shows."""
    name, description = TOOLS[kind]
    return {
        "model": model,
        "max_tokens": max_tokens,
        "system": prompt(kind),
        "messages": [{"role": "user", "content": json.dumps(sent, ensure_ascii=False,
                                                            sort_keys=True)}],
        "tools": [{"name": name, "description": description, "input_schema": schema}],
        "tool_choice": {"type": "tool", "name": name},
    }


@dataclass
class ClaudeClient:
    api_key: str
    timeout: float = 60.0
    max_retries: int = 2

    def __post_init__(self) -> None:
        import anthropic

        self._sdk = anthropic
        self._client = anthropic.Anthropic(api_key=self.api_key, timeout=self.timeout,
                                           max_retries=self.max_retries)

    def ask(self, req: dict[str, Any], parse: Callable[[Any], Any]) -> Any:
        """`parse(tool input)` of the answer to `req`; one corrected retry if it raises
        ValueError (the shape is wrong), then AiFailed."""
        messages = list(req["messages"])
        tool = req["tool_choice"]["name"]
        problem = ""
        for attempt in (1, 2):
            response = self._call({**req, "messages": messages})
            content = [block.model_dump(exclude_none=True) for block in response.content]
            calls = [b for b in content if b.get("type") == "tool_use" and b.get("name") == tool]
            if calls:
                try:
                    return parse(calls[0].get("input"))
                except ValueError as exc:
                    problem = str(exc)
                    reply: list[dict[str, Any]] = [{
                        "type": "tool_result", "tool_use_id": calls[0]["id"], "is_error": True,
                        "content": f"Invalid input: {problem}. Call {tool} again with input that "
                                   "matches its schema exactly."}]
            else:
                problem = "the answer did not call the tool"
                reply = [{"type": "text", "text": f"Answer only by calling the {tool} tool."}]
            logger.warning("Claude's answer (attempt %d) was not usable: %s", attempt, problem)
            messages += [{"role": "assistant", "content": content or
                          [{"type": "text", "text": "(empty)"}]},
                         {"role": "user", "content": reply}]
        raise AiFailed(f"Claude's answer did not have the expected shape twice ({problem}); "
                       "nothing was stored. Try again later, or use --local.")

    def _call(self, req: dict[str, Any]) -> Any:
        sdk = self._sdk
        try:
            return self._client.messages.create(**req)
        except sdk.AuthenticationError:
            raise AiFailed("the Anthropic API refused the key (401): set a valid one with "
                           "`tracker-desktop ai set-key`") from None
        except sdk.PermissionDeniedError as exc:
            raise AiFailed(f"the Anthropic API denied the request (403): {_detail(exc)}") from None
        except sdk.RateLimitError:
            raise AiFailed("the Anthropic API is rate-limiting this key (429), still after "
                           f"{self.max_retries} retries; try again later") from None
        except sdk.APITimeoutError:
            raise AiFailed(f"the Anthropic API did not answer within {self.timeout:g} s") from None
        except sdk.APIConnectionError as exc:
            raise AiFailed(f"could not reach the Anthropic API: {exc}") from None
        except sdk.APIStatusError as exc:
            raise AiFailed(f"the Anthropic API answered {exc.status_code}: {_detail(exc)}") from None


def _detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:300]
    return str(exc)[:300]
