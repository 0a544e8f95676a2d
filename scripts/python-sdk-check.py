"""Runs a whole flow of Check Point's Python SDK (cp-mgmt-api-sdk) against the
fake server, started with seeded hosts. Usage:
python-sdk-check.py PORT USER PASSWORD SEEDED_HOSTS"""
import sys

from cpapi import APIClient, APIClientArgs

port, user, password, seeded = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])


def check(condition, what, response=None):
    if not condition:
        detail = response.data if response is not None else ""
        sys.exit(f"python sdk: {what}: {detail}")


def client_args():
    # The fake server's certificate is made at start: no fingerprint file to check it against.
    return APIClientArgs(server="127.0.0.1", port=port, unsafe=True, sync_frequency=0.05)


def failure_code(response):
    return response.data.get("code") if isinstance(response.data, dict) else None


with APIClient(client_args()) as alice, APIClient(client_args()) as bob:
    login = alice.login(user, password)
    check(login.success, "login", login)
    me = alice.api_call("show-session", {})
    check(me.success and me.data["user-name"] == user, "show-session", me)

    # api_query pages through every host (50 a page, as the SDK does).
    hosts = alice.api_query("show-hosts", details_level="standard")
    check(hosts.success, "api_query show-hosts", hosts)
    uids = [h["uid"] for h in hosts.data]
    check(len(uids) == seeded and len(set(uids)) == seeded, f"api_query found {len(uids)} hosts, expected {seeded}")

    # add-host, then publish: the SDK waits for the publish task itself.
    added = alice.api_call("add-host", {"name": "sdk-host", "ip-address": "192.0.2.77"})
    check(added.success, "add-host", added)
    published = alice.api_call("publish", {})
    check(published.success, "publish and its task", published)
    check(published.data["tasks"][0]["status"] == "succeeded", "the publish task succeeded", published)
    shown = alice.api_call("show-host", {"name": "sdk-host"})
    check(shown.success and shown.data["uid"] == added.data["uid"], "show-host finds the new host", shown)

    duplicate = alice.api_call("add-host", {"name": "sdk-host", "ip-address": "192.0.2.78"})
    check(not duplicate.success and failure_code(duplicate) == "err_validation_failed", "duplicate refused", duplicate)
    errors = duplicate.data.get("errors", [])
    check(len(errors) == 1 and "sdk-host" in errors[0]["message"], "the refusal has its errors[] entry", duplicate)

    # discard drops what was not published.
    alice.api_call("add-host", {"name": "sdk-dropped", "ip-address": "192.0.2.79"})
    discarded = alice.api_call("discard", {})
    check(discarded.success and discarded.data["number-of-discarded-changes"] == 1, "discard", discarded)
    dropped = alice.api_call("show-host", {"name": "sdk-dropped"})
    check(failure_code(dropped) == "generic_err_object_not_found", "a discarded host is gone", dropped)

    # A change in alice's session locks the host for bob's.
    changed = alice.api_call("set-host", {"name": "sdk-host", "comments": "alice's"})
    check(changed.success, "set-host", changed)
    check(bob.login(user, password).success, "a second login")
    blocked = bob.api_call("set-host", {"name": "sdk-host", "comments": "bob's"})
    check(failure_code(blocked) == "generic_err_object_locked", "a second session is blocked by the lock", blocked)
    as_bob = bob.api_call("show-host", {"name": "sdk-host"})
    check(as_bob.data["meta-info"]["lock"] == "locked by other session", "meta-info.lock", as_bob)

    old_sid = alice.sid
    out = alice.api_call("logout", {})
    check(out.success, "logout", out)
    refused = alice.api_call("show-session", {}, sid=old_sid)
    check(failure_code(refused) == "generic_err_wrong_session_id", "the old sid is refused", refused)
    # Logout without publish discarded alice's change: the lock is gone.
    unblocked = bob.api_call("set-host", {"name": "sdk-host", "comments": "bob's"})
    check(unblocked.success, "the lock ended with the logout", unblocked)
print(f"python sdk: login, show-session, api_query over {seeded} hosts, add-host, publish (task), show-host, "
      "duplicate refused, discard, lock between sessions, logout, old sid refused: ok")
