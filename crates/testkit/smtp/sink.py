"""A real SMTP server for Ward's tests (aiosmtpd): every message received is written to a file.

Usage: python3 sink.py PORT FOLDER. Prints "ready" once it accepts connections.
"""
import pathlib
import sys
import threading

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = len(list(self.folder.glob("*.eml")))
            header = "X-Envelope-To: " + ",".join(envelope.rcpt_tos) + "\r\n"
            (self.folder / f"{n:04}.eml").write_bytes(header.encode() + envelope.content)
        return "250 OK"


def main():
    port, folder = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    controller = Controller(Save(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()  # until the test closes our input or kills us
    finally:
        controller.stop()


main()
