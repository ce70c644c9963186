import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 11019)); s.listen(1); s.settimeout(40)
c, a = s.accept(); c.settimeout(1)
data = b""; end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        d = c.recv(65536)
        if not d: break
        data += d
    except socket.timeout: pass
open("capture.bmp", "wb").write(data); print("captured", len(data), "from", a)
