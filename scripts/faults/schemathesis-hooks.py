"""Generators for the string formats Weir's OpenAPI document names (src/server/schemas/common-schemas.ts).

JSON Schema cannot spell what these strings must be (a cron expression that fires, an IANA time
zone, a cursor this API returned, an SMTP server URL), so the document names them with a `format` and this file
tells schemathesis how to make valid ones; scripts/faults/schemathesis.ts loads it through
SCHEMATHESIS_HOOKS. Invalid values of these formats are still sent in the negative phases.
"""

from hypothesis import strategies as st

import schemathesis

# Zones every IANA database (Node's ICU, Python's tzdata) knows, across offsets and DST rules.
TIME_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Phnom_Penh",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Chatham",
]


def _cron_field(low: int, high: int) -> st.SearchStrategy[str]:
    value = st.integers(low, high)
    return st.one_of(
        st.just("*"),
        value.map(str),
        st.integers(1, high - low).map(lambda step: f"*/{step}"),
        st.tuples(value, value).map(lambda pair: f"{min(pair)}-{max(pair)}"),
        st.lists(value, min_size=1, max_size=3, unique=True).map(lambda items: ",".join(map(str, sorted(items)))),
    )


# Day of month stays within 1..28 so that every expression fires in every month.
_CRON_FIVE = st.tuples(_cron_field(0, 59), _cron_field(0, 23), _cron_field(1, 28), _cron_field(1, 12), _cron_field(0, 6)).map(" ".join)
CRON = st.one_of(
    _CRON_FIVE,
    st.tuples(_cron_field(0, 59), _CRON_FIVE).map(" ".join),
    st.sampled_from(["@hourly", "@daily", "@weekly", "@monthly", "@yearly"]),
)

RRULE = st.tuples(
    st.sampled_from(["MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.integers(1, 30),
    st.sampled_from(["", ";COUNT=10", ";BYHOUR=9", ";BYDAY=MO,WE,FR"]),
).filter(
    # From the default DTSTART (midnight), even hourly steps never land on 9: such a rule never
    # fires and is refused (422), so it is not valid data.
    lambda parts: not (parts[0] == "HOURLY" and parts[2] == ";BYHOUR=9" and parts[1] % 2 == 0)
).map(lambda parts: f"RRULE:FREQ={parts[0]};INTERVAL={parts[1]}{parts[2]}")

schemathesis.openapi.format("cron", CRON)
schemathesis.openapi.format("rrule", RRULE)
schemathesis.openapi.format("time-zone", st.sampled_from(TIME_ZONES))
# An SMTP server URL (an email action's `smtp`): only smtp:// and smtps:// with a host are accepted.
schemathesis.openapi.format(
    "smtp-url",
    st.tuples(st.sampled_from(["smtp", "smtps"]), st.sampled_from(["", "user:secret@", "ops@"]), st.sampled_from(["mail.example.com", "127.0.0.1", "smtp.test"]), st.sampled_from(["", ":25", ":465", ":587"])).map(lambda parts: f"{parts[0]}://{parts[1]}{parts[2]}{parts[3]}"),
)
# Only the API makes cursors (each names its listing and sort); the empty one is the first page.
schemathesis.openapi.format("page-cursor", st.just(""))


# A deployment's automations must have distinct names (a rule JSON Schema cannot spell for items
# of a list): generated lists get distinct names, so that valid data stays valid.
@schemathesis.hook.apply_to(method="PUT", path="/api/deployments/{id}/automations")
def map_body(ctx, body):
    automations = body.get("automations") if isinstance(body, dict) else None
    if isinstance(automations, list):
        seen = set()
        for index, automation in enumerate(automations):
            if isinstance(automation, dict) and isinstance(automation.get("name"), str):
                # Compared as the server compares them: without surrounding white space.
                name = automation["name"].strip()
                while name in seen:
                    name = f"{name}-{index}"
                if name != automation["name"].strip():
                    automation["name"] = name
                seen.add(name)
    return body
