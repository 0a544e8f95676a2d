"""Logs in to the fake server with Check Point's Python SDK (cp-mgmt-api-sdk),
calls show-session and logs out. Usage: python-sdk-check.py PORT USER PASSWORD"""
import sys

from cpapi import APIClient, APIClientArgs

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
# The fake server's certificate is made at start: no fingerprint file to check it against.
args = APIClientArgs(server="127.0.0.1", port=port, unsafe=True)
with APIClient(args) as client:
    login = client.login(user, password)
    assert login.success, login.error_message
    me = client.api_call("show-session", {})
    assert me.success, me.error_message
    assert me.data["user-name"] == user, me.data
    out = client.api_call("logout", {})
    assert out.success, out.error_message
print("python sdk: login, show-session, logout: ok")
