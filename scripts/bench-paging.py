"""Pages every host of the fake server with Check Point's Python SDK
(cp-mgmt-api-sdk) `api_query`; prints the number of hosts and the seconds
the query took. Usage: bench-paging.py PORT USER PASSWORD PAGE_SIZE"""
import sys
import time

from cpapi import APIClient, APIClientArgs

port, user, password, page = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
# The fake server's certificate is made at start: no fingerprint file to check it against.
args = APIClientArgs(server="127.0.0.1", port=port, unsafe=True)
with APIClient(args) as client:
    login = client.login(user, password)
    assert login.success, login.error_message
    started = time.perf_counter()
    hosts = client.api_query("show-hosts", "standard", "objects", payload={"limit": page})
    seconds = time.perf_counter() - started
    assert hosts.success, hosts.error_message
    client.api_call("logout", {})
print(len(hosts.data), f"{seconds:.4f}")
