"""Code to run first in a subprocess: every connection and name lookup it makes is checked, and
one that is not loopback is refused and reported on stderr as ``NOT LOOPBACK: <host>``."""

LOOPBACK_GUARD = r'''
import ipaddress, socket, sys

def _loopback(host):
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False

def _check(address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and not _loopback(str(host)):
        sys.stderr.write(f"NOT LOOPBACK: {host}\n")
        raise OSError("only loopback may be used here")

def _guard(real, position):
    def guarded(*args, **kwargs):
        _check(args[position])
        return real(*args, **kwargs)
    return guarded

socket.socket.connect = _guard(socket.socket.connect, 1)
socket.socket.connect_ex = _guard(socket.socket.connect_ex, 1)
socket.socket.sendto = _guard(socket.socket.sendto, -1)
_getaddrinfo = socket.getaddrinfo
def _lookup(host, *args, **kwargs):
    _check((host if isinstance(host, str) else "", 0))
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = _lookup
'''
